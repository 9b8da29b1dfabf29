//! The written-out fit's steps over the kept parameters: Newton's (exact Hessian, or
//! Gauss-Newton's where that is not positive definite) and the chord step that reuses the
//! last factorisation near the optimum.

use super::CommonFit;
use crate::sem::cholesky::{spd_solve_factored, spd_solve_small};
use crate::sem::linalg::dot;

impl CommonFit {
    /// w o J per kept column into `wj`, and the gradient -2 J'W r into `grad` (absorbed
    /// moments have w = 0).
    fn gradient(&mut self) {
        let pstar = self.moments.len();
        let jac = self.jac.as_slice();
        for (p, &j) in self.kept.iter().enumerate() {
            let (cj, wj) = (
                &jac[j * pstar..][..pstar],
                &mut self.wj[p * pstar..][..pstar],
            );
            for a in 0..pstar {
                wj[a] = self.w_fit[a] * cj[a];
            }
            self.grad[p] = -2.0 * dot(wj, &self.resid);
        }
    }

    /// The decrement -g'd of the step in `step`.
    fn decrement(&self) -> f64 {
        let n = self.kept.len();
        -self.grad[..n]
            .iter()
            .zip(&self.step[..n])
            .map(|(g, d)| g * d)
            .sum::<f64>()
    }

    /// Newton step from the gradient and the Hessian 2 J'WJ plus the curvature term (2 J'WJ
    /// alone when that sum is not positive definite); returns the decrement, or `None` when
    /// J'WJ is not positive definite either. Leaves the factors used in `hess`.
    pub(super) fn newton_step(&mut self) -> Option<f64> {
        let (pstar, n) = (self.moments.len(), self.kept.len());
        self.gradient();
        let jac = self.jac.as_slice();
        for p in 0..n {
            let wj = &self.wj[p * pstar..][..pstar];
            for (q, &l) in self.kept[..=p].iter().enumerate() {
                let h = 2.0 * dot(wj, &jac[l * pstar..][..pstar]);
                self.hess[p * n + q] = h;
                self.hess[q * n + p] = h;
            }
        }
        self.hess_gn[..n * n].copy_from_slice(&self.hess[..n * n]);
        self.add_curvature();
        for j in 0..n {
            self.step[j] = -self.grad[j];
        }
        if !spd_solve_small(&mut self.hess, n, &mut self.step) {
            self.hess[..n * n].copy_from_slice(&self.hess_gn[..n * n]);
            for j in 0..n {
                self.step[j] = -self.grad[j];
            }
            if !spd_solve_small(&mut self.hess, n, &mut self.step) {
                return None;
            }
        }
        Some(self.decrement())
    }

    /// Chord step: the new gradient against the factors of the last Newton step's Hessian.
    pub(super) fn chord_step(&mut self) -> f64 {
        let n = self.kept.len();
        self.gradient();
        for j in 0..n {
            self.step[j] = -self.grad[j];
        }
        spd_solve_factored(&self.hess, n, &mut self.step);
        self.decrement()
    }
}
