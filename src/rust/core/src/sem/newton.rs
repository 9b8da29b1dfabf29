//! Newton's Hessian for the final iterations of badly fitting models: central differences
//! of the analytic gradient.

use nalgebra::DMatrix;

use super::error::SemError;
use super::estimate::Fitter;
use super::optimiser_tolerances as tol;

impl Fitter {
    /// Hessian by central differences of the analytic gradient into `h_fd`; leaves the state
    /// (x, Sigma, gradient) as it was. Returns false when it is not positive definite.
    pub(super) fn newton_hessian(
        &mut self,
        sample: &DMatrix<f64>,
        w: &[f64],
    ) -> Result<bool, SemError> {
        let nv = self.red.n_vars;
        self.x_save.copy_from_slice(&self.x);
        self.g_save.copy_from_slice(&self.grad);
        let mut ok = true;
        for j in 0..nv {
            let h = tol::FD_STEP * self.x_save[j].abs().max(1e-2);
            for (sign, target) in [(1.0, true), (-1.0, false)] {
                self.x.copy_from_slice(&self.x_save);
                self.x[j] += sign * h;
                if self.objective_at_x(sample, w, true).is_err() {
                    ok = false;
                    break;
                }
                self.gradient_and_hessian(sample, w)?;
                if target {
                    self.g_plus.copy_from_slice(&self.grad);
                } else {
                    for i in 0..nv {
                        self.h_fd[i * nv + j] = (self.g_plus[i] - self.grad[i]) / (2.0 * h);
                    }
                }
            }
            if !ok {
                break;
            }
        }
        self.x.copy_from_slice(&self.x_save);
        self.objective_at_x(sample, w, false)?;
        self.gradient_and_hessian(sample, w)?;
        self.grad.copy_from_slice(&self.g_save);
        for i in 0..nv {
            for j in 0..i {
                let m = 0.5 * (self.h_fd[i * nv + j] + self.h_fd[j * nv + i]);
                self.h_fd[i * nv + j] = m;
                self.h_fd[j * nv + i] = m;
            }
        }
        Ok(ok && (0..nv).all(|i| self.h_fd[i * nv + i] > 0.0))
    }
}
