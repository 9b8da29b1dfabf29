//! The weighted stage 1 of one PQL iteration (spec section 3): with per-cell working weights
//! `wt` and response `Y~`, the working covariance `Sigma = W^-1 + tau Z K Z'` is handled
//! through `dw = Z'W1`, `A_w = Dw^1/2 K Dw^1/2 = U diag(l) U'` and the rotated sums
//! `a~ = U' Dw^-1/2 Z'W a`, so that every quantity of the working REML is O(m p^2) per tau
//! after one m x m eigendecomposition (none for `K = I`: `U = I`, `l = dw`).

use super::root::brent_root;
use super::tolerances::{KERNEL_PSD_RELATIVE, TAU_GRID, TAU_MAX, TAU_ROOT_RELATIVE};
use crate::single_cell::dense::{cholesky_in_place, cholesky_solve};
use crate::single_cell::symmetric_eigen;

/// One gene's cell-level data on its observed cells (donors renumbered 0..m).
pub(super) struct GeneData<'a> {
    pub y: &'a [f64],
    pub x: &'a [f64],
    pub offset: &'a [f64],
    pub donor: &'a [usize],
    pub n: usize,
    pub p: usize,
    pub m: usize,
    /// m x m kernel of the gene's donors; `None` = identity.
    pub kernel: Option<&'a [f64]>,
}

pub(super) struct Working {
    pub m: usize,
    pub p: usize,
    pub l: Vec<f64>,
    /// Eigenvectors (m x m column-major); `None` for `K = I`.
    pub u: Option<Vec<f64>>,
    pub sqrt_dw: Vec<f64>,
    /// Z'WX (m x p) and Z'WY (m), unscaled and unrotated.
    pub zwx: Vec<f64>,
    pub zwy: Vec<f64>,
    /// X~ = U' Dw^-1/2 Z'WX (m x p) and Y~ rotated the same way (m).
    pub xt: Vec<f64>,
    pub yt: Vec<f64>,
    pub xwx: Vec<f64>,
    pub xwy: Vec<f64>,
    pub ywy: f64,
    pub sum_log_w: f64,
}

/// The working REML quantities at one tau.
pub(super) struct AtTau {
    pub om: Vec<f64>,
    /// Cholesky factor of X'Sigma^-1 X (p x p, lower).
    pub chol: Vec<f64>,
    pub beta: Vec<f64>,
    pub crit: f64,
}

/// U' v for an m x m column-major U.
pub(super) fn rotate_t(u: &[f64], v: &[f64], m: usize, out: &mut [f64]) {
    for j in 0..m {
        let col = &u[j * m..(j + 1) * m];
        out[j] = col.iter().zip(v).map(|(a, b)| a * b).sum();
    }
}

/// U v for an m x m column-major U.
pub(super) fn rotate(u: &[f64], v: &[f64], m: usize, out: &mut [f64]) {
    out.iter_mut().for_each(|o| *o = 0.0);
    for j in 0..m {
        let c = v[j];
        if c != 0.0 {
            for (o, a) in out.iter_mut().zip(&u[j * m..(j + 1) * m]) {
                *o += a * c;
            }
        }
    }
}

