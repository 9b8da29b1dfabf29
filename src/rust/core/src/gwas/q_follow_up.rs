//! commonfactorGWAS's Q follow-up model under DWLS, solved directly instead of by the general
//! SEM fitter.
//!
//! With the loadings l, the SNP effect b, the factor's residual variance psi and the SNP
//! variance v fixed, and the direct effects g and the residual variances theta free, the
//! implied moments (SNP first, traits t, u) are
//!   sigma_SNP,t = v a_t,   sigma_t,u = l_t l_u psi + v a_t a_u + [t = u] theta_t,
//! with a = l b + g the SNP's total effects. Each theta_t enters one moment only, so at the
//! optimum it reproduces that variance exactly and the diagonally weighted fit reduces to k
//! Newton unknowns a (SNP-trait covariances and trait-trait covariances). Delta of the
//! 2k free parameters is then written out in closed form for the shared sandwich.

use nalgebra::DMatrix;

use super::prepared::ChisqBlocks;
use super::sandwich_work::SandwichWork;
use super::snp_matrices::FullSnp;
use crate::sem::cholesky::spd_solve_small;
use crate::sem::sandwich::Weight;
use crate::sem::SemError;

/// Newton steps before giving up (the general fitter then takes over).
const MAX_STEPS: usize = 100;
/// Converged when no total effect moves by more than this fraction of the largest one (the
/// general fitter's step tolerance is far coarser; the optimum is the same).
const STEP_TOLERANCE: f64 = 1e-13;

/// Buffers for one thread.
#[derive(Debug, Clone)]
pub struct QFollowUp {
    k: usize,
    a: Vec<f64>,
    step: Vec<f64>,
    grad: Vec<f64>,
    hess: DMatrix<f64>,
    /// The Gauss-Newton part of `hess` alone (the fallback step).
    hess_gn: DMatrix<f64>,
    /// DWLS weights 1 / diag(V_Full), caller's vech order.
    w: Vec<f64>,
    /// pstar x 2k, caller's vech order; columns g_1..g_k, theta_1..theta_k.
    delta: DMatrix<f64>,
    identity: Vec<usize>,
    /// (free index of theta_t, its moment): the parameters the sandwich absorbs.
    absorbed: Vec<(usize, usize)>,
}

/// Position of (i, j), i >= j, in the column-major lower-triangle vech of a p x p matrix.
fn vech_at(p: usize, i: usize, j: usize) -> usize {
    j * p - j * (j + 1) / 2 + i
}

impl QFollowUp {
    pub fn new(k: usize) -> QFollowUp {
        let pstar = (k + 1) * (k + 2) / 2;
        QFollowUp {
            k,
            a: vec![0.0; k],
            step: vec![0.0; k],
            grad: vec![0.0; k],
            hess: DMatrix::zeros(k, k),
            hess_gn: DMatrix::zeros(k, k),
            w: vec![0.0; pstar],
            delta: DMatrix::zeros(pstar, 2 * k),
            identity: (0..pstar).collect(),
            absorbed: (0..k)
                .map(|t| (k + t, vech_at(k + 1, t + 1, t + 1)))
                .collect(),
        }
    }

