//! High-definition likelihood (HDL; Ning, Pawitan & Shen 2020) as GenomicSEM's `hdl()` runs it:
//! per LD piece of a reference panel, the heritability and genetic-covariance likelihoods in
//! the panel's eigen space, minimised from weighted-least-squares starting values.
//!
//! The R side reads the panel (`load()` of .rda files) and the summary statistics and aligns
//! the effects to the panel and computes the regression starting values (with `lm()`'s QR, to
//! the last bit); [`hdl`] computes `S`, `I` and the per-piece jackknife values
//! from which R forms `V`. The minimiser is an argument ([`optim::Minimizer`]): GenomicSEM
//! used R's `optim(method = "L-BFGS-B")` with finite-difference gradients, and the bindings
//! pass R's own `lbfgsb()` so that the same iterates are taken. This crate stays R-free.

mod error;
mod fit;
mod input;
pub mod likelihood;
pub mod optim;

pub use error::HdlError;
pub use fit::hdl;
pub use input::{HdlInput, HdlMethod, HdlResult, Piece, TraitEffects};
