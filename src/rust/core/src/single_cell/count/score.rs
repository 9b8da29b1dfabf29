//! The count score test at a converged PQL fit (spec section 4) and the Poisson saddle-point
//! approximation. Everything is rebuilt from what the null fit keeps per gene (beta, tau,
//! theta, the donor score residual r and the missing cells): `mu = exp(o + X beta + tau K r)`,
//! the working weights, and the weighted stage 1 of the last PQL iteration.
//!
//! Per variant (donor dosages g over the gene's donors, imputed):
//! `T = g'r`, `Var = sum dw g^2 - sum om g~^2 - (B'g)' C (B'g)` with `g~ = U' Dw^1/2 g`,
//! `B = Z'WX - Dw^1/2 U diag(om) X~`, `C = (X' Sigma^-1 X)^-1`.

use super::pql::{CountFamily, CountModel};
use super::root::brent_root;
use super::tolerances::{SPA_CUTOFF, SPA_ROOT_TOLERANCE};
use super::working::{rotate, rotate_t, GeneData, Route, Working};
use crate::rmath::pnorm_upper;
use crate::single_cell::dense::{cholesky_in_place, cholesky_solve};

/// What the null fit kept of one gene.
#[derive(Debug, Clone, Copy)]
pub struct CountNull<'a> {
    pub tau: f64,
    /// NB theta; NaN or Inf for the Poisson model.
    pub theta: f64,
    pub beta: &'a [f64],
    /// The donor score residual over the model's donors (NaN for donors without cells).
    pub residual: &'a [f64],
    /// Cells not observed for this gene (0-based, ascending).
    pub missing: &'a [usize],
}

/// One variant's test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CountTest {
    pub tstat: f64,
    pub var: f64,
    /// p-value of the normal approximation (chi-square 1 df).
    pub p_normal: f64,
    /// Reported p-value: the SPA one when `is_spa`.
    pub p_value: f64,
    pub is_spa: bool,
}

impl CountTest {
    pub const NA: CountTest = CountTest {
        tstat: f64::NAN,
        var: f64::NAN,
        p_normal: f64::NAN,
        p_value: f64::NAN,
        is_spa: false,
    };
}

/// A gene's null quantities for testing.
pub struct CountGeneScore {
    /// The model's index of each of the gene's donors (ascending).
    pub donors: Vec<usize>,
    poisson: bool,
    n: usize,
    p: usize,
    m: usize,
    /// Observed cells' local donor, design rows (n x p column-major) and means.
    donor: Vec<usize>,
    x: Vec<f64>,
    mu: Vec<f64>,
    work: Working,
    om: Vec<f64>,
    r: Vec<f64>,
    /// B (m x p) and C = (X'Sigma^-1 X)^-1 (p x p).
    b: Vec<f64>,
    c: Vec<f64>,
    /// Cholesky factor of X'WX (SPA's covariate adjustment).
    xwx_chol: Vec<f64>,
}

