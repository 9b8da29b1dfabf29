use crate::error::Classed;
use crate::io::IoError;
use std::fmt;
use std::path::PathBuf;

/// Problems reading or validating a genetic relationship matrix.
#[derive(Debug)]
pub enum GrmError {
    /// A file could not be opened or read (class `io`).
    Io(IoError),
    /// The `.grm.bin` (or `.grm.N.bin`) holds a different number of values than the id file
    /// implies.
    SizeMismatch {
        path: PathBuf,
        ids: usize,
        expected_bytes: u64,
        found_bytes: u64,
    },
    /// A line of a text file could not be parsed.
    Malformed {
        path: PathBuf,
        line: u64,
        detail: String,
    },
    /// A value is NaN or infinite.
    NonFinite {
        path: PathBuf,
        row: usize,
        col: usize,
    },
    /// The matrix is not symmetric.
    NotSymmetric {
        row: usize,
        col: usize,
        upper: f64,
        lower: f64,
    },
    /// A matrix passed in memory does not hold m x m values.
    WrongLength { m: usize, found: usize },
    /// The matrix has a clearly negative eigenvalue.
    NotPositiveSemidefinite { smallest: f64, largest: f64 },
}

impl From<IoError> for GrmError {
    fn from(e: IoError) -> Self {
        GrmError::Io(e)
    }
}

impl fmt::Display for GrmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GrmError::Io(e) => e.fmt(f),
            GrmError::SizeMismatch {
                path,
                ids,
                expected_bytes,
                found_bytes,
            } => write!(
                f,
                "GRM file '{}' has {} bytes but the id file lists {} individuals, which needs {} \
                 bytes. The two files do not belong together: write them again with the same tool \
                 run.",
                path.display(),
                found_bytes,
                ids,
                expected_bytes
            ),
            GrmError::Malformed { path, line, detail } => write!(
                f,
                "GRM file '{}' is malformed at line {}: {}.",
                path.display(),
                line,
                detail
            ),
            GrmError::NonFinite { path, row, col } => write!(
                f,
                "GRM file '{}' holds a missing or infinite value at row {}, column {}. Recompute \
                 the GRM without missing values.",
                path.display(),
                row + 1,
                col + 1
            ),
            GrmError::NotSymmetric {
                row,
                col,
                upper,
                lower,
            } => write!(
                f,
                "The GRM is not symmetric: entry [{}, {}] is {} but entry [{}, {}] is {}.",
                row + 1,
                col + 1,
                upper,
                col + 1,
                row + 1,
                lower
            ),
            GrmError::WrongLength { m, found } => write!(
                f,
                "A {m} x {m} GRM needs {} values but {found} were given.",
                m * m
            ),
            GrmError::NotPositiveSemidefinite { smallest, largest } => write!(
                f,
                "The GRM is not positive semi-definite: its smallest eigenvalue is {smallest:.6e} \
                 against a largest of {largest:.6e}. Recompute it from genotypes without missing \
                 calls, or project it to the nearest positive semi-definite matrix first."
            ),
        }
    }
}

impl Classed for GrmError {
    fn class(&self) -> &'static str {
        match self {
            GrmError::Io(e) => e.class(),
            _ => "grm",
        }
    }
}
