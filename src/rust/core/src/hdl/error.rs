//! Errors of `hdl()`; the R side checks files and arguments first, so these are about data.

use crate::error::{self, Classed};
use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub enum HdlError {
    /// A panel piece whose arrays do not fit together.
    PieceShape {
        piece: String,
        detail: String,
    },
    /// A trait's aligned effects do not have one value per panel SNP.
    EffectsShape {
        trait_index: usize,
        piece: String,
        expected: usize,
        found: usize,
    },
    /// A value the likelihood needs is missing or not finite.
    NotFinite {
        what: String,
    },
    /// The genome-wide genetic-covariance fit failed from every starting value.
    NoConvergence {
        traits: (usize, usize),
    },
    Cancelled,
}

impl From<error::Cancelled> for HdlError {
    fn from(_: error::Cancelled) -> Self {
        HdlError::Cancelled
    }
}

impl fmt::Display for HdlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use HdlError::*;
        match self {
            PieceShape { piece, detail } => write!(
                f,
                "LD panel piece '{piece}' is inconsistent: {detail}. Download or regenerate the panel."
            ),
            EffectsShape { trait_index, piece, expected, found } => write!(
                f,
                "Trait {trait_index}: {found} aligned effects for panel piece '{piece}', which has {expected} SNPs."
            ),
            NotFinite { what } => write!(
                f,
                "{what} is missing or not finite, so the HDL likelihood cannot be evaluated. Check the summary statistics (N, Z) and the panel."
            ),
            NoConvergence { traits: (a, b) } => write!(
                f,
                "The genome-wide genetic covariance of traits {a} and {b} did not converge from any starting value (jackknife method). Try method = \"piecewise\"."
            ),
            Cancelled => error::Cancelled.fmt(f),
        }
    }
}

impl std::error::Error for HdlError {}

impl Classed for HdlError {
    fn class(&self) -> &'static str {
        match self {
            HdlError::PieceShape { .. } => "hdl_panel",
            HdlError::EffectsShape { .. } | HdlError::NotFinite { .. } => "hdl_input",
            HdlError::NoConvergence { .. } => "hdl_convergence",
            HdlError::Cancelled => error::Cancelled.class(),
        }
    }
}
