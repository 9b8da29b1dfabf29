//! The whole null-model fit: group genes by observed cells, run stage 1 per group and stage 2
//! per gene in parallel chunks on the caller's rayon pool, checking the cancel token between
//! chunks.

use super::expression::{group_by_missing, observed_cells, Expression};
use super::identifiable::tau_identifiable;
use super::reml::RemlSystem;
use super::shared::{fit_shared_tau, summarise_group, GroupStats};
use super::stage1::{build_stage1, Design, DonorEigensystem, DonorKernel};
use super::stage2::{fit_gene, summarise_chunk, ChunkWorkspace, GeneFit, TauMode};
use super::{GeneStatus, SingleCellError};
use crate::parallel::CancelToken;
use rayon::prelude::*;

/// Options of [`fit_null_sc`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FitOptions {
    pub tau: TauMode,
    /// Genes summarised together (one m x m by m x k product per chunk); also the unit of
    /// cancellation checks.
    pub genes_per_chunk: usize,
    /// Keep the stage-1 state of every cell group in the result (each holds an m x m matrix).
    pub keep_stage1: bool,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            tau: TauMode::Estimate,
            genes_per_chunk: 32,
            keep_stage1: true,
        }
    }
}

/// One set of observed cells and the genes observed exactly there.
#[derive(Debug, Clone, PartialEq)]
pub struct CellGroupFit {
    pub missing_cells: Vec<usize>,
    pub genes: Vec<usize>,
    pub n_cells: usize,
    pub n_donors: usize,
    pub single_cell_donors: usize,
    /// Stage-1 state when requested (and when the group could be fitted).
    pub stage1: Option<DonorEigensystem>,
}

/// Per-gene results in gene order.
#[derive(Debug, Clone, PartialEq)]
pub struct NullFits {
    pub genes: Vec<GeneFit>,
    pub n_columns: usize,
    /// Fixed effects, p x genes column-major (NaN for flagged genes).
    pub beta: Vec<f64>,
    /// Standard errors from s2e (X'H^-1X)^-1, same layout.
    pub se: Vec<f64>,
    /// Index into `groups` of each gene's cell group.
    pub group_of_gene: Vec<usize>,
    pub groups: Vec<CellGroupFit>,
    /// The pooled tau in [`TauMode::Shared`].
    pub shared_tau: Option<f64>,
    /// Per gene, the donor-level statistics that association tests need (empty when the gene
    /// was not fitted): y~ = U' D^-1/2 Z'y (m values of its cell group), Xw'y (p), yw'yw.
    pub score_stats: Vec<Vec<f64>>,
}

/// Results of one chunk, scattered into [`NullFits`] afterwards.
pub(crate) struct ChunkOutput {
    pub genes: Vec<usize>,
    pub fits: Vec<GeneFit>,
    pub beta: Vec<f64>,
    pub se: Vec<f64>,
    pub score_stats: Vec<Vec<f64>>,
}

impl NullFits {
    fn new(n_genes: usize, p: usize) -> Self {
        NullFits {
            genes: vec![GeneFit::flagged(GeneStatus::TooFewObservations); n_genes],
            n_columns: p,
            beta: vec![f64::NAN; n_genes * p],
            se: vec![f64::NAN; n_genes * p],
            group_of_gene: vec![0; n_genes],
            groups: Vec::new(),
            shared_tau: None,
            score_stats: vec![Vec::new(); n_genes],
        }
    }

    pub(crate) fn scatter(&mut self, chunk: ChunkOutput) {
        let p = self.n_columns;
        for (k, &g) in chunk.genes.iter().enumerate() {
            self.genes[g] = chunk.fits[k];
            self.beta[g * p..(g + 1) * p].copy_from_slice(&chunk.beta[k * p..(k + 1) * p]);
            self.se[g * p..(g + 1) * p].copy_from_slice(&chunk.se[k * p..(k + 1) * p]);
        }
        for (k, stats) in chunk.score_stats.into_iter().enumerate() {
            if let Some(&g) = chunk.genes.get(k) {
                self.score_stats[g] = stats;
            }
        }
    }
}

