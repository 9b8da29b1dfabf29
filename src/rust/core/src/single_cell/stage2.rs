//! Stage 2: per-gene sufficient statistics (O(n p + m^2) per gene, the m^2 part batched as one
//! matrix product per chunk of genes) and the per-gene fit.

use super::dense::matmul_transpose_left;
use super::expression::Expression;
use super::optimize::minimise_tau;
use super::reml::{GeneStats, RemlSystem, RemlWorkspace};
use super::stage1::DonorEigensystem;
use super::tolerances::EXPLAINED_RELATIVE;
use super::GeneStatus;
use faer::Par;

/// How tau is chosen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TauMode {
    /// Profile REML per gene (the default).
    Estimate,
    /// A fixed variance ratio for every gene; only s2e and b are estimated.
    Fixed(f64),
    /// One tau maximising the summed REML log-likelihood over genes (compatibility mode).
    Shared,
}

/// One gene's variance components and fit diagnostics (NaN estimates unless status is Ok).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GeneFit {
    pub tau: f64,
    pub s2g: f64,
    pub s2e: f64,
    pub h2: f64,
    /// REML log-likelihood in lme4's convention (-REMLcrit / 2).
    pub loglik_reml: f64,
    /// Criterion evaluations.
    pub evaluations: u32,
    pub converged: bool,
    pub at_boundary: bool,
    pub status: GeneStatus,
}

impl GeneFit {
    pub(crate) fn flagged(status: GeneStatus) -> Self {
        GeneFit {
            tau: f64::NAN,
            s2g: f64::NAN,
            s2e: f64::NAN,
            h2: f64::NAN,
            loglik_reml: f64::NAN,
            evaluations: 0,
            converged: false,
            at_boundary: false,
            status,
        }
    }
}

/// Sufficient statistics of a chunk of genes of one cell group.
#[derive(Debug, Clone, Default)]
pub(crate) struct ChunkStats {
    pub genes: Vec<usize>,
    /// m x k: y~ per gene.
    pub y_rotated: Vec<f64>,
    /// p x k: Xw'y per gene.
    pub xty_within: Vec<f64>,
    pub yty_within: Vec<f64>,
    /// Total sum of squares about the mean.
    pub total_ss: Vec<f64>,
    pub status: Vec<GeneStatus>,
}

impl ChunkStats {
    pub fn gene(&self, k: usize, m: usize, p: usize) -> GeneStats<'_> {
        GeneStats {
            y_rotated: &self.y_rotated[k * m..(k + 1) * m],
            xty_within: &self.xty_within[k * p..(k + 1) * p],
            yty_within: self.yty_within[k],
        }
    }
}

/// Per-worker buffers for one chunk at a time.
pub(crate) struct ChunkWorkspace {
    y: Vec<f64>,
    sums: Vec<f64>,
    pub stats: ChunkStats,
    pub reml: RemlWorkspace,
}

impl ChunkWorkspace {
    pub fn new(sys: &DonorEigensystem, genes_per_chunk: usize) -> Self {
        let (n, m, p, k) = (sys.n_cells, sys.n_donors, sys.n_columns, genes_per_chunk);
        ChunkWorkspace {
            y: vec![0.0; n * k],
            sums: vec![0.0; m * k],
            stats: ChunkStats {
                genes: Vec::with_capacity(k),
                y_rotated: vec![0.0; m * k],
                xty_within: vec![0.0; p * k],
                yty_within: vec![0.0; k],
                total_ss: vec![0.0; k],
                status: vec![GeneStatus::Ok; k],
            },
            reml: RemlWorkspace::new(m, p),
        }
    }
}

