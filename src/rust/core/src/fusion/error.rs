use crate::error::Classed;
use crate::io::IoError;
use std::fmt;

/// Problems reading FUSION TWAS output, naming the file and what to do.
#[derive(Debug)]
pub enum FusionError {
    Io(IoError),
    MissingColumns {
        file: String,
        missing: Vec<String>,
    },
    NotNumeric {
        file: String,
        column: String,
        line: u64,
        value: String,
    },
}

impl From<IoError> for FusionError {
    fn from(e: IoError) -> Self {
        FusionError::Io(e)
    }
}

impl fmt::Display for FusionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FusionError::Io(e) => e.fmt(f),
            FusionError::MissingColumns { file, missing } => write!(
                f,
                "FUSION file '{file}' has no column {}. Give the `.dat` output of FUSION.assoc_test.R \
                 (columns FILE, ID, HSQ and TWAS.Z; PERM.PV and PERM.N with `perm = TRUE`).",
                missing
                    .iter()
                    .map(|m| format!("'{m}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            FusionError::NotNumeric {
                file,
                column,
                line,
                value,
            } => write!(
                f,
                "FUSION file '{file}', line {line}: column '{column}' holds '{value}', which is \
                 not a number. Use NA (or '.' or an empty field) for missing values."
            ),
        }
    }
}

impl Classed for FusionError {
    fn class(&self) -> &'static str {
        match self {
            FusionError::Io(e) => e.class(),
            FusionError::MissingColumns { .. } => "missing_column",
            FusionError::NotNumeric { .. } => "input",
        }
    }
}
