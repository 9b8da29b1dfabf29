//! The profile REML criterion of one gene at a trial tau (spec section 3), with its analytic
//! derivative. Per trial the cost is O(m p^2): weighted sums over the m donor eigen-directions.
//!
//! With q_i = 1 / (1 + tau lambda_i), H^-1 = (I - Q1 Q1') + Q1 diag(q) Q1', so
//!   X'H^-1X = Xw'Xw + X~' diag(q) X~,  X'H^-1y = Xw'y + X~' diag(q) y~,  y'H^-1y = yw'yw + sum q y~^2
//! where Xw, yw are the within-donor parts (no cancellation for large tau), and every tau
//! derivative replaces q by -v, v_i = lambda_i q_i^2.
//!
//! The gene-independent parts at a given tau (q, v, log|H| and the X~ sums) are cached for the
//! search grid of [`super::optimize`], so that the grid costs only the gene's O(m p) part.

use super::dense::{cholesky_in_place, cholesky_inverse, cholesky_solve, dot2};
use super::optimize::grid_taus;
use super::stage1::DonorEigensystem;

/// Gene-independent parts of the criterion, derived from stage 1.
pub(crate) struct RemlSystem {
    /// Eigenvalues with rounding-level negatives set to 0.
    pub lambda: Vec<f64>,
    pub x_rotated: Vec<f64>,
    /// m x p(p+1)/2: column (a, b), a <= b, holds x~_a .* x~_b.
    pub x_products: Vec<f64>,
    pub xtx_within: Vec<f64>,
    pub m: usize,
    pub p: usize,
    pub n: usize,
    /// Mean positive eigenvalue: centres the search grid for tau.
    pub lambda_scale: f64,
    /// Weights at tau = 0 and at every grid tau.
    cache: Vec<(f64, Weights)>,
}

/// The gene's sufficient statistics.
#[derive(Clone, Copy)]
pub(crate) struct GeneStats<'a> {
    /// y~ = U' D^-1/2 Z'y.
    pub y_rotated: &'a [f64],
    /// Xw'y.
    pub xty_within: &'a [f64],
    /// yw'yw.
    pub yty_within: f64,
}

impl GeneStats<'_> {
    /// y~, Xw'y and yw'yw in one vector (what the null fit keeps for association tests).
    pub fn to_vec(self) -> Vec<f64> {
        let mut out = Vec::with_capacity(self.y_rotated.len() + self.xty_within.len() + 1);
        out.extend_from_slice(self.y_rotated);
        out.extend_from_slice(self.xty_within);
        out.push(self.yty_within);
        out
    }
}

/// The criterion at one tau. After `evaluate`, the workspace holds beta and (X'H^-1X)^-1.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Criterion {
    /// lme4's REMLcrit = -2 * REML log-likelihood.
    pub crit: f64,
    /// d crit / d tau.
    pub slope: f64,
    /// y'Py.
    pub ypy: f64,
}

/// Everything that depends on tau but not on the gene.
#[derive(Clone)]
struct Weights {
    q: Vec<f64>,
    v: Vec<f64>,
    /// X~' diag(q) X~ and X~' diag(v) X~, packed upper triangles.
    aq: Vec<f64>,
    av: Vec<f64>,
    log_det_h: f64,
    /// sum lambda q = d log|H| / d tau.
    trace: f64,
}

/// Per-worker buffers, reused for every gene and trial.
pub(crate) struct RemlWorkspace {
    weights: Weights,
    pub scratch: Scratch,
}

pub(crate) struct Scratch {
    qy: Vec<f64>,
    vy: Vec<f64>,
    chol: Vec<f64>,
    pub inverse: Vec<f64>,
    bmat: Vec<f64>,
    pub beta: Vec<f64>,
    xvy: Vec<f64>,
    xhy: Vec<f64>,
}

fn packed_len(p: usize) -> usize {
    p * (p + 1) / 2
}

impl Weights {
    fn new(m: usize, p: usize) -> Self {
        Weights {
            q: vec![0.0; m],
            v: vec![0.0; m],
            aq: vec![0.0; packed_len(p)],
            av: vec![0.0; packed_len(p)],
            log_det_h: 0.0,
            trace: 0.0,
        }
    }
}

impl RemlWorkspace {
    /// Buffers for systems with up to `m` donors and exactly `p` covariates.
    pub fn new(m: usize, p: usize) -> Self {
        RemlWorkspace {
            weights: Weights::new(m, p),
            scratch: Scratch {
                qy: vec![0.0; m],
                vy: vec![0.0; m],
                chol: vec![0.0; p * p],
                inverse: vec![0.0; p * p],
                bmat: vec![0.0; p * p],
                beta: vec![0.0; p],
                xvy: vec![0.0; p],
                xhy: vec![0.0; p],
            },
        }
    }
}

