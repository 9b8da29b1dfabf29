//! Structural equation modelling engine: reproduces what GenomicSEM gets from lavaan 0.6.14
//! (`sem()` with DWLS or ML on a genetic covariance matrix), without lavaan.
//!
//! Pipeline, one module per step: [`syntax`] (model string -> statements, via [`lexer`] and
//! [`expr`]) -> [`partable`] (parameter table as lavaan builds it, variable roles from
//! [`vnames`]) -> [`matrices`] (implied covariance and its analytic derivative Delta) ->
//! [`constraints`] + [`start`] + [`estimate`] (DWLS/ML optimiser) -> [`sandwich`]
//! (GenomicSEM's standard errors) -> [`fit`] (chi-square, CFI, SRMR) -> [`standardized`].
//! [`usermodel`] and [`commonfactor`] run them in GenomicSEM's order; [`qfactor`] and
//! [`nearpd`] are the extras around them.
//!
//! Entry points:
//! * [`usermodel()`] / [`commonfactor()`]: S (k x k) + trait names + V (k(k+1)/2 square, vech
//!   order) + model -> [`UsermodelOutput`] (modelfit, results rows, implied/residual matrices,
//!   smoothing info); [`q_factor()`] on that output.
//! * [`Model`]: parse once, then [`Model::fit`] / [`Model::refit`] (warm start, no allocation)
//!   for the per-SNP loops; [`Model::delta`], [`Model::ml_weight`] and
//!   [`sandwich::sandwich`] give the standard errors.

pub mod cholesky;
pub mod commonfactor;
pub mod constraints;
pub mod error;
pub mod estimate;
pub mod expr;
pub mod fit;
pub mod lexer;
pub mod linalg;
pub mod line_search;
pub mod matrices;
pub mod model;
pub mod nearpd;
mod newton;
pub mod optimiser_tolerances;
pub mod partable;
pub mod qfactor;
pub mod sandwich;
pub mod standardized;
pub mod start;
pub mod stats;
pub mod syntax;
pub mod usermodel;
pub mod usermodel_output;
pub mod vnames;
pub mod weight;

pub use commonfactor::commonfactor;
pub use error::SemError;
pub use estimate::Estimator;
pub use model::Model;
pub use partable::{ParOp, ParRow, ParTable, PartableOptions};
pub use qfactor::{q_factor, QFactorRow};
pub use usermodel::{usermodel, ModelFit, ResultRow, UsermodelOptions, UsermodelOutput};
