//! commonfactorGWAS's per-SNP fit under DWLS with its model written out. The model is always
//! the same: one factor over the k traits, regressed on the SNP, so the implied moments are
//!   Var(SNP) = v,  Cov(T_i, SNP) = l_i b v,  Cov(T_i, T_j) = l_i l_j (b^2 v + psi) + [i = j] th_i,
//! and their derivatives are a few products. Gauss-Newton steps on these cost a fraction of the
//! general fitter's (which builds the model matrices and Delta for any model), with the same
//! objective, start and stopping rule, so both stop at the same optimum within the GWAS step
//! tolerance. Anything unusual (a failed factorisation, slow contraction, no convergence)
//! returns `None` and the caller uses the general fitter.

use crate::sem::linalg::cholesky_solve;
use crate::sem::line_search::backtrack;
use crate::sem::matrices::vech_index;
use crate::sem::optimiser_tolerances::{
    FINAL_REGION, GWAS_SLOW_RATIO, GWAS_STEP, STALL_DECREMENT, STEP_FLOOR,
};
use crate::sem::partable::ParOp;
use crate::sem::{Estimator, Model};

use nalgebra::DMatrix;

/// Gauss-Newton iterations before handing over to the general fitter (these fits need 3-8).
const MAX_ITERATIONS: usize = 50;

/// A quantity of the model: a free parameter (its index) or a fixed value.
#[derive(Debug, Clone, Copy)]
enum Slot {
    Free(usize),
    Fixed(f64),
}

impl Slot {
    #[inline]
    fn value(self, x: &[f64]) -> f64 {
        match self {
            Slot::Free(j) => x[j],
            Slot::Fixed(v) => v,
        }
    }
}

#[derive(Debug, Clone)]
pub struct CommonFit {
    loading: Vec<Slot>,
    residual: Vec<Slot>,
    b: Slot,
    psi: Slot,
    v: Slot,
    n_free: usize,
    /// For each moment in lavaan's vech order, its two variables among the caller's (0 = SNP,
    /// 1 + i = trait i).
    moments: Vec<(usize, usize)>,
    s: Vec<f64>,
    resid: Vec<f64>,
    l: Vec<f64>,
    th: Vec<f64>,
    jac: Vec<f64>,
    hess: Vec<f64>,
    hess_gn: Vec<f64>,
    grad: Vec<f64>,
    step: Vec<f64>,
    x: Vec<f64>,
    x_try: Vec<f64>,
}

impl CommonFit {
    /// The layout of commonfactorGWAS's model (`traits` in the caller's order after the SNP),
    /// or `None` when the model is not exactly that one under DWLS (then the general fitter is
    /// used throughout).
    pub fn new(model: &Model, traits: &[String], snp: &str) -> Option<CommonFit> {
        let red = &model.fitter.red;
        let bounded = red.lower.iter().chain(&red.upper).any(|b| b.is_finite());
        if model.estimator() != Estimator::Dwls || model.npar() != model.pt.n_free() || bounded {
            return None;
        }
        let rows = &model.pt.rows;
        let find = |lhs: &str, op: ParOp, rhs: &str| {
            rows.iter()
                .position(|r| r.op == op && r.lhs == lhs && r.rhs == rhs)
        };
        let slot = |row: Option<usize>| -> Option<Slot> {
            let r = &rows[row?];
            if r.exo {
                return None;
            }
            match r.free {
                0 => r.ustart.map(Slot::Fixed),
                f => Some(Slot::Free(f - 1)),
            }
        };
        let mut loading = Vec::new();
        let mut residual = Vec::new();
        for t in traits {
            loading.push(slot(find("F1", ParOp::Measure, t))?);
            residual.push(slot(find(t, ParOp::Covary, t))?);
            if !matches!(slot(find(t, ParOp::Regress, snp))?, Slot::Fixed(v) if v == 0.0) {
                return None;
            }
        }
        let b = slot(find("F1", ParOp::Regress, snp))?;
        let psi = slot(find("F1", ParOp::Covary, "F1"))?;
        let v = slot(find(snp, ParOp::Covary, snp))?;
        let n_free = model.pt.n_free();
        // Every free parameter must be one of these quantities, each once.
        let mut seen = vec![0usize; n_free];
        for s in loading.iter().chain(&residual).chain([&b, &psi, &v]) {
            if let Slot::Free(j) = s {
                seen[*j] += 1;
            }
        }
        if seen.iter().any(|&c| c != 1) {
            return None;
        }
        let p = model.ov_in_input.len();
        if p != traits.len() + 1 {
            return None;
        }
        let mut moments = vec![(0, 0); p * (p + 1) / 2];
        for c in 0..p {
            for r in c..p {
                moments[vech_index(p, r, c)] = (model.ov_in_input[r], model.ov_in_input[c]);
            }
        }
        let k = traits.len();
        let pstar = moments.len();
        Some(CommonFit {
            loading,
            residual,
            b,
            psi,
            v,
            n_free,
            moments,
            s: vec![0.0; pstar],
            resid: vec![0.0; pstar],
            l: vec![0.0; k],
            th: vec![0.0; k],
            jac: vec![0.0; pstar * n_free],
            hess: vec![0.0; n_free * n_free],
            hess_gn: vec![0.0; n_free * n_free],
            grad: vec![0.0; n_free],
            step: vec![0.0; n_free],
            x: vec![0.0; n_free],
            x_try: vec![0.0; n_free],
        })
    }

