use crate::error::{Cancelled, Classed};
use std::fmt;

/// Errors that stop a whole count fit (bad shared input). Problems of single genes are a
/// [`CountStatus`] instead.
#[derive(Debug)]
pub enum CountError {
    DimensionMismatch {
        what: &'static str,
        expected: usize,
        found: usize,
    },
    DonorOutOfRange { cell: usize, donor: usize, n_donors: usize },
    NonFiniteOffset { cell: usize },
    NonFiniteCovariate { column: usize, cell: usize },
    /// The sparse count matrix's slots are inconsistent.
    SparseLayout { detail: &'static str },
    Interrupted,
}

impl From<Cancelled> for CountError {
    fn from(_: Cancelled) -> Self {
        CountError::Interrupted
    }
}

impl fmt::Display for CountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use CountError::*;
        match self {
            DimensionMismatch { what, expected, found } => write!(
                f,
                "Dimension mismatch: {what} should be {expected} but is {found}."
            ),
            DonorOutOfRange { cell, donor, n_donors } => write!(
                f,
                "Cell {} belongs to donor {} but only {} donors are known.",
                cell + 1,
                donor + 1,
                n_donors
            ),
            NonFiniteOffset { cell } => write!(
                f,
                "The offset is missing or infinite for cell {}. Offsets (log library sizes) \
                 must be finite; remove such cells first.",
                cell + 1
            ),
            NonFiniteCovariate { column, cell } => write!(
                f,
                "Design column {} is missing or infinite for cell {}. Remove such cells or \
                 impute the covariate first.",
                column + 1,
                cell + 1
            ),
            SparseLayout { detail } => write!(
                f,
                "The sparse count matrix is malformed ({detail}). Rebuild it with \
                 Matrix::sparseMatrix()."
            ),
            Interrupted => Cancelled.fmt(f),
        }
    }
}

impl Classed for CountError {
    fn class(&self) -> &'static str {
        match self {
            CountError::Interrupted => Cancelled.class(),
            _ => "single_cell",
        }
    }
}

/// The outcome of one gene's count fit; anything but `Ok` leaves its estimates NaN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountStatus {
    Ok,
    /// Every observed count is zero: nothing to fit.
    AllZero,
    /// A count is negative, not an integer or infinite.
    InvalidCounts,
    /// Fewer than two donors or no residual degree of freedom after removing missing cells.
    TooFewObservations,
    /// The covariates are collinear on the observed cells (or a weighted X'WX is singular).
    DesignSingular,
    /// The GLM start or the PQL iteration diverged (non-finite linear predictor).
    Diverged,
}

impl CountStatus {
    pub fn code(self) -> &'static str {
        match self {
            CountStatus::Ok => "ok",
            CountStatus::AllZero => "all_zero",
            CountStatus::InvalidCounts => "invalid_counts",
            CountStatus::TooFewObservations => "too_few_observations",
            CountStatus::DesignSingular => "design_singular",
            CountStatus::Diverged => "diverged",
        }
    }
}
