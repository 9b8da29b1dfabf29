//! Single-cell null-model fitting: exact REML for the cell-level linear mixed model
//! y = X b + Z u + e, u ~ N(0, s2g K), e ~ N(0, s2e I), gene by gene, through a donor-level
//! eigensystem (spec: shared/spec/single_cell.md). No n x n matrix is ever formed.
//!
//! * [`grm`]: GCTA binary and SAIGE sparse GRM readers and checks.
//! * [`build_stage1`]: the donor eigensystem (once per set of observed cells), plain data.
//! * [`fit_null_sc`]: grouping by missing values, stage 1 per group, stage 2 per gene in
//!   parallel on the caller's rayon pool; [`fit_group_genes`] reuses a stage-1 state.
//!
//! Inputs as the bindings hand them over: `donor_of_cell` 0-based in the GRM's order (R maps
//! donor ids with `match()`), the design n x p column-major with its column names, the
//! expression genes x cells column-major (R's layout, NaN = NA). Errors are
//! [`SingleCellError`] (classes `single_cell`, `grm`, `io`, `interrupted`); problems of single
//! genes are a [`GeneStatus`] in each [`GeneFit`].

pub mod association;
pub mod count;
mod dense;
mod eigen;
mod error;
mod expression;
mod fit;
pub mod grm;
mod identifiable;
mod optimize;
mod reml;
mod shared;
mod stage1;
mod stage2;
pub mod tolerances;

pub use eigen::{symmetric_eigen, symmetric_eigenvalues};
pub use error::{GeneStatus, SingleCellError};
pub use expression::{group_by_missing, CellGroup, Expression, ExpressionLayout};
pub use fit::{fit_group_genes, fit_null_sc, CellGroupFit, FitOptions, NullFits};
pub use identifiable::tau_identifiable;
pub use stage1::{build_stage1, Design, DonorEigensystem, DonorKernel};
pub use stage2::{GeneFit, TauMode};
