//! R-free core of genomicsemrs: all numerics and file reading live here so that
//! `cargo test` exercises them without an R installation.
//!
//! Every subsystem has its own error enum; each implements [`error::Classed`] so the
//! binding layer can turn it into a classed R condition without knowing its details.

pub mod collections;
pub mod covariance;
pub mod error;
pub mod fingerprint;
pub mod fusion;
pub mod gwas;
pub mod hdl;
pub mod io;
pub mod ldsc;
pub mod munge;
pub mod parallel;
pub mod rmath;
pub mod sem;
pub mod simld;
pub mod single_cell;
pub mod stratified;

/// Version of the core crate, reported by `genomicsemrs_sitrep()`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
