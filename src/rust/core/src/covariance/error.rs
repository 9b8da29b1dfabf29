//! Errors of the covariance helpers.

use std::fmt;

use crate::error::Classed;
use crate::sem::SemError;

#[derive(Debug, Clone)]
pub enum CovarianceError {
    /// A matrix that must be inverted is singular (or not finite).
    Singular { what: String, hint: String },
    /// Inputs whose sizes do not agree.
    Dimensions { what: String },
    /// The SEM engine failed on the model built for the helper.
    Sem(SemError),
    /// A parameter the helper needs is missing from the fitted model.
    MissingParameter { name: String },
}

impl fmt::Display for CovarianceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CovarianceError::Singular { what, hint } => {
                write!(f, "{what} is singular and cannot be inverted. {hint}")
            }
            CovarianceError::Dimensions { what } => write!(f, "{what}."),
            CovarianceError::Sem(err) => write!(f, "{err}"),
            CovarianceError::MissingParameter { name } => write!(
                f,
                "The fitted model has no free parameter `{name}`; please report this with a reproducible example."
            ),
        }
    }
}

impl Classed for CovarianceError {
    fn class(&self) -> &'static str {
        match self {
            CovarianceError::Singular { .. } => "singular",
            CovarianceError::Dimensions { .. } => "input",
            CovarianceError::Sem(err) => err.class(),
            CovarianceError::MissingParameter { .. } => "internal",
        }
    }
}

impl From<SemError> for CovarianceError {
    fn from(err: SemError) -> Self {
        CovarianceError::Sem(err)
    }
}
