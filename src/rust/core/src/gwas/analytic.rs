//! `userGWAS(analytic = TRUE)`: the SNP's effects on the factors in closed form, with the
//! measurement model (loadings L, traits x factors) fixed at its no-SNP estimates.
//!
//! Per SNP, with beta the k trait effects, V = diag(se) R diag(se) their sampling covariance
//! (R: the LDSC intercepts, diagonal at least 1) and D = diag(V):
//! b = (L'D^-1 L)^-1 L'D^-1 beta, Cov(b) = (L'D^-1 L)^-1 L'D^-1 V D^-1 L (L'D^-1 L)^-1,
//! and the residuals r = beta - L b give Q per factor (its indicators, df = indicators - 1)
//! and an omnibus Q (all traits, df = k - factors), each r'V^-1 r.

use nalgebra::DMatrix;
use rayon::prelude::*;

use super::inputs::SnpColumns;
use super::prepared::eigen_inverse;
use crate::error::Cancelled;
use crate::parallel::CancelToken;
use crate::sem::linalg::invert_in_place;
use crate::sem::SemError;

/// One SNP's factor effects, their SEs, per-factor Q and the omnibus Q (buffers).
struct AnalyticSnp {
    b: Vec<f64>,
    se: Vec<f64>,
    q: Vec<f64>,
    q_omnibus: f64,
}

#[derive(Debug, Clone)]
pub struct Analytic {
    loadings: DMatrix<f64>,
    r: DMatrix<f64>,
    r_inv: DMatrix<f64>,
    /// Per factor: its indicators (nonzero loadings) and R^-1 over them.
    factors: Vec<(Vec<usize>, DMatrix<f64>)>,
}

/// Results, column-major n x factors for the per-factor values.
#[derive(Debug, Clone, Default)]
pub struct AnalyticColumns {
    pub beta: Vec<f64>,
    pub se: Vec<f64>,
    pub q: Vec<f64>,
    pub q_df: Vec<f64>,
    pub q_omnibus: Vec<f64>,
}

impl Analytic {
    /// `loadings` is traits x factors; `intercepts` the LDSC intercept matrix.
    pub fn new(loadings: DMatrix<f64>, intercepts: &DMatrix<f64>) -> Result<Analytic, SemError> {
        let k = loadings.nrows();
        if intercepts.shape() != (k, k) || loadings.ncols() == 0 || loadings.ncols() >= k {
            return Err(SemError::BadInput {
                what: format!(
                    "analytic estimation needs a {k} x {k} intercept matrix and fewer factors \
                     than traits"
                ),
            });
        }
        let r = DMatrix::from_fn(k, k, |x, y| {
            let v = intercepts[(x, y)];
            if x == y {
                v.max(1.0)
            } else if v.is_finite() {
                v
            } else {
                0.0
            }
        });
        let factors = (0..loadings.ncols())
            .map(|f| {
                let ind: Vec<usize> = (0..k).filter(|&x| loadings[(x, f)] != 0.0).collect();
                let sub = DMatrix::from_fn(ind.len(), ind.len(), |a, b| r[(ind[a], ind[b])]);
                let inv = eigen_inverse(&sub);
                (ind, inv)
            })
            .collect();
        Ok(Analytic {
            r_inv: eigen_inverse(&r),
            loadings,
            r,
            factors,
        })
    }

    pub fn n_factors(&self) -> usize {
        self.loadings.ncols()
    }

    /// Factor degrees of freedom of the per-factor Q (indicators - 1).
    pub fn q_df(&self) -> Vec<f64> {
        self.factors
            .iter()
            .map(|(ind, _)| ind.len() as f64 - 1.0)
            .collect()
    }

    /// One SNP (its k betas and SEs already in `work`) into `out`: false with missing inputs
    /// or a singular information matrix. Allocates nothing.
    fn snp_into(&self, work: &mut AnalyticWork, out: &mut AnalyticSnp) -> bool {
        let (k, f) = (self.loadings.nrows(), self.loadings.ncols());
        let (beta, se) = (&work.beta, &work.se);
        if beta.iter().chain(se).any(|x| !x.is_finite()) || se.iter().any(|&s| s <= 0.0) {
            return false;
        }
        let l = &self.loadings;
        for x in 0..k {
            work.d_inv[x] = 1.0 / (se[x] * se[x] * self.r[(x, x)]);
        }
        // G = D^-1 L (k x f); information L'D^-1 L = L'G.
        for a in 0..f {
            for x in 0..k {
                work.g[(x, a)] = work.d_inv[x] * l[(x, a)];
            }
        }
        for a in 0..f {
            for b in 0..f {
                work.bread[(a, b)] = (0..k).map(|x| l[(x, a)] * work.g[(x, b)]).sum();
            }
        }
        if !invert_in_place(&mut work.bread, &mut work.scratch) {
            return false;
        }
        // meat = G' V G with V = diag(se) R diag(se): (V G) first.
        for a in 0..f {
            for x in 0..k {
                work.vg[(x, a)] = (0..k)
                    .map(|y| se[x] * self.r[(x, y)] * se[y] * work.g[(y, a)])
                    .sum();
            }
        }
        for a in 0..f {
            for b in 0..f {
                work.meat[(a, b)] = (0..k).map(|x| work.g[(x, a)] * work.vg[(x, b)]).sum();
            }
        }
        // b = bread G' beta; Var(b_a) = (bread meat bread)_aa.
        for a in 0..f {
            work.rhs[a] = (0..k).map(|x| work.g[(x, a)] * beta[x]).sum();
        }
        for a in 0..f {
            out.b[a] = (0..f).map(|c| work.bread[(a, c)] * work.rhs[c]).sum();
            let mut var = 0.0;
            for c in 0..f {
                let row: f64 = (0..f).map(|d| work.meat[(c, d)] * work.bread[(d, a)]).sum();
                var += work.bread[(a, c)] * row;
            }
            out.se[a] = var.sqrt();
        }
        for x in 0..k {
            let fitted: f64 = (0..f).map(|a| l[(x, a)] * out.b[a]).sum();
            work.scaled[x] = (beta[x] - fitted) / se[x];
        }
        let scaled = &work.scaled;
        for (a, (ind, inv)) in self.factors.iter().enumerate() {
            out.q[a] = quadratic(scaled, ind, inv);
        }
        out.q_omnibus = quadratic(scaled, &work.all, &self.r_inv);
        true
    }

