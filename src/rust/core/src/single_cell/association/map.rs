//! The cis map of one cell group: genes sorted by their window in scan order, a sliding cache
//! of projected genotypes g~ = U' D^1/2 g (each variant read, summarised and projected once,
//! one m x m by m x k product per block), and every gene's tests read from the cache.
//! Memory: the cache holds at most `cache_variants` (or the widest window) columns of m.

use super::acat::acat;
use super::cpu_time::{cpu_since, process_cpu_seconds};
use super::genotypes::GenotypeSource;
use super::map_checks::check_inputs;
use super::score::{GeneScore, VariantTest};
use super::stacked::{test_stacked, StackedGene, StackedScratch};
use super::summary::{summarise_and_impute, VariantFilter, VariantSummary};
use super::task::{GeneResult, GeneTask, MapOptions, MapTimings};
use super::AssociationError;
use crate::parallel::CancelToken;
use crate::rmath::pnorm_upper;
use crate::single_cell::DonorEigensystem;
use faer::linalg::matmul::matmul;
use faer::{Accum, MatMut, MatRef, Par};
use rayon::prelude::*;
use std::time::Instant;

/// Sliding cache of projected genotypes and summaries over scan positions `lo..lo + len`.
struct Cache {
    m: usize,
    lo: usize,
    len: usize,
    projected: Vec<f64>,
    summaries: Vec<VariantSummary>,
}

impl Cache {
    fn slide_to(&mut self, lo: usize) {
        if lo >= self.lo + self.len {
            self.lo = lo;
            self.len = 0;
            self.summaries.clear();
        } else if lo > self.lo {
            let drop = lo - self.lo;
            let m = self.m;
            self.projected.copy_within(drop * m..self.len * m, 0);
            self.summaries.drain(..drop);
            self.lo = lo;
            self.len -= drop;
        }
    }
}

