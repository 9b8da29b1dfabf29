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
use crate::sem::SemError;

/// One SNP's factor effects, their SEs, per-factor Q and the omnibus Q.
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

    /// One SNP, or None with missing inputs.
    fn snp(&self, beta: &[f64], se: &[f64]) -> Option<AnalyticSnp> {
        let (k, f) = (self.loadings.nrows(), self.loadings.ncols());
        if beta.iter().chain(se).any(|x| !x.is_finite()) || se.iter().any(|&s| s <= 0.0) {
            return None;
        }
        let l = &self.loadings;
        let d_inv: Vec<f64> = (0..k)
            .map(|x| 1.0 / (se[x] * se[x] * self.r[(x, x)]))
            .collect();
        let info: DMatrix<f64> = DMatrix::from_fn(f, f, |a, b| {
            (0..k)
                .map(|x| l[(x, a)] * d_inv[x] * l[(x, b)])
                .sum::<f64>()
        });
        let bread = info.try_inverse()?;
        // G = D^-1 L (k x f); meat = G' V G with V = diag(se) R diag(se).
        let g = DMatrix::from_fn(k, f, |x, a| d_inv[x] * l[(x, a)]);
        let v = DMatrix::from_fn(k, k, |x, y| se[x] * self.r[(x, y)] * se[y]);
        let meat: DMatrix<f64> = g.transpose() * &v * &g;
        let cov: DMatrix<f64> = &bread * meat * &bread;
        let rhs: DMatrix<f64> =
            DMatrix::from_fn(f, 1, |a, _| (0..k).map(|x| g[(x, a)] * beta[x]).sum());
        let b: DMatrix<f64> = &bread * rhs;
        let resid: Vec<f64> = (0..k)
            .map(|x| beta[x] - (0..f).map(|a| l[(x, a)] * b[(a, 0)]).sum::<f64>())
            .collect();
        let scaled: Vec<f64> = (0..k).map(|x| resid[x] / se[x]).collect();
        let quad = |ind: &[usize], inv: &DMatrix<f64>| -> f64 {
            let mut q = 0.0;
            for (a, &x) in ind.iter().enumerate() {
                for (c, &y) in ind.iter().enumerate() {
                    q += scaled[x] * inv[(a, c)] * scaled[y];
                }
            }
            q
        };
        let all: Vec<usize> = (0..k).collect();
        let q_factor = self
            .factors
            .iter()
            .map(|(ind, inv)| quad(ind, inv))
            .collect();
        let se_b = (0..f).map(|a| cov[(a, a)].sqrt()).collect();
        Some(AnalyticSnp {
            b: b.column(0).iter().copied().collect(),
            se: se_b,
            q: q_factor,
            q_omnibus: quad(&all, &self.r_inv),
        })
    }

    pub fn run(
        &self,
        cols: &SnpColumns<'_>,
        cancel: &CancelToken,
    ) -> Result<AnalyticColumns, Cancelled> {
        let (n, f, k) = (cols.n(), self.n_factors(), self.loadings.nrows());
        let rows: Vec<Result<Option<_>, Cancelled>> = (0..n)
            .into_par_iter()
            .with_min_len(1024)
            .map(|i| {
                if i % 1024 == 0 {
                    cancel.check()?;
                }
                let beta: Vec<f64> = (0..k).map(|x| cols.beta(i, x)).collect();
                let se: Vec<f64> = (0..k).map(|x| cols.se(i, x)).collect();
                Ok(self.snp(&beta, &se))
            })
            .collect();
        let mut out = AnalyticColumns {
            beta: vec![f64::NAN; n * f],
            se: vec![f64::NAN; n * f],
            q: vec![f64::NAN; n * f],
            q_df: self.q_df(),
            q_omnibus: vec![f64::NAN; n],
        };
        for (i, row) in rows.into_iter().enumerate() {
            if let Some(snp) = row? {
                for a in 0..f {
                    out.beta[a * n + i] = snp.b[a];
                    out.se[a * n + i] = snp.se[a];
                    out.q[a * n + i] = snp.q[a];
                }
                out.q_omnibus[i] = snp.q_omnibus;
            }
        }
        Ok(out)
    }
}