    /// Residuals s - sigma and the DWLS objective at `x` (into `self.resid`).
    fn objective(&mut self, w: &[f64], use_trial: bool) -> f64 {
        let x = if use_trial { &self.x_try } else { &self.x };
        for (i, (l, th)) in self.l.iter_mut().zip(self.th.iter_mut()).enumerate() {
            *l = self.loading[i].value(x);
            *th = self.residual[i].value(x);
        }
        let (b, psi, v) = (self.b.value(x), self.psi.value(x), self.v.value(x));
        let phi = b * b * v + psi;
        let mut f = 0.0;
        for (a, &(r, c)) in self.moments.iter().enumerate() {
            let sigma = match (r, c) {
                (0, 0) => v,
                (t, 0) | (0, t) => self.l[t - 1] * b * v,
                (i, j) => {
                    let own = if i == j { self.th[i - 1] } else { 0.0 };
                    self.l[i - 1] * self.l[j - 1] * phi + own
                }
            };
            let e = self.s[a] - sigma;
            self.resid[a] = e;
            f += w[a] * e * e;
        }
        f
    }

    /// Jacobian of the implied moments (pstar x n_free, column-major) at `self.x`, after
    /// `objective` was evaluated there.
    fn jacobian(&mut self) {
        let pstar = self.moments.len();
        self.jac.fill(0.0);
        let x = &self.x;
        let (b, v) = (self.b.value(x), self.v.value(x));
        let phi = b * b * v + self.psi.value(x);
        let jac = &mut self.jac;
        let mut add = |slot: Slot, a: usize, d: f64| {
            if let Slot::Free(j) = slot {
                jac[j * pstar + a] += d;
            }
        };
        for (a, &(r, c)) in self.moments.iter().enumerate() {
            match (r, c) {
                (0, 0) => add(self.v, a, 1.0),
                (t, 0) | (0, t) => {
                    let l = self.l[t - 1];
                    add(self.loading[t - 1], a, b * v);
                    add(self.b, a, l * v);
                    add(self.v, a, l * b);
                }
                (i, j) => {
                    let (li, lj) = (self.l[i - 1], self.l[j - 1]);
                    add(self.loading[i - 1], a, lj * phi);
                    add(self.loading[j - 1], a, li * phi);
                    add(self.b, a, 2.0 * li * lj * b * v);
                    add(self.psi, a, li * lj);
                    add(self.v, a, li * lj * b * b);
                    if i == j {
                        add(self.residual[i - 1], a, 1.0);
                    }
                }
            }
        }
    }

    /// Gauss-Newton step from the gradient -2 J'W r and Hessian 2 J'WJ; returns the
    /// decrement -g'd, or `None` when J'WJ is not positive definite.
    fn newton_step(&mut self, w: &[f64]) -> Option<f64> {
        let (pstar, n) = (self.moments.len(), self.n_free);
        for j in 0..n {
            let cj = &self.jac[j * pstar..(j + 1) * pstar];
            let mut g = 0.0;
            for a in 0..pstar {
                g += cj[a] * w[a] * self.resid[a];
            }
            self.grad[j] = -2.0 * g;
            for l in 0..=j {
                let cl = &self.jac[l * pstar..(l + 1) * pstar];
                let mut h = 0.0;
                for a in 0..pstar {
                    h += cj[a] * w[a] * cl[a];
                }
                self.hess[j * n + l] = 2.0 * h;
                self.hess[l * n + j] = 2.0 * h;
            }
        }
        // Newton: the Hessian also has -2 sum_a w_a r_a (second derivatives of sigma_a), which
        // makes the convergence quadratic where Gauss-Newton's is linear (these fits have
        // residuals: df > 0). Gauss-Newton where that Hessian is not positive definite.
        self.hess_gn.copy_from_slice(&self.hess);
        self.add_curvature(w);
        for j in 0..n {
            self.step[j] = -self.grad[j];
        }
        if !cholesky_solve(&mut self.hess, n, n, &mut self.step) {
            self.hess.copy_from_slice(&self.hess_gn);
            for j in 0..n {
                self.step[j] = -self.grad[j];
            }
            if !cholesky_solve(&mut self.hess, n, n, &mut self.step) {
                return None;
            }
        }
        Some(
            -self
                .grad
                .iter()
                .zip(&self.step)
                .map(|(g, d)| g * d)
                .sum::<f64>(),
        )
    }