    /// Fits the follow-up for loadings `l`, SNP effect `b`, factor residual variance `psi` and
    /// SNP variance `v` to `full.s_full`, then its sandwich covariance into `sandwich.cov`
    /// (free parameters g then theta). Returns the direct effects g in `eta`, or `None` when
    /// the reduced fit does not converge (the caller then uses the general fitter).
    #[allow(clippy::too_many_arguments)]
    pub fn solve(
        &mut self,
        l: &[f64],
        b: f64,
        psi: f64,
        v: f64,
        full: &FullSnp,
        blocks: Option<&ChisqBlocks>,
        toler: f64,
        sandwich: &mut SandwichWork,
        eta: &mut [f64],
    ) -> Option<Result<(), SemError>> {
        let k = self.k;
        let p = k + 1;
        let s = &full.s_full;
        for (a, wa) in self.w.iter_mut().enumerate() {
            *wa = 1.0 / full.v_full[(a, a)];
        }
        // Start: the total effects that reproduce the SNP-trait covariances exactly.
        for t in 0..k {
            self.a[t] = s[(t + 1, 0)] / v;
        }
        let mut converged = false;
        for _ in 0..MAX_STEPS {
            // Gauss-Newton's J'WJ into `hess_gn`; `hess` is it plus the curvature, which only
            // the off-diagonal entries have (each pair t < u is visited once).
            self.hess_gn.fill(0.0);
            self.grad.fill(0.0);
            for t in 0..k {
                let w = self.w[vech_at(p, t + 1, 0)];
                let r = s[(t + 1, 0)] - v * self.a[t];
                self.hess_gn[(t, t)] += w * v * v;
                self.grad[t] += w * v * r;
            }
            for t in 0..k {
                for u in t + 1..k {
                    let w = self.w[vech_at(p, u + 1, t + 1)];
                    let r = s[(u + 1, t + 1)] - l[t] * l[u] * psi - v * self.a[t] * self.a[u];
                    let (jt, ju) = (v * self.a[u], v * self.a[t]);
                    self.hess_gn[(t, t)] += w * jt * jt;
                    self.hess_gn[(u, u)] += w * ju * ju;
                    self.hess_gn[(t, u)] = w * jt * ju;
                    self.hess_gn[(u, t)] = w * jt * ju;
                    // d2 sigma_tu / da_t da_u = v: the curvature that makes the step Newton's.
                    self.hess[(t, u)] = w * jt * ju - w * r * v;
                    self.hess[(u, t)] = self.hess[(t, u)];
                    self.grad[t] += w * jt * r;
                    self.grad[u] += w * ju * r;
                }
            }
            for t in 0..k {
                self.hess[(t, t)] = self.hess_gn[(t, t)];
            }
            self.step.copy_from_slice(&self.grad);
            // Newton's step converges quadratically; Gauss-Newton's where the curvature
            // leaves the Hessian indefinite.
            if !spd_solve_small(self.hess.as_mut_slice(), k, &mut self.step) {
                self.step.copy_from_slice(&self.grad);
                if !spd_solve_small(self.hess_gn.as_mut_slice(), k, &mut self.step) {
                    return None;
                }
            }
            let scale = self.a.iter().fold(0.0f64, |m, x| m.max(x.abs()));
            let mut largest = 0.0f64;
            for t in 0..k {
                self.a[t] += self.step[t];
                largest = largest.max(self.step[t].abs());
            }
            if !largest.is_finite() {
                return None;
            }
            if largest <= STEP_TOLERANCE * scale {
                converged = true;
                break;
            }
        }
        if !converged {
            return None;
        }
        self.fill_delta(v);
        for t in 0..k {
            eta[t] = self.a[t] - l[t] * b;
        }
        let blocks = blocks
            .filter(|_| !full.v_smoothed)
            .map(|bl| (bl, full.d.as_slice()));
        // Only the covariance of the direct effects (free parameters 0..k) enters Q.
        let direct = &self.identity[..k];
        if sandwich.compute_selected_absorbing(
            &self.delta,
            &self.w,
            &self.absorbed,
            direct,
            &full.v_full,
            blocks,
            &self.identity,
            toler,
            direct,
        ) {
            return Some(Ok(()));
        }
        Some(sandwich.compute_selected(
            &self.delta,
            Weight::Diagonal(&self.w),
            &full.v_full,
            blocks,
            &self.identity,
            toler,
            &self.identity[..k],
        ))
    }

    /// d sigma / d(g, theta) at the solution, caller's vech order.
    fn fill_delta(&mut self, v: f64) {
        let k = self.k;
        let p = k + 1;
        self.delta.fill(0.0);
        for t in 0..k {
            self.delta[(vech_at(p, t + 1, 0), t)] = v;
            for u in 0..k {
                let (i, j) = if u >= t {
                    (u + 1, t + 1)
                } else {
                    (t + 1, u + 1)
                };
                let d = if u == t {
                    2.0 * v * self.a[t]
                } else {
                    v * self.a[u]
                };
                self.delta[(vech_at(p, i, j), t)] = d;
            }
            self.delta[(vech_at(p, t + 1, t + 1), k + t)] = 1.0;
        }
    }
}
