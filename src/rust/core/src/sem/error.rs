//! Errors of the SEM engine, one variant per way a model or its input can fail.

use std::fmt;

use crate::error::Classed;

/// Everything that can go wrong between model syntax and fitted results.
#[derive(Debug, Clone, PartialEq)]
pub enum SemError {
    /// The model string could not be parsed.
    Syntax {
        line: usize,
        column: usize,
        expected: String,
        found: String,
    },
    /// A model feature that this engine does not implement (multiple groups, intercepts, ...).
    Unsupported { what: String },
    /// Inequality constraints that no value satisfies (`a > 10` with `a < 1`).
    ContradictoryBounds {
        label: String,
        lower: f64,
        upper: f64,
    },
    /// Observed variables named in the model are not in the covariance matrix.
    UnknownVariables { names: Vec<String> },
    /// None of the traits of the covariance matrix appear in the model.
    NoTraitsInModel,
    /// Input matrices have inconsistent shapes or contain non-finite values.
    BadInput { what: String },
    /// A matrix that must be positive definite is not.
    NotPositiveDefinite { what: String },
    /// More free parameters than sample moments, or a singular information matrix.
    NotIdentified { detail: String },
    /// The optimiser stopped without reaching the optimum.
    NotConverged { iterations: usize, gradient: f64 },
    /// A label used in a constraint or definition names no parameter.
    UnknownLabel { label: String },
}

impl fmt::Display for SemError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SemError::Syntax {
                line,
                column,
                expected,
                found,
            } => write!(
                f,
                "Model syntax error at line {line}, position {column}: expected {expected} but found {found}. \
                 Check the `model` string."
            ),
            SemError::Unsupported { what } => write!(
                f,
                "The model uses {what}, which genomicsemrs does not support. Rewrite the `model` without it."
            ),
            SemError::ContradictoryBounds { label, lower, upper } => write!(
                f,
                "The model's inequality constraints on `{label}` contradict each other: it must be above \
                 {lower} and below {upper}. Fix the constraints in `model`."
            ),
            SemError::UnknownVariables { names } => write!(
                f,
                "The model names observed variable(s) {} that are not columns of the genetic covariance \
                 matrix S. Check the spelling of the trait names in `model`.",
                names.join(", ")
            ),
            SemError::NoTraitsInModel => f.write_str(
                "None of the traits in the covariance structure appear in the model. \
                 Use the trait names of `covstruc$S` in `model`.",
            ),
            SemError::BadInput { what } => write!(f, "Invalid input: {what}."),
            SemError::NotPositiveDefinite { what } => write!(
                f,
                "The {what} is not positive definite. Smooth it first (nearPD) or check the input."
            ),
            SemError::NotIdentified { detail } => write!(
                f,
                "The model is not identified: {detail}. Fix a loading or a variance, or add constraints."
            ),
            SemError::NotConverged {
                iterations,
                gradient,
            } => write!(
                f,
                "The model did not converge after {iterations} iterations (largest gradient {gradient:.3e}). \
                 Try other starting values or a simpler model."
            ),
            SemError::UnknownLabel { label } => write!(
                f,
                "The label `{label}` used in a constraint or `:=` definition names no parameter of the model."
            ),
        }
    }
}

impl std::error::Error for SemError {}

impl Classed for SemError {
    fn class(&self) -> &'static str {
        match self {
            SemError::Syntax { .. } => "model_syntax",
            SemError::Unsupported { .. } => "model_unsupported",
            SemError::UnknownVariables { .. } | SemError::NoTraitsInModel => "model_variables",
            SemError::BadInput { .. } => "input",
            SemError::NotPositiveDefinite { .. } => "not_positive_definite",
            SemError::NotIdentified { .. } => "not_identified",
            SemError::NotConverged { .. } => "not_converged",
            SemError::UnknownLabel { .. } | SemError::ContradictoryBounds { .. } => "model_syntax",
        }
    }
}