    /// Adds -2 sum_a w_a r_a d2 sigma_a / dtheta dtheta' to `self.hess` (at `self.x`).
    fn add_curvature(&mut self, w: &[f64]) {
        let n = self.n_free;
        let x = &self.x;
        let (b, v) = (self.b.value(x), self.v.value(x));
        let phi = b * b * v + self.psi.value(x);
        let hess = &mut self.hess;
        let mut add = |s1: Slot, s2: Slot, d: f64| {
            if let (Slot::Free(j), Slot::Free(l)) = (s1, s2) {
                hess[j * n + l] += d;
                if j != l {
                    hess[l * n + j] += d;
                }
            }
        };
        for (a, &(r, c)) in self.moments.iter().enumerate() {
            let cw = -2.0 * w[a] * self.resid[a];
            match (r, c) {
                (0, 0) => {}
                (t, 0) | (0, t) => {
                    let (lt, l) = (self.loading[t - 1], self.l[t - 1]);
                    add(lt, self.b, cw * v);
                    add(lt, self.v, cw * b);
                    add(self.b, self.v, cw * l);
                }
                (i, j) => {
                    let (li, lj) = (self.l[i - 1], self.l[j - 1]);
                    let (si, sj) = (self.loading[i - 1], self.loading[j - 1]);
                    if i == j {
                        add(si, si, cw * 2.0 * phi);
                    } else {
                        add(si, sj, cw * phi);
                    }
                    for (s, other) in [(si, lj), (sj, li)] {
                        add(s, self.b, cw * 2.0 * other * b * v);
                        add(s, self.psi, cw * other);
                        add(s, self.v, cw * other * b * b);
                    }
                    add(self.b, self.b, cw * 2.0 * li * lj * v);
                    add(self.b, self.v, cw * 2.0 * li * lj * b);
                }
            }
        }
    }

    /// Fits to `s_full` (SNP first, then the traits) with DWLS weights `w` (lavaan's moment
    /// order) from the full free parameters `start`; the estimates, or `None` to leave the
    /// fit to the general fitter.
    pub fn fit(&mut self, s_full: &DMatrix<f64>, w: &[f64], start: &[f64]) -> Option<&[f64]> {
        if start.len() != self.n_free || w.len() != self.moments.len() {
            return None;
        }
        for (a, &(r, c)) in self.moments.iter().enumerate() {
            self.s[a] = s_full[(r, c)];
        }
        self.x.copy_from_slice(start);
        let mut f = self.objective(w, false);
        let mut previous = f64::INFINITY;
        for iter in 0..MAX_ITERATIONS {
            if !f.is_finite() {
                return None;
            }
            self.jacobian();
            let decrement = self.newton_step(w)?;
            if decrement <= 0.0 {
                return Some(&self.x);
            }
            // The general fitter turns to Newton steps here; so does the caller.
            if iter >= 2 && decrement > GWAS_SLOW_RATIO * previous {
                return None;
            }
            previous = decrement;
            let rel_step = self
                .x
                .iter()
                .zip(&self.step)
                .fold(0.0f64, |m, (x, d)| m.max(d.abs() / x.abs().max(STEP_FLOOR)));
            let final_region = rel_step < FINAL_REGION;
            let accepted = backtrack(f, decrement, final_region, |alpha| {
                for j in 0..self.n_free {
                    self.x_try[j] = self.x[j] + alpha * self.step[j];
                }
                Some(self.objective(w, true))
            });
            if let Some(ft) = accepted {
                std::mem::swap(&mut self.x, &mut self.x_try);
                f = ft.min(f);
            } else {
                // Residuals are those of the last trial: restore them at x.
                f = self.objective(w, false);
                return (decrement <= STALL_DECREMENT * (1.0 + f.abs())).then_some(&self.x[..]);
            }
            if rel_step < GWAS_STEP {
                return Some(&self.x);
            }
        }
        None
    }
}