impl CountGeneScore {
    /// `None` if the gene's null is unusable (NaN estimates, singular weighted design).
    pub fn new(model: &CountModel, null: &CountNull) -> Option<CountGeneScore> {
        let (n_all, p, m_all) = (model.n_cells, model.n_columns, model.n_donors);
        if !null.tau.is_finite() || null.beta.len() != p || null.residual.len() != m_all {
            return None;
        }
        let mut is_missing = vec![false; n_all];
        for &i in null.missing {
            *is_missing.get_mut(i)? = true;
        }
        let cells: Vec<usize> = (0..n_all).filter(|&i| !is_missing[i]).collect();
        let mut local = vec![usize::MAX; m_all];
        let mut donors = Vec::new();
        for d in 0..m_all {
            if null.residual[d].is_finite() {
                local[d] = donors.len();
                donors.push(d);
            }
        }
        let (n, m) = (cells.len(), donors.len());
        if m < 2 || n <= p || cells.iter().any(|&i| local[model.donor_of_cell[i]] == usize::MAX) {
            return None;
        }
        let donor: Vec<usize> = cells.iter().map(|&i| local[model.donor_of_cell[i]]).collect();
        let x: Vec<f64> = (0..p)
            .flat_map(|j| cells.iter().map(move |&i| model.design[j * n_all + i]))
            .collect();
        let r: Vec<f64> = donors.iter().map(|&d| null.residual[d]).collect();
        let kernel: Option<Vec<f64>> = model.kernel.map(|k| {
            let mut out = vec![0.0; m * m];
            for (b, &db) in donors.iter().enumerate() {
                for (a, &da) in donors.iter().enumerate() {
                    out[a + b * m] = k[da + db * m_all];
                }
            }
            out
        });
        let blup: Vec<f64> = match &kernel {
            None => r.iter().map(|v| null.tau * v).collect(),
            Some(k) => {
                let mut out = vec![0.0; m];
                rotate(k, &r, m, &mut out);
                out.iter().map(|v| null.tau * v).collect()
            }
        };
        let family = if null.theta.is_finite() {
            CountFamily::NegativeBinomial(null.theta)
        } else {
            CountFamily::Poisson
        };
        let mut mu = vec![0.0; n];
        let mut w = vec![0.0; n];
        for (k, &i) in cells.iter().enumerate() {
            let mut eta = model.offset[i] + blup[donor[k]];
            for j in 0..p {
                eta += model.design[j * n_all + i] * null.beta[j];
            }
            mu[k] = eta.exp();
            w[k] = family.weight(mu[k]);
        }
        if mu.iter().any(|v| !v.is_finite()) {
            return None;
        }
        let zeros = vec![0.0; n];
        let g = GeneData {
            y: &zeros,
            x: &x,
            offset: &zeros,
            donor: &donor,
            n,
            p,
            m,
            kernel: kernel.as_deref(),
        };
        let work = Working::build(&g, &w, &zeros, Route::Eigen)?;
        let at = work.at(null.tau)?;
        let om = at.om.clone();
        // B = Z'WX - Dw^1/2 U diag(om) X~
        let mut b = work.zwx.clone();
        let mut col = vec![0.0; m];
        let mut back = vec![0.0; m];
        for j in 0..p {
            for i in 0..m {
                col[i] = om[i] * work.xt[i + j * m];
            }
            match &work.u {
                None => back.copy_from_slice(&col),
                Some(u) => rotate(u, &col, m, &mut back),
            }
            for i in 0..m {
                b[i + j * m] -= work.sqrt_dw[i] * back[i];
            }
        }
        let mut c = vec![0.0; p * p];
        for a in 0..p {
            c[a + a * p] = 1.0;
            cholesky_solve(&at.chol, p, &mut c[a * p..(a + 1) * p]);
        }
        let mut xwx_chol = vec![0.0; p * p];
        // X'WX with the Poisson weights mu (SAIGE's SPA adjustment uses W = mu).
        for a in 0..p {
            for bb in a..p {
                let s: f64 = (0..n).map(|i| mu[i] * x[a * n + i] * x[bb * n + i]).sum();
                xwx_chol[bb + a * p] = s;
                xwx_chol[a + bb * p] = s;
            }
        }
        if !cholesky_in_place(&mut xwx_chol, p) {
            return None;
        }
        Some(CountGeneScore {
            donors,
            poisson: family == CountFamily::Poisson,
            n,
            p,
            m,
            donor,
            x,
            mu,
            work,
            om,
            r,
            b,
            c,
            xwx_chol,
        })
    }

    pub fn n_donors(&self) -> usize {
        self.m
    }

