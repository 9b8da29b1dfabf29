//! What [`super::map_group`] takes and returns: gene tasks, options, per-gene results and
//! the per-phase timings.

use super::score::VariantTest;
use super::summary::{FilterOptions, VariantSummary};

/// Wall-clock seconds spent in each phase of [`map_group`], and the CPU seconds of the
/// process (all threads; Linux only, else 0) in the same phases (for benchmarks on a shared
/// machine, where wall time depends on the load).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct MapTimings {
    /// CPU seconds of: reading, summaries, projection, tests, sink.
    pub cpu: [f64; 5],
    /// Reading and decoding genotypes.
    pub read: f64,
    /// Summaries, filters, imputation and the D^1/2 scaling.
    pub summarise: f64,
    /// The projection U' D^1/2 G (a copy for K = I).
    pub project: f64,
    /// The gene x variant tests, p-values and ACAT.
    pub test: f64,
    /// The caller's sink (writing the variant table).
    pub sink: f64,
    /// Variants projected and gene x variant rows produced.
    pub variants: usize,
    pub tests: usize,
}

/// One gene to map: its null and its cis variants, positions `start..end` of the scan order
/// (or only the positions `variants` among them: explicit gene x variant pairs).
#[derive(Debug, Clone, Copy)]
pub struct GeneTask<'a> {
    /// The caller's gene index, echoed in the result.
    pub id: usize,
    pub tau: f64,
    pub s2e: f64,
    /// y~ (m), Xw'y (p), yw'yw of the null fit.
    pub stats: &'a [f64],
    pub start: usize,
    pub end: usize,
    /// Strictly increasing scan positions within `start..end`; `None` tests them all.
    pub variants: Option<&'a [usize]>,
}

#[derive(Debug, Clone, Copy)]
pub struct MapOptions {
    pub filter: FilterOptions,
    /// Variants read and projected together (one matrix product).
    pub block: usize,
    /// Columns of projected genotypes kept (raised to the widest window when needed).
    pub cache_variants: usize,
    /// Genes tested in parallel between two cancellation checks.
    pub genes_per_batch: usize,
}

impl Default for MapOptions {
    fn default() -> Self {
        MapOptions {
            filter: FilterOptions {
                min_mac: 1.0,
                max_missing: 0.15,
            },
            block: 512,
            cache_variants: 8192,
            genes_per_batch: 64,
        }
    }
}

/// The tests of one gene: one entry per tested variant (scan positions `positions`, all of
/// `start..end` unless the task selected some).
#[derive(Debug, Clone)]
pub struct GeneResult {
    pub id: usize,
    pub start: usize,
    pub end: usize,
    pub positions: Vec<usize>,
    pub summaries: Vec<VariantSummary>,
    /// NaN for variants that fail the filters (or for a gene whose null is unusable).
    pub tests: Vec<VariantTest>,
    pub pvalues: Vec<f64>,
    pub num_var: usize,
    pub acat_p: f64,
    /// Row (index into `positions`) of the smallest p-value, first on ties.
    pub top: Option<usize>,
}
