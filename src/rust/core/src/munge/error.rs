use crate::error::{Cancelled, Classed};
use crate::io::IoError;
use std::fmt;

/// Problems preparing summary statistics, naming the file and what to do.
#[derive(Debug)]
pub enum MungeError {
    Io(IoError),
    Cancelled,
    MissingColumns {
        file: String,
        missing: Vec<String>,
        found: Vec<String>,
    },
    NoRowsLeft {
        file: String,
        step: String,
    },
    NoSampleSize {
        file: String,
        /// What needs it: "munge", "`OLS = TRUE`", ...
        need: &'static str,
    },
    Reference {
        file: String,
        detail: String,
    },
    Output {
        file: String,
        detail: String,
    },
}

impl From<IoError> for MungeError {
    fn from(e: IoError) -> Self {
        MungeError::Io(e)
    }
}

impl From<Cancelled> for MungeError {
    fn from(_: Cancelled) -> Self {
        MungeError::Cancelled
    }
}

impl fmt::Display for MungeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MungeError::Io(e) => e.fmt(f),
            MungeError::Cancelled => Cancelled.fmt(f),
            MungeError::MissingColumns { file, missing, found } => write!(
                f,
                "Cannot find the {} column(s) in '{}'. Its columns are: {}. Rename the column(s) in the \
                 file or name them with `column.names` (munge).",
                missing.join(", "),
                file,
                found.join(", ")
            ),
            MungeError::NoRowsLeft { file, step } => write!(
                f,
                "No rows of '{file}' are left after {step}. Check that the file's SNP ids and alleles \
                 match the reference and that its columns were interpreted correctly (see the log)."
            ),
            MungeError::NoSampleSize { file, need } => write!(
                f,
                "'{file}' has no sample-size column (N, NEFF, ...) and `N` was not given for it, but \
                 {need} needs one. Give the sample size in `N` (the sum of effective sample sizes for a \
                 binary trait), or name the column with `column.names`."
            ),
            MungeError::Reference { file, detail } => {
                write!(f, "The reference file '{file}' cannot be used: {detail}.")
            }
            MungeError::Output { file, detail } => {
                write!(f, "Could not write '{file}': {detail}. Check that the folder is writable.")
            }
        }
    }
}

impl Classed for MungeError {
    fn class(&self) -> &'static str {
        match self {
            MungeError::Io(e) => e.class(),
            MungeError::Cancelled => Cancelled.class(),
            MungeError::MissingColumns { .. } => "missing_column",
            MungeError::NoRowsLeft { .. } => "no_rows",
            MungeError::NoSampleSize { .. } => "missing_column",
            MungeError::Reference { .. } => "reference",
            MungeError::Output { .. } => "io",
        }
    }
}