    /// Test one variant: `g` = imputed dosages of the gene's donors (in `donors` order).
    pub fn test(&self, g: &[f64]) -> CountTest {
        let (m, p) = (self.m, self.p);
        let tstat: f64 = g.iter().zip(&self.r).map(|(a, b)| a * b).sum();
        let scaled: Vec<f64> = g.iter().zip(&self.work.sqrt_dw).map(|(a, s)| a * s).collect();
        let gt = match &self.work.u {
            None => scaled.clone(),
            Some(u) => {
                let mut out = vec![0.0; m];
                rotate_t(u, &scaled, m, &mut out);
                out
            }
        };
        let mut var: f64 = scaled.iter().map(|v| v * v).sum();
        var -= gt.iter().zip(&self.om).map(|(a, o)| o * a * a).sum::<f64>();
        let bg: Vec<f64> = (0..p)
            .map(|j| (0..m).map(|i| self.b[i + j * m] * g[i]).sum())
            .collect();
        for a in 0..p {
            for b in 0..p {
                var -= bg[a] * self.c[a + b * p] * bg[b];
            }
        }
        if !(var > 0.0) || !tstat.is_finite() {
            return CountTest::NA;
        }
        let z = tstat / var.sqrt();
        let p_normal = 2.0 * pnorm_upper(z.abs());
        let mut out = CountTest { tstat, var, p_normal, p_value: p_normal, is_spa: false };
        if self.poisson && z.abs() > SPA_CUTOFF {
            if let Some(p_spa) = self.spa(g, tstat, var) {
                out.p_value = p_spa;
                out.is_spa = true;
            }
        }
        out
    }

    /// SAIGE-QTL's Poisson SPA on the covariate-adjusted cell genotype.
    fn spa(&self, g: &[f64], tstat: f64, var: f64) -> Option<f64> {
        let (n, p, m) = (self.n, self.p, self.m);
        // a = (X'WX)^-1 (Z'WX)' g with W = mu
        let mut zmx = vec![0.0; p];
        for i in 0..n {
            let wg = self.mu[i] * g[self.donor[i]];
            for (j, slot) in zmx.iter_mut().enumerate() {
                *slot += wg * self.x[j * n + i];
            }
        }
        cholesky_solve(&self.xwx_chol, p, &mut zmx);
        let adj: Vec<f64> = (0..n)
            .map(|i| g[self.donor[i]] - (0..p).map(|j| self.x[j * n + i] * zmx[j]).sum::<f64>())
            .collect();
        let _ = m;
        let var2: f64 = adj.iter().zip(&self.mu).map(|(a, u)| u * a * a).sum();
        let q = tstat * (var2 / var).sqrt();
        let k0 = |t: f64| -> f64 {
            adj.iter().zip(&self.mu).map(|(a, u)| u * ((a * t).exp_m1() - a * t)).sum()
        };
        let k1 = |t: f64| -> f64 { adj.iter().zip(&self.mu).map(|(a, u)| u * a * (a * t).exp_m1()).sum() };
        let k2 = |t: f64| -> f64 { adj.iter().zip(&self.mu).map(|(a, u)| u * a * a * (a * t).exp()).sum() };
        let tail = |s: f64| -> Option<f64> {
            let f = |t: f64| k1(t) - s;
            let (mut lo, mut hi) = (-1.0f64, 1.0f64);
            let mut guard = 0;
            while f(lo) > 0.0 && guard < 200 {
                lo *= 2.0;
                guard += 1;
            }
            while f(hi) < 0.0 && guard < 400 {
                hi *= 2.0;
                guard += 1;
            }
            let zeta = brent_root(f, lo, hi, f(lo), f(hi), SPA_ROOT_TOLERANCE, 1000)?;
            let w = zeta.signum() * (2.0 * (zeta * s - k0(zeta))).sqrt();
            let v = zeta * k2(zeta).sqrt();
            let zz = w + (v / w).ln() / w;
            if !zz.is_finite() {
                return None;
            }
            Some(if zz > 0.0 { pnorm_upper(zz) } else { pnorm_upper(-zz) })
        };
        let aq = q.abs();
        let p = tail(aq)? + tail(-aq)?;
        (p.is_finite() && p > 0.0).then_some(p.min(1.0))
    }
}