impl Working {
    /// `None` if the eigendecomposition fails.
    pub fn build(g: &GeneData, w: &[f64], ywork: &[f64]) -> Option<Working> {
        let (n, p, m) = (g.n, g.p, g.m);
        let mut dw = vec![0.0; m];
        let mut zwy = vec![0.0; m];
        let mut zwx = vec![0.0; m * p];
        let mut ywy = 0.0;
        let mut sum_log_w = 0.0;
        for i in 0..n {
            let d = g.donor[i];
            dw[d] += w[i];
            zwy[d] += w[i] * ywork[i];
            ywy += w[i] * ywork[i] * ywork[i];
            sum_log_w += w[i].ln();
        }
        let mut xwx = vec![0.0; p * p];
        let mut xwy = vec![0.0; p];
        let mut wx = vec![0.0; n];
        for j in 0..p {
            let xj = &g.x[j * n..(j + 1) * n];
            let col = &mut zwx[j * m..(j + 1) * m];
            for i in 0..n {
                wx[i] = w[i] * xj[i];
                col[g.donor[i]] += wx[i];
            }
            xwy[j] = wx.iter().zip(ywork).map(|(a, b)| a * b).sum();
            for k in j..p {
                let s: f64 = wx.iter().zip(&g.x[k * n..(k + 1) * n]).map(|(a, b)| a * b).sum();
                xwx[k + j * p] = s;
                xwx[j + k * p] = s;
            }
        }
        let sqrt_dw: Vec<f64> = dw.iter().map(|v| v.sqrt()).collect();
        let scaled = |v: &[f64]| -> Vec<f64> { v.iter().zip(&sqrt_dw).map(|(a, s)| a / s).collect() };
        let (l, u, xt, yt) = match g.kernel {
            None => {
                let xt: Vec<f64> = (0..p).flat_map(|j| scaled(&zwx[j * m..(j + 1) * m])).collect();
                (dw.clone(), None, xt, scaled(&zwy))
            }
            Some(k) => {
                let mut a = vec![0.0; m * m];
                for j in 0..m {
                    for i in 0..m {
                        a[i + j * m] = sqrt_dw[i] * k[i + j * m] * sqrt_dw[j];
                    }
                }
                let (mut l, u) = symmetric_eigen(&a, m)?;
                drop(a);
                let top = l.iter().fold(0.0f64, |a, &b| a.max(b.abs()));
                for v in l.iter_mut() {
                    if *v < 0.0 && *v >= -KERNEL_PSD_RELATIVE * top {
                        *v = 0.0;
                    }
                }
                if l.iter().any(|v| *v < 0.0) {
                    return None;
                }
                let mut xt = vec![0.0; m * p];
                for j in 0..p {
                    let s = scaled(&zwx[j * m..(j + 1) * m]);
                    rotate_t(&u, &s, m, &mut xt[j * m..(j + 1) * m]);
                }
                let mut yt = vec![0.0; m];
                rotate_t(&u, &scaled(&zwy), m, &mut yt);
                (l, Some(u), xt, yt)
            }
        };
        Some(Working { m, p, l, u, sqrt_dw, zwx, zwy, xt, yt, xwx, xwy, ywy, sum_log_w })
    }

    pub fn at(&self, tau: f64) -> Option<AtTau> {
        let (m, p) = (self.m, self.p);
        let om: Vec<f64> = self.l.iter().map(|l| tau * l / (1.0 + tau * l)).collect();
        let mut xhx = self.xwx.clone();
        let mut xhy = self.xwy.clone();
        let mut yhy = self.ywy;
        for j in 0..m {
            let o = om[j];
            if o == 0.0 {
                continue;
            }
            let yj = self.yt[j];
            yhy -= o * yj * yj;
            for a in 0..p {
                let xa = o * self.xt[j + a * m];
                xhy[a] -= xa * yj;
                for b in a..p {
                    xhx[b + a * p] -= xa * self.xt[j + b * m];
                }
            }
        }
        for a in 0..p {
            for b in a + 1..p {
                xhx[a + b * p] = xhx[b + a * p];
            }
        }
        if !cholesky_in_place(&mut xhx, p) {
            return None;
        }
        let logdet: f64 = (0..p).map(|a| 2.0 * xhx[a + a * p].ln()).sum();
        let mut beta = xhy.clone();
        cholesky_solve(&xhx, p, &mut beta);
        let ypy = yhy - xhy.iter().zip(&beta).map(|(a, b)| a * b).sum::<f64>();
        let logdet_h = -self.sum_log_w + self.l.iter().map(|l| (tau * l).ln_1p()).sum::<f64>();
        Some(AtTau { om, chol: xhx, beta, crit: logdet_h + logdet + ypy })
    }