/// Fill `ws.stats` for `genes` (at most the chunk size) observed in `sys.cells`.
pub(crate) fn summarise_chunk(
    sys: &DonorEigensystem,
    expr: &Expression<'_>,
    genes: &[usize],
    ws: &mut ChunkWorkspace,
) {
    let (n, m, p, k) = (sys.n_cells, sys.n_donors, sys.n_columns, genes.len());
    let stats = &mut ws.stats;
    stats.genes.clear();
    stats.genes.extend_from_slice(genes);
    let y = &mut ws.y[..n * k];
    expr.gather(genes, &sys.cells, y);
    for g in 0..k {
        stats.status[g] = GeneStatus::Ok;
        if y[g * n..(g + 1) * n].iter().any(|v| !v.is_finite()) {
            // Flagged; zeros keep the batched products below finite.
            stats.status[g] = GeneStatus::NonFinite;
            y[g * n..(g + 1) * n].iter_mut().for_each(|v| *v = 0.0);
        }
        let column = &y[g * n..(g + 1) * n];
        let sums = &mut ws.sums[g * m..(g + 1) * m];
        let first = column.first().copied().unwrap_or(0.0);
        if stats.status[g] == GeneStatus::Ok && column.iter().all(|&v| v == first) {
            stats.status[g] = GeneStatus::Constant;
        }
        sums.iter_mut().for_each(|s| *s = 0.0);
        for (&v, &d) in column.iter().zip(&sys.donor_of_cell) {
            sums[d] += v;
        }
        let mean = column.iter().sum::<f64>() / n as f64;
        stats.total_ss[g] = column.iter().map(|v| (v - mean) * (v - mean)).sum();
        let mut within = 0.0;
        for (&v, &d) in column.iter().zip(&sys.donor_of_cell) {
            let r = v - sums[d] / sys.cells_per_donor[d];
            within += r * r;
        }
        stats.yty_within[g] = within;
        for (s, c) in sums.iter_mut().zip(&sys.cells_per_donor) {
            *s /= c.sqrt();
        }
    }
    let rotated = &mut stats.y_rotated[..m * k];
    if sys.identity_kernel {
        rotated.copy_from_slice(&ws.sums[..m * k]);
    } else {
        matmul_transpose_left(rotated, &sys.eigenvectors, m, m, &ws.sums, k, Par::Seq);
    }
    matmul_transpose_left(&mut stats.xty_within, &sys.x_within, n, p, y, k, Par::Seq);
}

/// Fit one gene (status Ok on entry) and write b and se(b) into `beta` and `se` (length p).
pub(crate) fn fit_gene(
    reml: &RemlSystem,
    gene: &GeneStats<'_>,
    total_ss: f64,
    mode: TauMode,
    ws: &mut RemlWorkspace,
    beta: &mut [f64],
    se: &mut [f64],
) -> GeneFit {
    let Some(at_zero) = reml.evaluate(gene, 0.0, ws) else {
        return GeneFit::flagged(GeneStatus::ExplainedByCovariates);
    };
    if at_zero.ypy <= EXPLAINED_RELATIVE * total_ss {
        return GeneFit::flagged(GeneStatus::ExplainedByCovariates);
    }
    let (tau, evaluations, converged) = match mode {
        TauMode::Fixed(tau) => (tau, 1, true),
        TauMode::Estimate | TauMode::Shared => {
            let criterion = |t: f64| reml.evaluate(gene, t, ws).map(|c| (c.crit, c.slope));
            match minimise_tau(criterion, reml.lambda_scale) {
                Some(opt) => (opt.tau, opt.evaluations + 1, opt.converged),
                None => return GeneFit::flagged(GeneStatus::ExplainedByCovariates),
            }
        }
    };
    finish_gene(reml, gene, tau, evaluations, converged, ws, beta, se)
}

/// Evaluate at the chosen tau and derive the reported quantities.
#[allow(clippy::too_many_arguments)]
pub(crate) fn finish_gene(
    reml: &RemlSystem,
    gene: &GeneStats<'_>,
    tau: f64,
    evaluations: usize,
    converged: bool,
    ws: &mut RemlWorkspace,
    beta: &mut [f64],
    se: &mut [f64],
) -> GeneFit {
    let Some(at_tau) = reml.evaluate(gene, tau, ws) else {
        return GeneFit::flagged(GeneStatus::ExplainedByCovariates);
    };
    let p = reml.p;
    let s2e = at_tau.ypy / (reml.n - p) as f64;
    beta.copy_from_slice(&ws.scratch.beta[..p]);
    for (a, out) in se.iter_mut().enumerate().take(p) {
        *out = (s2e * ws.scratch.inverse[a + a * p]).sqrt();
    }
    GeneFit {
        tau,
        s2g: tau * s2e,
        s2e,
        h2: tau / (1.0 + tau),
        loglik_reml: -0.5 * at_tau.crit,
        evaluations: evaluations.min(u32::MAX as usize) as u32,
        converged,
        at_boundary: tau == 0.0,
        status: GeneStatus::Ok,
    }
}