/// Fit the null model of every gene (spec: shared/spec/single_cell.md).
///
/// `donor_of_cell[i]` is cell i's donor in 0..n_donors (the GRM's order for a dense kernel);
/// `design` holds the cell-level covariates including the intercept; NaN expression values
/// are missing. Errors stop the fit; problems of single genes are flagged in their status.
pub fn fit_null_sc(
    donor_of_cell: &[usize],
    n_donors: usize,
    kernel: DonorKernel<'_>,
    design: &Design<'_>,
    expr: &Expression<'_>,
    options: &FitOptions,
    cancel: &CancelToken,
) -> Result<NullFits, SingleCellError> {
    check_inputs(design, expr, options)?;
    let full = build_stage1(donor_of_cell, n_donors, kernel, design, None)?;
    let groups = group_by_missing(expr);
    let mut fits = NullFits::new(expr.n_genes, design.n_columns);
    let mut shared_groups: Vec<GroupStats> = Vec::new();
    let mut full = Some(full);
    for (index, group) in groups.into_iter().enumerate() {
        cancel.check()?;
        group
            .genes
            .iter()
            .for_each(|&g| fits.group_of_gene[g] = index);
        let mut record = CellGroupFit {
            missing_cells: group.missing_cells,
            genes: group.genes,
            n_cells: expr.n_cells,
            n_donors: 0,
            single_cell_donors: 0,
            stage1: None,
        };
        let sys = if record.missing_cells.is_empty() {
            full.take()
        } else {
            let observed = observed_cells(&record.missing_cells, expr.n_cells);
            record.n_cells = observed.len();
            match build_stage1(donor_of_cell, n_donors, kernel, design, Some(&observed)) {
                Ok(sys) => Some(sys),
                Err(error) => {
                    let status = group_failure(error)?;
                    record
                        .genes
                        .iter()
                        .for_each(|&g| fits.genes[g] = GeneFit::flagged(status));
                    None
                }
            }
        };
        if let Some(sys) = sys {
            record.n_donors = sys.n_donors;
            record.single_cell_donors = sys.single_cell_donors;
            let estimated = !matches!(options.tau, TauMode::Fixed(_));
            if estimated && !tau_identifiable(&sys) {
                record
                    .genes
                    .iter()
                    .for_each(|&g| fits.genes[g] = GeneFit::flagged(GeneStatus::NotIdentifiable));
            } else if let TauMode::Shared = options.tau {
                // Keep only the per-gene statistics (not U) until the pooled tau is known.
                shared_groups.push(summarise_group(&sys, expr, &record.genes, options, cancel)?);
            } else {
                for chunk in fit_group(&sys, expr, &record.genes, options, cancel)? {
                    fits.scatter(chunk);
                }
            }
            record.stage1 = options.keep_stage1.then_some(sys);
        }
        fits.groups.push(record);
    }
    if let TauMode::Shared = options.tau {
        fit_shared_tau(&mut fits, shared_groups, cancel)?;
    }
    Ok(fits)
}

fn check_inputs(
    design: &Design<'_>,
    expr: &Expression<'_>,
    options: &FitOptions,
) -> Result<(), SingleCellError> {
    use SingleCellError::DimensionMismatch;
    if expr.n_cells != design.n_cells {
        return Err(DimensionMismatch {
            what: "the number of cells in the expression matrix (the design's rows)",
            expected: design.n_cells,
            found: expr.n_cells,
        });
    }
    check_expression(expr)?;
    if let TauMode::Fixed(tau) = options.tau {
        check_tau(tau)?;
    }
    Ok(())
}

fn check_expression(expr: &Expression<'_>) -> Result<(), SingleCellError> {
    if expr.values.len() != expr.n_cells * expr.n_genes {
        return Err(SingleCellError::DimensionMismatch {
            what: "the length of the expression matrix (genes x cells)",
            expected: expr.n_cells * expr.n_genes,
            found: expr.values.len(),
        });
    }
    Ok(())
}

fn check_tau(tau: f64) -> Result<(), SingleCellError> {
    if tau.is_finite() && tau >= 0.0 {
        Ok(())
    } else {
        Err(SingleCellError::InvalidTau { value: tau })
    }
}