    /// d(-2 l_R)/dtau.
    pub fn derivative(&self, tau: f64) -> Option<f64> {
        let (m, p) = (self.m, self.p);
        let at = self.at(tau)?;
        let mut tr_h = 0.0;
        let mut quad = 0.0;
        let mut mm = vec![0.0; p * p];
        for j in 0..m {
            let l = self.l[j];
            let den = 1.0 + tau * l;
            let a = l / den;
            let a2 = a / den;
            tr_h += a;
            if a2 == 0.0 {
                continue;
            }
            let mut et = self.yt[j];
            for c in 0..p {
                et -= self.xt[j + c * m] * at.beta[c];
            }
            quad += a2 * et * et;
            for c in 0..p {
                let xc = a2 * self.xt[j + c * m];
                for d in c..p {
                    mm[d + c * p] += xc * self.xt[j + d * m];
                }
            }
        }
        let mut tr = 0.0;
        let mut col = vec![0.0; p];
        for c in 0..p {
            for d in 0..p {
                col[d] = if d >= c { mm[d + c * p] } else { mm[c + d * p] };
            }
            cholesky_solve(&at.chol, p, &mut col);
            tr += col[c];
        }
        Some(tr_h - tr - quad)
    }

    fn crit(&self, tau: f64) -> f64 {
        self.at(tau).map_or(f64::INFINITY, |a| a.crit)
    }

    /// The working-REML tau >= 0: the root of the derivative, bracketed from the previous
    /// iteration's tau (when positive) or from a log grid, then checked against the boundary.
    pub fn search_tau(&self, previous: Option<f64>) -> f64 {
        let deriv = |t: f64| self.derivative(t).unwrap_or(f64::NAN);
        let (mut left, mut right) = match previous.filter(|t| *t > 0.0) {
            Some(t) => (t / 1.25, t * 1.25),
            None => {
                let (lo, hi, k) = TAU_GRID;
                let step = (hi / lo).ln() / (k - 1) as f64;
                let grid: Vec<f64> = (0..k).map(|i| (lo.ln() + step * i as f64).exp()).collect();
                let values: Vec<f64> = grid.iter().map(|&t| self.crit(t)).collect();
                let best = (0..k).fold(0, |b, i| if values[i] < values[b] { i } else { b });
                (grid[best.saturating_sub(1)], grid[(best + 1).min(k - 1)])
            }
        };
        let mut d_left = deriv(left);
        while d_left > 0.0 && left > 1e-12 {
            left /= 2.0;
            d_left = deriv(left);
        }
        let mut d_right = deriv(right);
        while d_right < 0.0 && right < TAU_MAX {
            right *= 2.0;
            d_right = deriv(right);
        }
        let mut tau = if d_left <= 0.0 && d_right >= 0.0 {
            brent_root(
                |lt: f64| deriv(lt.exp()),
                left.ln(),
                right.ln(),
                d_left,
                d_right,
                TAU_ROOT_RELATIVE,
                200,
            )
            .map_or(0.0, f64::exp)
        } else {
            0.0
        };
        if tau > 0.0 {
            let crit = self.crit(tau);
            let crit0 = self.crit(0.0);
            if crit0 <= crit || (deriv(0.0) >= 0.0 && crit0 <= crit + 1e-9) {
                tau = 0.0;
            }
        }
        tau
    }

    /// r = Z'W e - Dw^1/2 U (om o e~) with e = Y~ - X beta: Z' Sigma^-1 e, the donor score.
    pub fn donor_residual(&self, at: &AtTau) -> Vec<f64> {
        let (m, p) = (self.m, self.p);
        let mut zwe = self.zwy.clone();
        let mut et = self.yt.clone();
        for c in 0..p {
            let b = at.beta[c];
            for j in 0..m {
                zwe[j] -= b * self.zwx[j + c * m];
                et[j] -= b * self.xt[j + c * m];
            }
        }
        for j in 0..m {
            et[j] *= at.om[j];
        }
        let back = match &self.u {
            None => et,
            Some(u) => {
                let mut out = vec![0.0; m];
                rotate(u, &et, m, &mut out);
                out
            }
        };
        zwe.iter().zip(&back).zip(&self.sqrt_dw).map(|((z, b), s)| z - s * b).collect()
    }
}
