//! The working-REML tau of one PQL iteration: the derivative of `-2 l_R` (trace through the
//! eigenvalues, quadratic forms through the diagonal or tridiagonal basis of [`Working`]) and
//! its root.

use super::root::brent_root;
use super::tolerances::{TAU_GRID, TAU_MAX, TAU_ROOT_RELATIVE};
use super::working::Working;
use crate::single_cell::dense::cholesky_solve;

impl Working {
    /// d(-2 l_R)/dtau.
    pub fn derivative(&self, tau: f64) -> Option<f64> {
        let (m, p) = (self.m, self.p);
        let at = self.at(tau)?;
        let tr_h: f64 = self.l.iter().map(|l| l / (1.0 + tau * l)).sum();
        let mut quad = 0.0;
        // mm = X~' A (I + tau A)^-2 X~ (lower triangle).
        let mut mm = vec![0.0; p * p];
        if let Some((t, _)) = &self.tri {
            let mut tz = vec![0.0; m * p];
            for (zc, out) in at.z.chunks(m).zip(tz.chunks_mut(m)) {
                t.mul(zc, out);
            }
            for c in 0..p {
                for d in c..p {
                    mm[d + c * p] = tz[d * m..(d + 1) * m]
                        .iter()
                        .zip(&at.z[c * m..(c + 1) * m])
                        .map(|(a, b)| a * b)
                        .sum();
                }
            }
            let e = self.residual_z(&at);
            let mut te = vec![0.0; m];
            t.mul(&e, &mut te);
            quad = e.iter().zip(&te).map(|(a, b)| a * b).sum();
        } else {
            for j in 0..m {
                let l = self.l[j];
                let den = 1.0 + tau * l;
                let a2 = l / den / den;
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

    pub(super) fn crit(&self, tau: f64) -> f64 {
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
}
