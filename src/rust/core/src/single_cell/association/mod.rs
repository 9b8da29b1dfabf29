//! Cis association tests after the null fit (`map_cis()`; spec shared/spec/single_cell_step2.md
//! sections 1, 2, 5): exact per-variant score tests at the donor level, gene-level ACAT.
//!
//! * [`plink`]: .bim/.fam tables and random access to .bed records.
//! * [`genotypes`]: a .bed file or an in-memory dosage matrix as one source.
//! * [`summary`]: per-variant summaries over a cell group's donors, filters, mean imputation.
//! * [`score`]: a gene's donor-level null quantities and its variants' `T` and `Var(T)`.
//! * `stacked`, `dot`: the tests of all genes sharing a block of variants as one product
//!   with a fixed summation order.
//! * [`acat`]: the Cauchy combination of a gene's p-values.
//! * [`map_group`]: the streaming driver over one cell group (inputs checked in `map_checks`).
//! * [`output`]: the variant table written from here, one gzip member per gene.

pub mod acat;
mod cpu_time;
mod dot;
mod error;
pub mod genotypes;
mod map;
mod map_checks;
pub mod output;
pub mod plink;
pub mod score;
mod stacked;
#[cfg(test)]
mod stacked_timing;
pub mod summary;
mod task;

pub use error::AssociationError;
pub use genotypes::GenotypeSource;
pub use map::map_group;
pub use output::{GeneLabel, VariantFile, VariantLabels, VARIANT_COLUMNS};
pub use summary::{FilterOptions, VariantFilter, VariantSummary};
pub use task::{GeneResult, GeneTask, MapOptions, MapTimings};
