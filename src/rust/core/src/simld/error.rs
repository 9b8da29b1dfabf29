use crate::error::{Cancelled, Classed};
use crate::io::IoError;
use std::fmt;

/// Problems simulating LDSC summary statistics.
#[derive(Debug)]
pub enum SimError {
    Io(IoError),
    Cancelled,
    NoL2 {
        file: String,
    },
    BadNumber {
        file: String,
        line: u64,
        value: String,
    },
    NotPositiveDefinite {
        snp: String,
    },
    Write {
        file: String,
        detail: String,
    },
}

impl From<IoError> for SimError {
    fn from(e: IoError) -> Self {
        SimError::Io(e)
    }
}

impl From<Cancelled> for SimError {
    fn from(_: Cancelled) -> Self {
        SimError::Cancelled
    }
}

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SimError::Io(e) => e.fmt(f),
            SimError::Cancelled => Cancelled.fmt(f),
            SimError::NoL2 { file } => write!(
                f,
                "LD-score file '{file}' has no 'L2' column. `ld` must be an LD-score folder \
                 (<chr>.l2.ldscore.gz with an L2 column, <chr>.l2.M_5_50)."
            ),
            SimError::BadNumber { file, line, value } => {
                write!(f, "File '{file}', line {line}: '{value}' is not a number.")
            }
            SimError::NotPositiveDefinite { snp } => write!(
                f,
                "The covariance matrix of the Z statistics of SNP '{snp}' is not positive \
                 definite. Check `covmat`, `N`, `rPheno` and `int` (genetic and phenotypic \
                 correlations must lie in [-1, 1])."
            ),
            SimError::Write { file, detail } => {
                write!(f, "Could not write '{file}': {detail}.")
            }
        }
    }
}

impl Classed for SimError {
    fn class(&self) -> &'static str {
        match self {
            SimError::Io(e) => e.class(),
            SimError::Cancelled => Cancelled.class(),
            SimError::NoL2 { .. } => "missing_column",
            SimError::BadNumber { .. } => "input",
            SimError::NotPositiveDefinite { .. } => "not_positive_definite",
            SimError::Write { .. } => "io",
        }
    }
}