impl RemlSystem {
    pub fn new(sys: &DonorEigensystem) -> Self {
        let (m, p) = (sys.n_donors, sys.n_columns);
        let lambda: Vec<f64> = sys.eigenvalues.iter().map(|&l| l.max(0.0)).collect();
        let positive: Vec<f64> = lambda.iter().copied().filter(|&l| l > 0.0).collect();
        let lambda_scale = if positive.is_empty() {
            1.0
        } else {
            positive.iter().sum::<f64>() / positive.len() as f64
        };
        let mut x_products = Vec::with_capacity(m * packed_len(p));
        for b in 0..p {
            for a in 0..=b {
                let xa = &sys.x_rotated[a * m..(a + 1) * m];
                let xb = &sys.x_rotated[b * m..(b + 1) * m];
                x_products.extend(xa.iter().zip(xb).map(|(u, w)| u * w));
            }
        }
        let mut system = RemlSystem {
            lambda,
            x_rotated: sys.x_rotated.clone(),
            x_products,
            xtx_within: sys.xtx_within.clone(),
            m,
            p,
            n: sys.n_cells,
            lambda_scale,
            cache: Vec::new(),
        };
        let taus = std::iter::once(0.0).chain(grid_taus(lambda_scale));
        system.cache = taus
            .map(|tau| {
                let mut weights = Weights::new(m, p);
                system.fill_weights(tau, &mut weights);
                (tau, weights)
            })
            .collect();
        system
    }

    /// The criterion and its slope at `tau` >= 0; `None` if X'H^-1X is not positive definite
    /// or y'Py is not positive (the gene is then degenerate).
    pub fn evaluate(
        &self,
        gene: &GeneStats<'_>,
        tau: f64,
        ws: &mut RemlWorkspace,
    ) -> Option<Criterion> {
        if let Some((_, cached)) = self.cache.iter().find(|(t, _)| *t == tau) {
            return self.gene_part(gene, cached, &mut ws.scratch);
        }
        self.fill_weights(tau, &mut ws.weights);
        self.gene_part(gene, &ws.weights, &mut ws.scratch)
    }

    fn gene_part(&self, gene: &GeneStats<'_>, w: &Weights, s: &mut Scratch) -> Option<Criterion> {
        let (m, p) = (self.m, self.p);
        for i in 0..m {
            s.qy[i] = w.q[i] * gene.y_rotated[i];
            s.vy[i] = w.v[i] * gene.y_rotated[i];
        }
        for a in 0..p {
            let column = &self.x_rotated[a * m..(a + 1) * m];
            let (xqy, xvy) = dot2(&s.qy, &s.vy, column);
            s.xhy[a] = gene.xty_within[a] + xqy;
            s.xvy[a] = xvy;
        }
        let (yqy, yvy) = dot2(&s.qy, &s.vy, gene.y_rotated);
        let mut k = 0;
        for b in 0..p {
            for a in 0..=b {
                let value = self.xtx_within[a + b * p] + w.aq[k];
                s.chol[a + b * p] = value;
                s.chol[b + a * p] = value;
                s.bmat[a + b * p] = w.av[k];
                s.bmat[b + a * p] = w.av[k];
                k += 1;
            }
        }
        if !cholesky_in_place(&mut s.chol, p) {
            return None;
        }
        // beta solves (X'H^-1X) beta = X'H^-1y; y'Py = y'H^-1y - (X'H^-1y)' beta.
        s.beta.copy_from_slice(&s.xhy);
        cholesky_solve(&s.chol, p, &mut s.beta);
        let xhy_beta: f64 = s.xhy.iter().zip(&s.beta).map(|(a, b)| a * b).sum();
        let ypy = gene.yty_within + yqy - xhy_beta;
        if !ypy.is_finite() || ypy <= 0.0 {
            return None;
        }
        let dof = (self.n - p) as f64;
        let log_det_xhx: f64 = (0..p).map(|a| 2.0 * s.chol[a + a * p].ln()).sum();
        let crit =
            dof * ((2.0 * std::f64::consts::PI * ypy / dof).ln() + 1.0) + w.log_det_h + log_det_xhx;
        cholesky_inverse(&s.chol, p, &mut s.inverse);
        let mut trace_inv_b = 0.0;
        let mut beta_b_beta = 0.0;
        let mut beta_xvy = 0.0;
        for b in 0..p {
            beta_xvy += s.beta[b] * s.xvy[b];
            for a in 0..p {
                trace_inv_b += s.inverse[a + b * p] * s.bmat[a + b * p];
                beta_b_beta += s.beta[a] * s.bmat[a + b * p] * s.beta[b];
            }
        }
        // d y'Py / d tau = -(y~ - X~ beta)' diag(v) (y~ - X~ beta).
        let quadratic = yvy - 2.0 * beta_xvy + beta_b_beta;
        let slope = -dof * quadratic / ypy + w.trace - trace_inv_b;
        Some(Criterion { crit, slope, ypy })
    }

    /// Fill the gene-independent weights at `tau`. The log-determinant multiplies factors and
    /// takes a logarithm only when the product grows large (logarithms would dominate the cost).
    fn fill_weights(&self, tau: f64, w: &mut Weights) {
        let m = self.m;
        let mut log_det = 0.0;
        let mut trace = 0.0;
        let mut product = 1.0f64;
        for (i, &l) in self.lambda.iter().enumerate() {
            let d = 1.0 + tau * l;
            let q = 1.0 / d;
            w.q[i] = q;
            w.v[i] = l * q * q;
            trace += l * q;
            if d > 1e50 {
                log_det += d.ln();
            } else {
                product *= d;
                if product > 1e250 {
                    log_det += product.ln();
                    product = 1.0;
                }
            }
        }
        w.log_det_h = log_det + product.ln();
        w.trace = trace;
        for k in 0..packed_len(self.p) {
            let column = &self.x_products[k * m..(k + 1) * m];
            (w.aq[k], w.av[k]) = dot2(&w.q, &w.v, column);
        }
    }
}
