//! Errors of the cis association step (`map_cis()`): unreadable or inconsistent genotype
//! files, an unwritable output and inputs that disagree in size. Classes `plink` (genotype
//! files), `io` (the output file), `map_cis` (everything else) and `interrupted`.

use crate::error::{Cancelled, Classed};
use std::fmt;
use std::path::PathBuf;

#[derive(Debug)]
pub enum AssociationError {
    /// A genotype file cannot be opened or read.
    Unreadable { path: PathBuf, detail: String },
    /// A .bed file without the PLINK 1 SNP-major magic bytes.
    NotSnpMajor { path: PathBuf },
    /// A .bed file whose size does not match its .bim and .fam.
    BedSize {
        path: PathBuf,
        expected: u64,
        found: u64,
    },
    /// A malformed line of a .bim or .fam file.
    BadLine {
        path: PathBuf,
        line: usize,
        detail: String,
    },
    /// Two inputs disagree in size (`what` names them).
    DimensionMismatch {
        what: &'static str,
        expected: usize,
        found: usize,
    },
    /// An index out of range (a genotype row, a variant, a window).
    OutOfRange {
        what: &'static str,
        index: usize,
        limit: usize,
    },
    /// The variant table cannot be written.
    Output { path: PathBuf, detail: String },
    /// A gene x variant pair outside the scan (a caller's bug, not the user's).
    BadSelection { gene: usize },
    /// The user interrupted the computation.
    Interrupted,
}

impl From<Cancelled> for AssociationError {
    fn from(_: Cancelled) -> Self {
        AssociationError::Interrupted
    }
}

impl fmt::Display for AssociationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use AssociationError::*;
        match self {
            Unreadable { path, detail } => write!(
                f,
                "Cannot read the genotype file `{}`: {detail}. Check the path and permissions.",
                path.display()
            ),
            NotSnpMajor { path } => write!(
                f,
                "`{}` is not a SNP-major PLINK 1 .bed file (wrong magic bytes). Recreate it with \
                 `plink --make-bed`.",
                path.display()
            ),
            BedSize {
                path,
                expected,
                found,
            } => write!(
                f,
                "`{}` has {found} bytes but its .bim and .fam imply {expected}. The .bed, .bim \
                 and .fam files must come from the same PLINK run.",
                path.display()
            ),
            BadLine { path, line, detail } => write!(
                f,
                "Line {line} of `{}` is malformed: {detail}.",
                path.display()
            ),
            DimensionMismatch {
                what,
                expected,
                found,
            } => write!(
                f,
                "Dimension mismatch: {what} should be {expected} but is {found}."
            ),
            OutOfRange { what, index, limit } => {
                write!(f, "{what} {} is out of range (at most {limit}).", index + 1)
            }
            Output { path, detail } => write!(
                f,
                "Cannot write the variant table to `{}`: {detail}. Check that its folder exists \
                 and is writable, and that the disk has space.",
                path.display()
            ),
            BadSelection { gene } => write!(
                f,
                "The variants of gene {} must be increasing scan positions inside its window.",
                gene + 1
            ),
            Interrupted => Cancelled.fmt(f),
        }
    }
}

impl Classed for AssociationError {
    fn class(&self) -> &'static str {
        use AssociationError::*;
        match self {
            Unreadable { .. } | NotSnpMajor { .. } | BedSize { .. } | BadLine { .. } => "plink",
            Output { .. } => "io",
            Interrupted => Cancelled.class(),
            _ => "map_cis",
        }
    }
}
