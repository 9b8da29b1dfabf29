//! The weighted stage 1 of one PQL iteration (spec section 3): with per-cell working weights
//! `wt` and response `Y~`, the working covariance `Sigma = W^-1 + tau Z K Z'` is handled
//! through `dw = Z'W1`, `A_w = Dw^1/2 K Dw^1/2 = U diag(l) U'` and the rotated sums
//! `a~ = U' Dw^-1/2 Z'W a`, so that every quantity of the working REML is O(m p^2) per tau
//! after one m x m eigendecomposition (none for `K = I`: `U = I`, `l = dw`).
//!
//! The PQL loop uses the cheaper exact route of [`Route::Tridiagonal`]: `A_w = Q T Q'` with Q
//! kept as reflectors and the same quantities through solves with `I + tau T` (`om` becomes
//! `tau (I + tau T)^-1 T`); the score test, which rotates every variant, keeps U.

use super::tolerances::{KERNEL_PSD_RELATIVE, TAU_MAX, TRIDIAGONAL_NEGATIVE_SHIFT};
use super::tridiagonal::Tridiagonal;
use crate::single_cell::dense::{cholesky_in_place, cholesky_solve};
use crate::single_cell::symmetric_eigen;

/// How `A_w` is decomposed (irrelevant for `K = I`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Route {
    /// Eigenvectors U: needed to rotate many vectors (the score test).
    Eigen,
    /// `Q T Q'`, falling back to `Eigen` if T is indefinite beyond rounding.
    Tridiagonal,
}

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
    /// Eigenvectors (m x m column-major); `None` for `K = I` and the tridiagonal route.
    pub u: Option<Vec<f64>>,
    /// The tridiagonal route: `Q T Q'` and `T [X~ Y~]` (m x (p + 1)).
    pub(super) tri: Option<(Tridiagonal, Vec<f64>)>,
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
    /// Diagonal routes: `om = tau l / (1 + tau l)`; empty on the tridiagonal route.
    pub om: Vec<f64>,
    /// Tridiagonal route: `(I + tau T)^-1 [X~ Y~]` (m x (p + 1)); empty otherwise.
    pub(super) z: Vec<f64>,
    pub(super) tau: f64,
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
    /// `None` if the decomposition fails or `A_w` is indefinite beyond rounding.
    pub fn build(g: &GeneData, w: &[f64], ywork: &[f64], route: Route) -> Option<Working> {
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
        // [X~ Y~] before rotation: Dw^-1/2 Z'W [X Y] (m x (p + 1)).
        let mut v: Vec<f64> = zwx.iter().chain(&zwy).copied().collect();
        for col in v.chunks_mut(m) {
            col.iter_mut().zip(&sqrt_dw).for_each(|(a, s)| *a /= s);
        }
        let (l, u, tri) = match g.kernel {
            None => (dw, None, None),
            Some(k) => {
                let scaled_kernel = || {
                    let mut a = vec![0.0; m * m];
                    for j in 0..m {
                        for i in 0..m {
                            a[i + j * m] = sqrt_dw[i] * k[i + j * m] * sqrt_dw[j];
                        }
                    }
                    a
                };
                match Self::tridiagonal(scaled_kernel, m, &mut v, route) {
                    Some((l, tri)) => (l, None, Some(tri)),
                    None => {
                        let (mut l, u) = symmetric_eigen(&scaled_kernel(), m)?;
                        clamp_psd(&mut l)?;
                        let mut out = vec![0.0; m];
                        for col in v.chunks_mut(m) {
                            rotate_t(&u, col, m, &mut out);
                            col.copy_from_slice(&out);
                        }
                        (l, Some(u), None)
                    }
                }
            }
        };
        let yt = v.split_off(m * p);
        let xt = v;
        Some(Working { m, p, l, u, tri, sqrt_dw, zwx, zwy, xt, yt, xwx, xwy, ywy, sum_log_w })
    }

    /// The tridiagonal route: T's eigenvalues (clamped as on the eigen route), `v <- Q' v` and
    /// `T v`. `None` (then the eigen route) unless asked for and T is PSD to rounding.
    #[allow(clippy::type_complexity)]
    fn tridiagonal(
        a: impl Fn() -> Vec<f64>,
        m: usize,
        v: &mut [f64],
        route: Route,
    ) -> Option<(Vec<f64>, (Tridiagonal, Vec<f64>))> {
        if route != Route::Tridiagonal {
            return None;
        }
        let (t, mut l) = Tridiagonal::reduce(a(), m)?;
        let lowest = l.iter().fold(0.0f64, |a, &b| a.min(b));
        if 2.0 * TAU_MAX * -lowest > TRIDIAGONAL_NEGATIVE_SHIFT {
            return None;
        }
        clamp_psd(&mut l)?;
        let k = v.len() / m;
        t.apply(v, k, true)?;
        let mut tv = vec![0.0; m * k];
        for (col, out) in v.chunks(m).zip(tv.chunks_mut(m)) {
            t.mul(col, out);
        }
        Some((l, (t, tv)))
    }

    /// X~'(I + tau A_w)^-1 X~ etc. through `om = tau A_w (I + tau A_w)^-1`. On the tridiagonal
    /// route `z = (I + tau T)^-1 [X~ Y~]` and `v' om v = tau z'(T v)` (no `I - (I + tau T)^-1`
    /// cancellation).
    pub fn at(&self, tau: f64) -> Option<AtTau> {
        let (m, p) = (self.m, self.p);
        let mut xhx = self.xwx.clone();
        let mut xhy = self.xwy.clone();
        let mut yhy = self.ywy;
        let (mut om, mut z) = (Vec::new(), Vec::new());
        if let Some((t, tv)) = &self.tri {
            let factor = t.factor(tau)?;
            z = self.xt.iter().chain(&self.yt).copied().collect();
            for zc in z.chunks_mut(m) {
                factor.solve(zc);
            }
            let dot = |a: usize, b: usize| -> f64 {
                let (za, vb) = (&z[a * m..(a + 1) * m], &tv[b * m..(b + 1) * m]);
                tau * za.iter().zip(vb).map(|(x, y)| x * y).sum::<f64>()
            };
            for a in 0..p {
                xhy[a] -= dot(a, p);
                for b in a..p {
                    xhx[b + a * p] -= dot(a, b);
                }
            }
            yhy -= dot(p, p);
        } else {
            om = self.l.iter().map(|l| tau * l / (1.0 + tau * l)).collect();
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
        Some(AtTau { om, z, tau, chol: xhx, beta, crit: logdet_h + logdet + ypy })
    }

    /// The residual `e = z_Y - z_X beta` in the tridiagonal basis: `(I + tau T)^-1 Q'(Y~ - X~ beta)`.
    pub(super) fn residual_z(&self, at: &AtTau) -> Vec<f64> {
        let m = self.m;
        let mut e = at.z[self.p * m..].to_vec();
        for (c, b) in at.beta.iter().enumerate() {
            e.iter_mut().zip(&at.z[c * m..(c + 1) * m]).for_each(|(e, z)| *e -= b * z);
        }
        e
    }

    /// r = Z'W e - Dw^1/2 U (om o e~) with e = Y~ - X beta: Z' Sigma^-1 e, the donor score
    /// (tridiagonal route: `U (om o e~) = tau Q T (I + tau T)^-1 Q' e`).
    pub fn donor_residual(&self, at: &AtTau) -> Option<Vec<f64>> {
        let (m, p) = (self.m, self.p);
        let mut zwe = self.zwy.clone();
        for c in 0..p {
            let b = at.beta[c];
            for j in 0..m {
                zwe[j] -= b * self.zwx[j + c * m];
            }
        }
        let back = if let Some((t, _)) = &self.tri {
            let e = self.residual_z(at);
            let mut back = vec![0.0; m];
            t.mul(&e, &mut back);
            back.iter_mut().for_each(|v| *v *= at.tau);
            t.apply(&mut back, 1, false)?;
            back
        } else {
            let mut et = self.yt.clone();
            for c in 0..p {
                let b = at.beta[c];
                for j in 0..m {
                    et[j] -= b * self.xt[j + c * m];
                }
            }
            for j in 0..m {
                et[j] *= at.om[j];
            }
            match &self.u {
                None => et,
                Some(u) => {
                    let mut out = vec![0.0; m];
                    rotate(u, &et, m, &mut out);
                    out
                }
            }
        };
        Some(zwe.iter().zip(&back).zip(&self.sqrt_dw).map(|((z, b), s)| z - s * b).collect())
    }
}

/// Eigenvalues in `[-KERNEL_PSD_RELATIVE * max |l|, 0)` are rounding of a singular (centred)
/// kernel and become 0; `None` if one is lower.
fn clamp_psd(l: &mut [f64]) -> Option<()> {
    let top = l.iter().fold(0.0f64, |a, &b| a.max(b.abs()));
    for v in l.iter_mut() {
        if *v < 0.0 && *v >= -KERNEL_PSD_RELATIVE * top {
            *v = 0.0;
        }
    }
    if l.iter().any(|v| *v < 0.0) {
        return None;
    }
    Some(())
}
