//! DWLS and ML estimation by Gauss-Newton (Fisher scoring for ML) with a backtracking line
//! search, ties from equality constraints and bounds handled by an active set. The gradient
//! is analytic (-2 J'W r), so the optimum is found to near machine precision, far tighter than
//! lavaan's own stopping rule: what must agree is the optimum, not the path.

use nalgebra::DMatrix;

use super::constraints::Reduction;
use super::error::SemError;
use super::linalg::{cholesky_solve, spd_logdet_inverse};
use super::matrices::{vech_index, Structure, Workspace};
use super::weight::fill_ml_weight;

use super::line_search::backtrack;
use super::optimiser_tolerances as tol;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Estimator {
    /// Diagonally weighted least squares with a given weight per moment.
    Dwls,
    /// Normal-theory maximum likelihood, F = log|Sigma| + tr(S Sigma^-1) - log|S| - p.
    Ml,
}

impl std::str::FromStr for Estimator {
    type Err = SemError;

    /// GenomicSEM's `estimation` argument: "DWLS" or "ML".
    fn from_str(s: &str) -> Result<Estimator, SemError> {
        match s {
            "DWLS" => Ok(Estimator::Dwls),
            "ML" => Ok(Estimator::Ml),
            other => Err(SemError::BadInput {
                what: format!("`estimation` must be \"DWLS\" or \"ML\", not \"{other}\""),
            }),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FitInfo {
    pub iterations: usize,
    /// Objective at the optimum (DWLS: r'Wr; ML: the discrepancy above).
    pub fmin: f64,
}

/// A model ready to be fitted repeatedly: structure, constraint map and all buffers.
#[derive(Debug, Clone)]
pub struct Fitter {
    pub st: Structure,
    pub red: Reduction,
    pub estimator: Estimator,
    pub ws: Workspace,
    /// Full free parameters at the last fit.
    pub theta: Vec<f64>,
    pub(super) x: Vec<f64>,
    pub(super) x_try: Vec<f64>,
    pub(super) grad: Vec<f64>,
    pub(super) step: Vec<f64>,
    pub(super) hess: Vec<f64>,
    pub(super) sub_h: Vec<f64>,
    pub(super) sub_g: Vec<f64>,
    pub(super) active: Vec<bool>,
    pub(super) resid: Vec<f64>,
    pub(super) wr: Vec<f64>,
    pub(super) jac: DMatrix<f64>,
    pub(super) wj: DMatrix<f64>,
    /// ML weight 1/2 D'(Sigma^-1 (x) Sigma^-1)D, pstar x pstar.
    pub w_ml: DMatrix<f64>,
    pub(super) sigma_inv: DMatrix<f64>,
    pub(super) chol: DMatrix<f64>,
    pub(super) s_vech: Vec<f64>,
    pub(super) logdet_s: f64,
    pub(super) idx: Vec<usize>,
    pub(super) x_save: Vec<f64>,
    pub(super) g_save: Vec<f64>,
    pub(super) g_plus: Vec<f64>,
    pub(super) h_fd: Vec<f64>,
    /// Convergence: every variable moved by less than this (relative) in the last step.
    pub step_tolerance: f64,
    /// Switch from Gauss-Newton to Newton when an iteration shrinks the decrement by less
    /// than this factor (see `optimiser_tolerances::SLOW_RATIO`).
    pub slow_ratio: f64,
}

impl Fitter {
    pub fn new(st: Structure, red: Reduction, estimator: Estimator) -> Fitter {
        let (pstar, p, nf, nv) = (st.pstar(), st.p(), st.n_free, red.n_vars);
        Fitter {
            ws: Workspace::new(&st),
            theta: vec![0.0; nf],
            x: vec![0.0; nv],
            x_try: vec![0.0; nv],
            grad: vec![0.0; nv],
            step: vec![0.0; nv],
            hess: vec![0.0; nv * nv],
            sub_h: vec![0.0; nv * nv],
            sub_g: vec![0.0; nv],
            active: vec![false; nv],
            resid: vec![0.0; pstar],
            wr: vec![0.0; pstar],
            jac: DMatrix::zeros(pstar, nv),
            wj: DMatrix::zeros(pstar, nv),
            w_ml: DMatrix::zeros(
                if estimator == Estimator::Ml { pstar } else { 0 },
                if estimator == Estimator::Ml { pstar } else { 0 },
            ),
            sigma_inv: DMatrix::zeros(p, p),
            chol: DMatrix::zeros(p, p),
            s_vech: vec![0.0; pstar],
            logdet_s: 0.0,
            idx: Vec::with_capacity(nv),
            x_save: vec![0.0; nv],
            g_save: vec![0.0; nv],
            g_plus: vec![0.0; nv],
            h_fd: vec![0.0; nv * nv],
            step_tolerance: tol::STEP,
            slow_ratio: tol::SLOW_RATIO,
            st,
            red,
            estimator,
        }
    }

    /// Fits to `sample` (observed variables in lavaan's order) with DWLS weights `w`
    /// (one per vech moment; ignored for ML), starting from full free parameters `start`.
    pub fn fit(
        &mut self,
        sample: &DMatrix<f64>,
        w: &[f64],
        start: &[f64],
    ) -> Result<FitInfo, SemError> {
        self.set_sample(sample, w)?;
        self.red.reduce(start, &mut self.x);
        let mut f = self.objective_at_x(sample, w, false)?;
        let nv = self.red.n_vars;
        let mut newton = false;
        let mut previous_decrement = f64::INFINITY;
        for iter in 0..tol::MAX_ITER {
            self.gradient_and_hessian(sample, w)?;
            if newton && self.newton_hessian(sample, w)? {
                self.hess.copy_from_slice(&self.h_fd);
            }
            let decrement = self.solve_step()?;
            newton = newton
                || iter + 1 >= tol::SWITCH_ITER
                || (iter >= 2 && decrement > self.slow_ratio * previous_decrement);
            previous_decrement = decrement;
            if decrement <= 0.0 {
                return Ok(FitInfo {
                    iterations: iter,
                    fmin: f,
                });
            }
            let rel_step = (0..nv).fold(0.0f64, |m, j| {
                m.max(self.step[j].abs() / self.x[j].abs().max(tol::STEP_FLOOR))
            });
            let final_region = rel_step < tol::FINAL_REGION;
            let accepted_f = backtrack(f, decrement, final_region, |alpha| {
                for j in 0..nv {
                    self.x_try[j] = (self.x[j] + alpha * self.step[j])
                        .clamp(self.red.lower[j], self.red.upper[j]);
                }
                std::mem::swap(&mut self.x, &mut self.x_try);
                let trial = self.objective_at_x(sample, w, true);
                std::mem::swap(&mut self.x, &mut self.x_try);
                trial.ok()
            });
            let accepted = accepted_f.is_some();
            if let Some(ft) = accepted_f {
                std::mem::swap(&mut self.x, &mut self.x_try);
                f = ft.min(f);
            }
            if accepted && rel_step < self.step_tolerance {
                // The accepted trial was the last evaluation: theta, Sigma and the residuals
                // are already those of x.
                return Ok(FitInfo {
                    iterations: iter + 1,
                    fmin: f,
                });
            }
            if !accepted {
                // No decrease along the Newton direction: at the optimum within rounding.
                self.objective_at_x(sample, w, false)?;
                if decrement > tol::STALL_DECREMENT * (1.0 + f.abs()) {
                    break;
                }
                return Ok(FitInfo {
                    iterations: iter,
                    fmin: f,
                });
            }
        }
        let gmax = self.grad.iter().fold(0.0f64, |m, g| m.max(g.abs()));
        Err(SemError::NotConverged {
            iterations: tol::MAX_ITER,
            gradient: gmax,
        })
    }

    fn set_sample(&mut self, sample: &DMatrix<f64>, w: &[f64]) -> Result<(), SemError> {
        let p = self.st.p();
        if self.estimator == Estimator::Dwls && w.len() != self.st.pstar() {
            return Err(SemError::BadInput {
                what: format!("DWLS needs {} weights, got {}", self.st.pstar(), w.len()),
            });
        }
        for c in 0..p {
            for r in c..p {
                self.s_vech[vech_index(p, r, c)] = sample[(r, c)];
            }
        }
        if self.estimator == Estimator::Ml {
            self.logdet_s = spd_logdet_inverse(sample, &mut self.chol, &mut self.sigma_inv)
                .ok_or_else(|| SemError::NotPositiveDefinite {
                    what: "sample covariance matrix S (ML needs log|S|)".to_string(),
                })?;
        }
        Ok(())
    }

    /// The objective at given full free parameters (tied parameters take the first value).
    pub fn objective_at(
        &mut self,
        sample: &DMatrix<f64>,
        w: &[f64],
        theta: &[f64],
    ) -> Result<f64, SemError> {
        self.set_sample(sample, w)?;
        self.red.reduce(theta, &mut self.x);
        self.objective_at_x(sample, w, false)
    }

    /// Evaluates Sigma and the objective at `self.x` (sets `self.theta`).
    pub(super) fn objective_at_x(
        &mut self,
        sample: &DMatrix<f64>,
        w: &[f64],
        trial: bool,
    ) -> Result<f64, SemError> {
        self.red.expand(&self.x, &mut self.theta);
        self.ws.evaluate(&self.st, &self.theta, sample)?;
        let p = self.st.p();
        for c in 0..p {
            for r in c..p {
                let a = vech_index(p, r, c);
                self.resid[a] = self.s_vech[a] - self.ws.sigma[(r, c)];
            }
        }
        match self.estimator {
            Estimator::Dwls => Ok(self.resid.iter().zip(w).map(|(r, w)| w * r * r).sum()),
            Estimator::Ml => {
                let logdet =
                    spd_logdet_inverse(&self.ws.sigma, &mut self.chol, &mut self.sigma_inv)
                        .ok_or_else(|| SemError::NotPositiveDefinite {
                            what: if trial {
                                "trial implied covariance"
                            } else {
                                "model-implied covariance matrix"
                            }
                            .to_string(),
                        })?;
                let mut tr = 0.0;
                for i in 0..p {
                    for k in 0..p {
                        tr += sample[(i, k)] * self.sigma_inv[(k, i)];
                    }
                }
                Ok(logdet + tr - self.logdet_s - p as f64)
            }
        }
    }

    /// Gradient -2 J'W r and Gauss-Newton Hessian 2 J'W J over the optimiser variables, at
    /// the Sigma of the last objective evaluation.
    pub(super) fn gradient_and_hessian(
        &mut self,
        _sample: &DMatrix<f64>,
        w: &[f64],
    ) -> Result<(), SemError> {
        self.ws.compute_delta(&self.st);
        let pstar = self.st.pstar();
        let nv = self.red.n_vars;
        self.jac.fill(0.0);
        {
            let delta = self.ws.delta.as_slice();
            let jac = self.jac.as_mut_slice();
            for (k, &v) in self.red.var_of.iter().enumerate() {
                let (src, dst) = (
                    &delta[k * pstar..(k + 1) * pstar],
                    &mut jac[v * pstar..(v + 1) * pstar],
                );
                for (d, s) in dst.iter_mut().zip(src) {
                    *d += s;
                }
            }
        }
        match self.estimator {
            Estimator::Dwls => {
                for (a, &wa) in w.iter().enumerate().take(pstar) {
                    self.wr[a] = wa * self.resid[a];
                }
                let (jac, wj) = (self.jac.as_slice(), self.wj.as_mut_slice());
                for j in 0..nv {
                    let col = &jac[j * pstar..(j + 1) * pstar];
                    for ((out, x), wa) in wj[j * pstar..(j + 1) * pstar].iter_mut().zip(col).zip(w)
                    {
                        *out = wa * x;
                    }
                }
            }
            Estimator::Ml => {
                fill_ml_weight(&self.sigma_inv, &mut self.w_ml);
                self.w_ml.mul_to(&self.jac, &mut self.wj);
                for a in 0..pstar {
                    self.wr[a] = (0..pstar).map(|b| self.w_ml[(a, b)] * self.resid[b]).sum();
                }
            }
        }
        let dot = |x: &[f64], y: &[f64]| x.iter().zip(y).map(|(a, b)| a * b).sum::<f64>();
        let (jac, wj) = (self.jac.as_slice(), self.wj.as_slice());
        for j in 0..nv {
            let jc = &jac[j * pstar..(j + 1) * pstar];
            self.grad[j] = -2.0 * dot(jc, &self.wr[..pstar]);
            for l in 0..=j {
                let h = 2.0 * dot(jc, &wj[l * pstar..(l + 1) * pstar]);
                self.hess[j * nv + l] = h;
                self.hess[l * nv + j] = h;
            }
        }
        Ok(())
    }

    /// Newton step on the variables not held at a bound; returns the decrement -g'd.
    fn solve_step(&mut self) -> Result<f64, SemError> {
        let nv = self.red.n_vars;
        for j in 0..nv {
            let at_lower = self.x[j] <= self.red.lower[j] && self.grad[j] > 0.0;
            let at_upper = self.x[j] >= self.red.upper[j] && self.grad[j] < 0.0;
            self.active[j] = at_lower || at_upper;
        }
        self.idx.clear();
        self.idx.extend((0..nv).filter(|&j| !self.active[j]));
        let m = self.idx.len();
        let mut damping = 0.0;
        for attempt in 0..12 {
            for (a, &ja) in self.idx.iter().enumerate() {
                for (b, &jb) in self.idx.iter().enumerate() {
                    self.sub_h[a * m + b] = self.hess[ja * nv + jb];
                }
                self.sub_h[a * m + a] *= 1.0 + damping;
                self.sub_g[a] = -self.grad[ja];
            }
            if cholesky_solve(&mut self.sub_h, m, m, &mut self.sub_g[..m]) {
                self.step.fill(0.0);
                for (a, &ja) in self.idx.iter().enumerate() {
                    self.step[ja] = self.sub_g[a];
                }
                return Ok(-self
                    .grad
                    .iter()
                    .zip(&self.step)
                    .map(|(g, d)| g * d)
                    .sum::<f64>());
            }
            damping = if attempt == 0 { 1e-8 } else { damping * 10.0 };
        }
        let bad = (0..nv).find(|&j| self.hess[j * nv + j] <= 0.0);
        Err(SemError::NotIdentified {
            detail: match bad {
                Some(j) => format!(
                    "free parameter {} has no information (singular information matrix)",
                    j + 1
                ),
                None => "the information matrix is singular".to_string(),
            },
        })
    }
}