    pub fn run(
        &self,
        cols: &SnpColumns<'_>,
        cancel: &CancelToken,
    ) -> Result<AnalyticColumns, Cancelled> {
        let (n, f, k) = (cols.n(), self.n_factors(), self.loadings.nrows());
        let chunks: Vec<(usize, usize)> = (0..n.div_ceil(CHUNK))
            .map(|c| (c * CHUNK, ((c + 1) * CHUNK).min(n)))
            .collect();
        // Per chunk: SNP-major values (b, se, q per factor, then the omnibus Q), NaN if failed.
        let width = 3 * f + 1;
        let parts: Vec<Result<Vec<f64>, Cancelled>> = chunks
            .into_par_iter()
            .map(|(from, to)| {
                cancel.check()?;
                let mut work = AnalyticWork::new(k, f);
                let mut snp = AnalyticSnp {
                    b: vec![0.0; f],
                    se: vec![0.0; f],
                    q: vec![0.0; f],
                    q_omnibus: 0.0,
                };
                let mut values = vec![f64::NAN; (to - from) * width];
                for (i, row) in (from..to).zip(values.chunks_mut(width)) {
                    for x in 0..k {
                        work.beta[x] = cols.beta(i, x);
                        work.se[x] = cols.se(i, x);
                    }
                    if self.snp_into(&mut work, &mut snp) {
                        row[..f].copy_from_slice(&snp.b);
                        row[f..2 * f].copy_from_slice(&snp.se);
                        row[2 * f..3 * f].copy_from_slice(&snp.q);
                        row[3 * f] = snp.q_omnibus;
                    }
                }
                Ok(values)
            })
            .collect();
        let mut out = AnalyticColumns {
            beta: vec![f64::NAN; n * f],
            se: vec![f64::NAN; n * f],
            q: vec![f64::NAN; n * f],
            q_df: self.q_df(),
            q_omnibus: vec![f64::NAN; n],
        };
        let mut i = 0;
        for part in parts {
            for row in part?.chunks(width) {
                for a in 0..f {
                    out.beta[a * n + i] = row[a];
                    out.se[a * n + i] = row[f + a];
                    out.q[a * n + i] = row[2 * f + a];
                }
                out.q_omnibus[i] = row[3 * f];
                i += 1;
            }
        }
        Ok(out)
    }
}

/// SNPs per parallel task (buffers are made once per task).
const CHUNK: usize = 4096;

/// s' M s over the entries `ind` of `s`.
fn quadratic(s: &[f64], ind: &[usize], m: &DMatrix<f64>) -> f64 {
    let mut q = 0.0;
    for (a, &x) in ind.iter().enumerate() {
        for (c, &y) in ind.iter().enumerate() {
            q += s[x] * m[(a, c)] * s[y];
        }
    }
    q
}

/// Per-task buffers of [`Analytic::snp_into`].
struct AnalyticWork {
    beta: Vec<f64>,
    se: Vec<f64>,
    d_inv: Vec<f64>,
    scaled: Vec<f64>,
    rhs: Vec<f64>,
    all: Vec<usize>,
    g: DMatrix<f64>,
    vg: DMatrix<f64>,
    bread: DMatrix<f64>,
    scratch: DMatrix<f64>,
    meat: DMatrix<f64>,
}

impl AnalyticWork {
    fn new(k: usize, f: usize) -> AnalyticWork {
        AnalyticWork {
            beta: vec![0.0; k],
            se: vec![0.0; k],
            d_inv: vec![0.0; k],
            scaled: vec![0.0; k],
            rhs: vec![0.0; f],
            all: (0..k).collect(),
            g: DMatrix::zeros(k, f),
            vg: DMatrix::zeros(k, f),
            bread: DMatrix::zeros(f, f),
            scratch: DMatrix::zeros(f, f),
            meat: DMatrix::zeros(f, f),
        }
    }
}
