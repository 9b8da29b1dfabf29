//! Compatibility mode: one tau for all genes, maximising the summed REML log-likelihood
//! (spec section 5). The per-gene statistics are kept (m + p + 2 numbers per gene) so that each
//! trial tau is one parallel pass over genes.

use super::expression::Expression;
use super::fit::{ChunkOutput, FitOptions, NullFits};
use super::optimize::minimise_tau;
use super::reml::{RemlSystem, RemlWorkspace};
use super::stage1::DonorEigensystem;
use super::stage2::{finish_gene, summarise_chunk, ChunkStats, ChunkWorkspace, GeneFit};
use super::tolerances::EXPLAINED_RELATIVE;
use super::{GeneStatus, SingleCellError};
use crate::parallel::CancelToken;
use rayon::prelude::*;

/// The criterion's gene-independent parts and every gene's statistics for one cell group.
pub(crate) struct GroupStats {
    reml: RemlSystem,
    chunks: Vec<ChunkStats>,
}

/// Estimate the pooled tau over all groups' genes and finish every gene at it.
pub(crate) fn fit_shared_tau(
    fits: &mut NullFits,
    groups: Vec<GroupStats>,
    cancel: &CancelToken,
) -> Result<(), SingleCellError> {
    let p = fits.n_columns;
    let tasks: Vec<(usize, usize)> = groups
        .iter()
        .enumerate()
        .flat_map(|(s, group)| (0..group.chunks.len()).map(move |c| (s, c)))
        .collect();
    let m_max = groups.iter().map(|g| g.reml.m).max().unwrap_or(0);
    let scale = groups.first().map_or(1.0, |g| g.reml.lambda_scale);
    let summed = |tau: f64| -> Option<(f64, f64)> {
        if cancel.is_cancelled() {
            return None;
        }
        let parts: Vec<Option<(f64, f64)>> = tasks
            .par_iter()
            .map_init(
                || RemlWorkspace::new(m_max, p),
                |ws, &(s, c)| {
                    let group = &groups[s];
                    let chunk = &group.chunks[c];
                    let mut total = (0.0, 0.0);
                    for k in ok_genes(chunk) {
                        let gene = chunk.gene(k, group.reml.m, p);
                        let value = group.reml.evaluate(&gene, tau, ws)?;
                        total.0 += value.crit;
                        total.1 += value.slope;
                    }
                    Some(total)
                },
            )
            .collect();
        parts.into_iter().try_fold((0.0, 0.0), |acc, part| {
            part.map(|(c, s)| (acc.0 + c, acc.1 + s))
        })
    };
    let optimum = minimise_tau(summed, scale);
    cancel.check()?;
    let (tau, evaluations, converged) = match optimum {
        Some(opt) => (opt.tau, opt.evaluations, opt.converged),
        None => (0.0, 0, false),
    };
    fits.shared_tau = Some(tau);
    let outputs: Vec<ChunkOutput> = tasks
        .par_iter()
        .map_init(
            || RemlWorkspace::new(m_max, p),
            |ws, &(s, c)| {
                let group = &groups[s];
                let chunk = &group.chunks[c];
                let k = chunk.genes.len();
                let mut out = ChunkOutput {
                    genes: chunk.genes.clone(),
                    fits: Vec::with_capacity(k),
                    beta: vec![f64::NAN; k * p],
                    se: vec![f64::NAN; k * p],
                    score_stats: Vec::with_capacity(k),
                };
                for g in 0..k {
                    let fit = if chunk.status[g] == GeneStatus::Ok {
                        let gene = chunk.gene(g, group.reml.m, p);
                        let (beta, se) = (
                            &mut out.beta[g * p..(g + 1) * p],
                            &mut out.se[g * p..(g + 1) * p],
                        );
                        finish_gene(
                            &group.reml,
                            &gene,
                            tau,
                            evaluations,
                            converged,
                            ws,
                            beta,
                            se,
                        )
                    } else {
                        GeneFit::flagged(chunk.status[g])
                    };
                    out.score_stats.push(if fit.status == GeneStatus::Ok {
                        chunk.gene(g, group.reml.m, p).to_vec()
                    } else {
                        Vec::new()
                    });
                    out.fits.push(fit);
                }
                out
            },
        )
        .collect();
    for chunk in outputs {
        fits.scatter(chunk);
    }
    Ok(())
}

fn ok_genes(chunk: &ChunkStats) -> impl Iterator<Item = usize> + '_ {
    (0..chunk.genes.len()).filter(|&k| chunk.status[k] == GeneStatus::Ok)
}

/// Sufficient statistics of every gene of one group; genes explained exactly by the
/// covariates are flagged here so that they do not enter the pooled criterion.
pub(crate) fn summarise_group(
    sys: &DonorEigensystem,
    expr: &Expression<'_>,
    genes: &[usize],
    options: &FitOptions,
    cancel: &CancelToken,
) -> Result<GroupStats, SingleCellError> {
    let reml = RemlSystem::new(sys);
    let chunk_size = options.genes_per_chunk.max(1);
    let (m, p) = (sys.n_donors, sys.n_columns);
    let chunks = genes
        .par_chunks(chunk_size)
        .map_init(
            || ChunkWorkspace::new(sys, chunk_size),
            |ws, chunk| {
                cancel.check()?;
                summarise_chunk(sys, expr, chunk, ws);
                let k = chunk.len();
                for g in 0..k {
                    if ws.stats.status[g] != GeneStatus::Ok {
                        continue;
                    }
                    let gene = ws.stats.gene(g, m, p);
                    let explained = match reml.evaluate(&gene, 0.0, &mut ws.reml) {
                        Some(c) => c.ypy <= EXPLAINED_RELATIVE * ws.stats.total_ss[g],
                        None => true,
                    };
                    if explained {
                        ws.stats.status[g] = GeneStatus::ExplainedByCovariates;
                    }
                }
                let s = &ws.stats;
                Ok(ChunkStats {
                    genes: s.genes.clone(),
                    y_rotated: s.y_rotated[..m * k].to_vec(),
                    xty_within: s.xty_within[..p * k].to_vec(),
                    yty_within: s.yty_within[..k].to_vec(),
                    total_ss: s.total_ss[..k].to_vec(),
                    status: s.status[..k].to_vec(),
                })
            },
        )
        .collect::<Result<Vec<_>, SingleCellError>>()?;
    Ok(GroupStats { reml, chunks })
}