/// Errors of a group with missing cells become a flag on its genes; others stop the fit.
fn group_failure(error: SingleCellError) -> Result<GeneStatus, SingleCellError> {
    match error {
        SingleCellError::TooFewDonors { .. } | SingleCellError::TooFewCells { .. } => {
            Ok(GeneStatus::TooFewObservations)
        }
        SingleCellError::CollinearCovariate { .. } => Ok(GeneStatus::DesignSingular),
        other => Err(other),
    }
}

/// Estimate (or fix) tau gene by gene for `genes`, all observed in `sys.cells`, reusing a
/// stage-1 state (for example one returned to R earlier). `TauMode::Shared` behaves like
/// `Estimate` here. The results hold one entry per element of `genes`, in that order, so that
/// a caller can fit a slice of a large expression matrix in place.
pub fn fit_group_genes(
    sys: &DonorEigensystem,
    expr: &Expression<'_>,
    genes: &[usize],
    options: &FitOptions,
    cancel: &CancelToken,
) -> Result<NullFits, SingleCellError> {
    sys.check_consistent()?;
    check_expression(expr)?;
    let mut fits = NullFits::new(genes.len(), sys.n_columns);
    if let Some(&cell) = sys.cells.iter().find(|&&c| c >= expr.n_cells) {
        let what = "a stage-1 cell index (the expression's cells)";
        return Err(SingleCellError::DimensionMismatch {
            what,
            expected: expr.n_cells,
            found: cell,
        });
    }
    if let Some(&gene) = genes.iter().find(|&&g| g >= expr.n_genes) {
        let what = "a gene index (the expression's genes)";
        return Err(SingleCellError::DimensionMismatch {
            what,
            expected: expr.n_genes,
            found: gene,
        });
    }
    if let TauMode::Fixed(tau) = options.tau {
        check_tau(tau)?;
    }
    if !matches!(options.tau, TauMode::Fixed(_)) && !tau_identifiable(sys) {
        fits.genes = vec![GeneFit::flagged(GeneStatus::NotIdentifiable); genes.len()];
        return Ok(fits);
    }
    // Chunks come back in the order of `genes`: renumber them as positions in it.
    let mut position = 0;
    for mut chunk in fit_group(sys, expr, genes, options, cancel)? {
        for g in chunk.genes.iter_mut() {
            *g = position;
            position += 1;
        }
        fits.scatter(chunk);
    }
    Ok(fits)
}

fn fit_group(
    sys: &DonorEigensystem,
    expr: &Expression<'_>,
    genes: &[usize],
    options: &FitOptions,
    cancel: &CancelToken,
) -> Result<Vec<ChunkOutput>, SingleCellError> {
    let reml = RemlSystem::new(sys);
    let chunk_size = options.genes_per_chunk.max(1);
    let p = sys.n_columns;
    genes
        .par_chunks(chunk_size)
        .map_init(
            || ChunkWorkspace::new(sys, chunk_size),
            |ws, chunk| {
                cancel.check()?;
                summarise_chunk(sys, expr, chunk, ws);
                let k = chunk.len();
                let mut out = ChunkOutput {
                    genes: chunk.to_vec(),
                    fits: Vec::with_capacity(k),
                    beta: vec![f64::NAN; k * p],
                    se: vec![f64::NAN; k * p],
                    score_stats: Vec::with_capacity(k),
                };
                for g in 0..k {
                    let status = ws.stats.status[g];
                    let fit = if status == GeneStatus::Ok {
                        let gene = ws.stats.gene(g, sys.n_donors, p);
                        let (beta, se) = (
                            &mut out.beta[g * p..(g + 1) * p],
                            &mut out.se[g * p..(g + 1) * p],
                        );
                        fit_gene(
                            &reml,
                            &gene,
                            ws.stats.total_ss[g],
                            options.tau,
                            &mut ws.reml,
                            beta,
                            se,
                        )
                    } else {
                        GeneFit::flagged(status)
                    };
                    out.score_stats.push(if fit.status == GeneStatus::Ok {
                        ws.stats.gene(g, sys.n_donors, p).to_vec()
                    } else {
                        Vec::new()
                    });
                    out.fits.push(fit);
                }
                Ok(out)
            },
        )
        .collect()
}