/// Map every gene of `genes` (all of one cell group `sys`). `donor_rows[d]` is the genotype
/// row of stage-1 donor d; `scan` lists genotype variant indices in scan order (sorted by
/// chromosome and position). Results go to `sink` one batch of genes at a time, in the
/// order of `genes` sorted by window.
#[allow(clippy::too_many_arguments)]
pub fn map_group<E: From<AssociationError> + From<crate::error::Cancelled>>(
    sys: &DonorEigensystem,
    donor_rows: &[usize],
    source: &mut GenotypeSource<'_>,
    scan: &[usize],
    genes: &[GeneTask<'_>],
    options: &MapOptions,
    cancel: &CancelToken,
    mut sink: impl FnMut(Vec<GeneResult>) -> Result<(), E>,
) -> Result<MapTimings, E> {
    let mut timings = MapTimings::default();
    let m = sys.n_donors;
    check_inputs(sys, donor_rows, source, scan, genes)?;
    let mut order: Vec<usize> = (0..genes.len()).collect();
    order.sort_by_key(|&g| (genes[g].start, genes[g].end));
    let widest = genes.iter().map(|g| g.end - g.start).max().unwrap_or(0);
    let capacity = options.cache_variants.max(widest).max(1);
    // The eigenvalues as computed, without the null fit's clamping of rounding-level negatives
    // to 0: a centred GRM's null direction is the intercept's, where the clamping would move
    // T by ~1e-10 sd(T); the dense cell-level V of the reference uses the GRM as given.
    let lambda: Vec<f64> = sys.eigenvalues.clone();
    let mut cache = Cache {
        m,
        lo: 0,
        len: 0,
        projected: vec![0.0; m * capacity],
        summaries: Vec::with_capacity(capacity),
    };
    let mut raw = Vec::new();
    let sqrt_c: Vec<f64> = sys.cells_per_donor.iter().map(|c| c.sqrt()).collect();
    let mut at = 0;
    while at < order.len() {
        cancel.check()?;
        let lo = genes[order[at]].start;
        let mut next = at;
        let mut hi = lo;
        while next < order.len() && next - at < options.genes_per_batch.max(1) {
            let g = &genes[order[next]];
            if next > at && g.end.max(hi) - lo > capacity {
                break;
            }
            hi = hi.max(g.end);
            next += 1;
        }
        cache.slide_to(lo);
        while cache.lo + cache.len < hi {
            let from = cache.lo + cache.len;
            let k = (hi - from).min(options.block.max(1));
            project(
                sys,
                donor_rows,
                source,
                &scan[from..from + k],
                options,
                &mut raw,
                &sqrt_c,
                &mut cache,
                &mut timings,
            )?;
            cancel.check()?;
        }
        let clock = Instant::now();
        let cpu = process_cpu_seconds();
        let batch = test_batch(sys, &lambda, genes, &order[at..next], &cache, hi);
        timings.test += clock.elapsed().as_secs_f64();
        timings.cpu[3] += process_cpu_seconds() - cpu;
        timings.tests += batch.iter().map(|r| r.positions.len()).sum::<usize>();
        let clock = Instant::now();
        let cpu = process_cpu_seconds();
        sink(batch)?;
        timings.sink += clock.elapsed().as_secs_f64();
        timings.cpu[4] += process_cpu_seconds() - cpu;
        at = next;
    }
    Ok(timings)
}

/// Read, summarise, impute and project the variants `variants` onto the end of the cache.
#[allow(clippy::too_many_arguments)]
fn project(
    sys: &DonorEigensystem,
    donor_rows: &[usize],
    source: &mut GenotypeSource<'_>,
    variants: &[usize],
    options: &MapOptions,
    raw: &mut Vec<f64>,
    sqrt_c: &[f64],
    cache: &mut Cache,
    timings: &mut MapTimings,
) -> Result<(), AssociationError> {
    let (m, k) = (sys.n_donors, variants.len());
    let clock = Instant::now();
    let cpu = process_cpu_seconds();
    raw.resize(m * k, 0.0);
    source.read_many(variants, donor_rows, &mut raw[..m * k])?;
    timings.read += clock.elapsed().as_secs_f64();
    let cpu = cpu_since(cpu, &mut timings.cpu[0]);
    timings.variants += k;
    let clock = Instant::now();
    let summaries: Vec<VariantSummary> = raw
        .par_chunks_mut(m)
        .map(|g| {
            let summary = summarise_and_impute(g, &options.filter);
            for (x, c) in g.iter_mut().zip(sqrt_c) {
                *x *= c;
            }
            summary
        })
        .collect();
    timings.summarise += clock.elapsed().as_secs_f64();
    let cpu = cpu_since(cpu, &mut timings.cpu[1]);
    let clock = Instant::now();
    let offset = cache.len * m;
    let dst = &mut cache.projected[offset..offset + m * k];
    if sys.identity_kernel {
        dst.copy_from_slice(&raw[..m * k]);
    } else {
        let u = MatRef::from_column_major_slice(&sys.eigenvectors, m, m);
        let s = MatRef::from_column_major_slice(&raw[..m * k], m, k);
        let out = MatMut::from_column_major_slice_mut(dst, m, k);
        let par = Par::rayon(rayon::current_num_threads());
        matmul(out, Accum::Replace, u.transpose(), s, 1.0, par);
    }
    timings.project += clock.elapsed().as_secs_f64();
    cpu_since(cpu, &mut timings.cpu[2]);
    cache.summaries.extend(summaries);
    cache.len += k;
    Ok(())
}

/// The tests of one batch of genes. The cache is cut into blocks of `TEST_BLOCK` variants;
/// all window genes that cover a block are tested on it as one stacked product (in parallel
/// over blocks), genes with explicit pairs on their gathered columns. Each entry of the
/// stacked products is summed in a fixed order (`dot`), so a test's bits do not depend on the
/// blocks or the stack: every batching (and future plan) gives identical results.
fn test_batch(
    sys: &DonorEigensystem,
    lambda: &[f64],
    genes: &[GeneTask<'_>],
    batch: &[usize],
    cache: &Cache,
    hi: usize,
) -> Vec<GeneResult> {
    const TEST_BLOCK: usize = 128;
    let m = sys.n_donors;
    let mut prepared: Vec<Prepared> = batch
        .par_iter()
        .map_init(
            || (StackedScratch::default(), Vec::new()),
            |(scratch, gathered), &g| {
                prepare_gene(sys, lambda, &genes[g], cache, scratch, gathered)
            },
        )
        .collect();
    let starts: Vec<usize> = (cache.lo..hi).step_by(TEST_BLOCK).collect();
    let pieces: Vec<Vec<(usize, usize, Vec<VariantTest>)>> = starts
        .par_iter()
        .map_init(
            || (StackedScratch::default(), Vec::new(), Vec::new()),
            |(scratch, stack, tests), &b0| {
                let b1 = (b0 + TEST_BLOCK).min(hi);
                stack.clear();
                let mut members = Vec::new();
                for (i, &g) in batch.iter().enumerate() {
                    let task = &genes[g];
                    let (from, to) = (task.start.max(b0), task.end.min(b1));
                    if let (Some(score), None, true) =
                        (&prepared[i].score, task.variants, from < to)
                    {
                        stack.push(StackedGene {
                            score,
                            from: from - b0,
                            to: to - b0,
                        });
                        members.push((i, from - task.start, to - from));
                    }
                }
                let block = &cache.projected[(b0 - cache.lo) * m..(b1 - cache.lo) * m];
                test_stacked(stack, block, m, scratch, tests);
                let mut at = 0;
                let mut out = Vec::with_capacity(members.len());
                for (i, offset, k) in members {
                    out.push((i, offset, tests[at..at + k].to_vec()));
                    at += k;
                }
                out
            },
        )
        .collect();
    for (i, offset, tests) in pieces.into_iter().flatten() {
        prepared[i].tests[offset..offset + tests.len()].copy_from_slice(&tests);
    }
    prepared
        .into_par_iter()
        .zip(batch.par_iter())
        .map(|(p, &g)| finish_gene(p, &genes[g]))
        .collect()
}

const NAN_TEST: VariantTest = VariantTest {
    tstat: f64::NAN,
    var: f64::NAN,
};

/// A gene between preparation and its p-values.
struct Prepared {
    positions: Vec<usize>,
    summaries: Vec<VariantSummary>,
    score: Option<GeneScore>,
    tests: Vec<VariantTest>,
}

/// A gene's rows, summaries and null quantities; explicit pairs are tested here already.
fn prepare_gene(
    sys: &DonorEigensystem,
    lambda: &[f64],
    gene: &GeneTask<'_>,
    cache: &Cache,
    scratch: &mut StackedScratch,
    gathered: &mut Vec<f64>,
) -> Prepared {
    let m = sys.n_donors;
    let from = gene.start - cache.lo;
    let positions: Vec<usize> = match gene.variants {
        Some(v) => v.to_vec(),
        None => (gene.start..gene.end).collect(),
    };
    let k = positions.len();
    let summaries: Vec<VariantSummary> = match gene.variants {
        Some(v) => v.iter().map(|&x| cache.summaries[x - cache.lo]).collect(),
        None => cache.summaries[from..from + k].to_vec(),
    };
    let mut tests = vec![NAN_TEST; k];
    let score = GeneScore::new(sys, lambda, gene.stats, gene.tau, gene.s2e);
    if let (Some(score), Some(v)) = (&score, gene.variants) {
        // Explicit pairs: the selected columns, gathered contiguously.
        gathered.clear();
        for &x in v {
            let c = x - cache.lo;
            gathered.extend_from_slice(&cache.projected[c * m..(c + 1) * m]);
        }
        score.test_block(gathered, k, scratch, &mut tests);
    }
    Prepared {
        positions,
        summaries,
        score,
        tests,
    }
}

/// Filters, p-values, the top variant and ACAT of a tested gene.
fn finish_gene(p: Prepared, gene: &GeneTask<'_>) -> GeneResult {
    let Prepared {
        positions,
        summaries,
        mut tests,
        ..
    } = p;
    let k = positions.len();
    let mut pvalues = vec![f64::NAN; k];
    let (mut top, mut best, mut tested) = (None, f64::INFINITY, Vec::with_capacity(k));
    for j in 0..k {
        if summaries[j].filter != VariantFilter::Pass {
            tests[j] = NAN_TEST;
            continue;
        }
        let t = tests[j];
        let p = 2.0 * pnorm_upper((t.tstat / t.var.sqrt()).abs());
        if p.is_nan() {
            continue;
        }
        pvalues[j] = p;
        tested.push(p);
        if p < best {
            best = p;
            top = Some(j);
        }
    }
    GeneResult {
        id: gene.id,
        start: gene.start,
        end: gene.end,
        positions,
        summaries,
        tests,
        num_var: tested.len(),
        acat_p: acat(&tested),
        pvalues,
        top,
    }
}
