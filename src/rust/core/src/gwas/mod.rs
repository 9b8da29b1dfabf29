//! Multivariate GWAS on top of the SEM engine: GenomicSEM's `userGWAS()` and
//! `commonfactorGWAS()` as per-SNP loops in which everything that does not depend on the SNP
//! is prepared once.
//!
//! Pipeline: [`inputs`] (covariance structure, per-SNP columns, options) -> [`snp_matrices`]
//! (S_Full and V_Full of one SNP, GenomicSEM's smoothing) -> [`setup`] (the models GenomicSEM
//! builds: fixed measurement model, reorder model for df and npar, the base fit that every SNP
//! starts from) -> [`user`] / [`common`] (one SNP: fit from [`user_start`] / the closed-form
//! start, sandwich, chi-square, Q statistics; one-factor fits written out in [`common_fit`],
//! used by both through [`written_out`]; commonfactorGWAS's Q follow-up in
//! [`q_follow_up`]) -> [`run`] (chunks on the caller's rayon pool into preallocated
//! [`results`] columns). [`prepared`] holds the SNP-independent pieces that `setup` builds and
//! `snp_matrices` and `q_stats` use, so that those files depend on it and not on each other.

pub mod add_snps;
pub mod analytic;
pub mod common;
pub mod common_fit;
pub mod inputs;
pub mod multi_snp;
pub mod prepared;
pub mod q_follow_up;
pub mod q_stats;
pub mod results;
pub mod run;
pub mod sandwich_absorbed;
pub mod sandwich_work;
pub mod setup;
pub mod snp_matrices;
pub mod user;
pub mod user_start;
pub mod written_out;

pub use inputs::{CovStruc, GcMode, GwasOptions, SnpColumns};
pub use results::{CommonColumns, UserColumns};
pub use run::{run_common, run_user};
pub use setup::{CommonGwas, UserGwas};
