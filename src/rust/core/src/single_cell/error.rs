use super::grm::GrmError;
use crate::error::{Cancelled, Classed};
use std::fmt;

/// Errors of the single-cell null-model fit: bad input that stops the whole fit.
/// Problems of a single gene are reported per gene as a [`GeneStatus`] instead.
#[derive(Debug)]
pub enum SingleCellError {
    /// Two inputs disagree in size (`what` names them).
    DimensionMismatch {
        what: &'static str,
        expected: usize,
        found: usize,
    },
    /// A cell's donor index is not below the number of donors.
    DonorOutOfRange {
        cell: usize,
        donor: usize,
        n_donors: usize,
    },
    /// Fewer than two donors have cells.
    TooFewDonors { found: usize },
    /// No residual degrees of freedom.
    TooFewCells { cells: usize, columns: usize },
    /// A covariate is NaN or infinite.
    NonFiniteCovariate { column: String, cell: usize },
    /// A covariate column is (numerically) a linear combination of the columns before it.
    CollinearCovariate { column: String },
    /// The donor relationship matrix is unusable.
    Kernel(GrmError),
    /// The eigensolver failed (non-finite input or no convergence).
    EigenFailed { size: usize },
    /// A fixed variance ratio that is negative or not finite.
    InvalidTau { value: f64 },
    /// The user interrupted the computation.
    Interrupted,
}

impl From<Cancelled> for SingleCellError {
    fn from(_: Cancelled) -> Self {
        SingleCellError::Interrupted
    }
}

impl fmt::Display for SingleCellError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use SingleCellError::*;
        match self {
            DimensionMismatch {
                what,
                expected,
                found,
            } => write!(
                f,
                "Dimension mismatch: {what} should be {expected} but is {found}."
            ),
            DonorOutOfRange {
                cell,
                donor,
                n_donors,
            } => write!(
                f,
                "Cell {} belongs to donor {} but only {} donors are known. Every cell's donor \
                 must appear in the GRM.",
                cell + 1,
                donor + 1,
                n_donors
            ),
            TooFewDonors { found } => write!(
                f,
                "Only {found} donor(s) have cells; a donor random effect needs at least 2 donors."
            ),
            TooFewCells { cells, columns } => write!(
                f,
                "There are {cells} cells for {columns} fixed-effect columns: at least one more \
                 cell than columns is needed. Drop covariates or add cells."
            ),
            NonFiniteCovariate { column, cell } => write!(
                f,
                "Covariate `{}` is missing or infinite for cell {}. Remove such cells or impute \
                 the covariate first.",
                column,
                cell + 1
            ),
            CollinearCovariate { column } => write!(
                f,
                "Covariate `{column}` is a linear combination of the columns before it (or \
                 constant alongside the intercept). Drop it from the design."
            ),
            Kernel(e) => e.fmt(f),
            EigenFailed { size } => write!(
                f,
                "The eigendecomposition of the {size} x {size} donor matrix failed. Check the \
                 GRM for missing or extreme values."
            ),
            InvalidTau { value } => write!(
                f,
                "The fixed variance ratio `tau` must be a finite number >= 0, not {value}."
            ),
            Interrupted => Cancelled.fmt(f),
        }
    }
}

impl Classed for SingleCellError {
    fn class(&self) -> &'static str {
        match self {
            SingleCellError::Kernel(e) => e.class(),
            SingleCellError::Interrupted => Cancelled.class(),
            _ => "single_cell",
        }
    }
}

/// The outcome of one gene's fit. Anything but `Ok` leaves the gene's estimates NaN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeneStatus {
    Ok,
    /// The expression is the same in every observed cell.
    Constant,
    /// The covariates explain the expression exactly (no residual variance).
    ExplainedByCovariates,
    /// The expression holds an infinite value.
    NonFinite,
    /// After removing missing values fewer than 2 donors or too few cells remain.
    TooFewObservations,
    /// After removing missing values the covariates are collinear.
    DesignSingular,
    /// The donor variance cannot be told apart from the residual variance for this cell set
    /// (see `identifiable.rs`): tau is not estimable.
    NotIdentifiable,
}

impl GeneStatus {
    /// Short code for the R side.
    pub fn code(self) -> &'static str {
        match self {
            GeneStatus::Ok => "ok",
            GeneStatus::Constant => "constant",
            GeneStatus::ExplainedByCovariates => "explained_by_covariates",
            GeneStatus::NonFinite => "non_finite",
            GeneStatus::TooFewObservations => "too_few_observations",
            GeneStatus::DesignSingular => "design_singular",
            GeneStatus::NotIdentifiable => "tau_not_identifiable",
        }
    }
}
