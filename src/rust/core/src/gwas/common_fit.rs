//! commonfactorGWAS's per-SNP fit under DWLS with its model written out. The model is always
//! the same: one factor over the k traits, regressed on the SNP, so the implied moments are
//!   Var(SNP) = v,  Cov(T_i, SNP) = l_i b v,  Cov(T_i, T_j) = l_i l_j (b^2 v + psi) + [i = j] th_i,
//! and their derivatives are a few products. Newton steps on these (chord steps near the
//! optimum, `steps.rs`) cost a fraction of the general fitter's (which builds the model
//! matrices and Delta for any model), with the same objective, start and stopping rule, so
//! both stop at the same optimum within the GWAS step tolerance. Anything unusual (a failed factorisation, slow contraction, no convergence)
//! returns `None` and the caller uses the general fitter.

use crate::sem::line_search::backtrack;
use crate::sem::matrices::vech_index;
use crate::sem::optimiser_tolerances::{
    FINAL_REGION, GWAS_SLOW_RATIO, GWAS_STEP, STALL_DECREMENT, STEP_FLOOR,
};
use crate::sem::partable::{ParOp, ParRow};
use crate::sem::{Estimator, Model};

use nalgebra::DMatrix;

mod derivatives;
mod steps;

use derivatives::KeptAt;

/// Newton iterations before handing over to the general fitter (these fits need 3-8).
const MAX_ITERATIONS: usize = 50;
/// After a step this small (relative), the next reuses the last Hessian's factors (a chord
/// step): the Hessian has changed by about this fraction, so the step differs from Newton's
/// by about as much of itself, and near the optimum that step is the last, tiny one.
const CHORD_REGION: f64 = 1e-4;

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
    /// d sigma / d theta (pstar x n_free), lavaan's moment order: Delta.
    jac: DMatrix<f64>,
    hess: Vec<f64>,
    hess_gn: Vec<f64>,
    grad: Vec<f64>,
    step: Vec<f64>,
    x: Vec<f64>,
    x_try: Vec<f64>,
    /// (free index, moment) of each free residual variance: its Delta column is that
    /// moment's unit vector. `kept`: the other free parameters.
    absorbed: Vec<(usize, usize)>,
    kept: Vec<usize>,
    /// Each quantity's position among `kept` (the Newton Hessian's rows).
    at: KeptAt,
    /// The weights with the absorbed moments' set to 0 (their residuals are 0 by construction).
    w_fit: Vec<f64>,
    absorbed_row: Vec<bool>,
    /// w o J for the kept columns (pstar x kept, column-major).
    wj: Vec<f64>,
}

impl CommonFit {
    /// The layout of a one-factor model of this shape (`traits` in the caller's order after
    /// the SNP): commonfactorGWAS's, or a userGWAS model such as `F1 =~ T1 + ... ; F1 ~ SNP`
    /// with any of its quantities fixed (its measurement part under `fix_measurement`).
    /// `None` when the model is anything else or not under DWLS (then the general fitter is
    /// used throughout): every row of the table must be one of the quantities above, or a
    /// direct effect `T ~ SNP` fixed at 0.
    pub fn new(model: &Model, traits: &[String], snp: &str) -> Option<CommonFit> {
        let red = &model.fitter.red;
        let bounded = red.lower.iter().chain(&red.upper).any(|b| b.is_finite());
        if model.estimator() != Estimator::Dwls || model.npar() != model.pt.n_free() || bounded {
            return None;
        }
        let rows = &model.pt.rows;
        let [factor] = model.pt.names.lv.as_slice() else {
            return None;
        };
        let factor = factor.as_str();
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
        let recognised = |r: &ParRow| {
            let is_trait = |n: &str| traits.iter().any(|t| t == n);
            match r.op {
                ParOp::Measure => r.lhs == factor && is_trait(&r.rhs),
                ParOp::Regress => {
                    (r.lhs == factor && r.rhs == snp)
                        || (is_trait(&r.lhs)
                            && r.rhs == snp
                            && r.free == 0
                            && r.ustart == Some(0.0))
                }
                ParOp::Covary => {
                    r.lhs == r.rhs && (r.lhs == factor || r.lhs == snp || is_trait(&r.lhs))
                }
                _ => false,
            }
        };
        if !rows.iter().all(recognised) {
            return None;
        }
        let mut loading = Vec::new();
        let mut residual = Vec::new();
        for t in traits {
            loading.push(slot(find(factor, ParOp::Measure, t))?);
            residual.push(slot(find(t, ParOp::Covary, t))?);
        }
        let b = slot(find(factor, ParOp::Regress, snp))?;
        let psi = slot(find(factor, ParOp::Covary, factor))?;
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
        let absorbed: Vec<(usize, usize)> = (0..k)
            .filter_map(|t| match residual[t] {
                Slot::Free(j) => moments
                    .iter()
                    .position(|&m| m == (t + 1, t + 1))
                    .map(|a| (j, a)),
                Slot::Fixed(_) => None,
            })
            .collect();
        let kept: Vec<usize> = (0..n_free)
            .filter(|j| absorbed.iter().all(|&(a, _)| a != *j))
            .collect();
        let mut jac = DMatrix::zeros(pstar, n_free);
        for &(j, a) in &absorbed {
            jac[(a, j)] = 1.0;
        }
        let at = KeptAt::new(&loading, [b, psi, v], &kept, n_free);
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
            jac,
            hess: vec![0.0; n_free * n_free],
            hess_gn: vec![0.0; n_free * n_free],
            grad: vec![0.0; n_free],
            step: vec![0.0; n_free],
            x: vec![0.0; n_free],
            x_try: vec![0.0; n_free],
            kept,
            at,
            w_fit: vec![0.0; pstar],
            wj: vec![0.0; pstar * n_free],
            absorbed_row: (0..pstar)
                .map(|a| absorbed.iter().any(|&(_, r)| r == a))
                .collect(),
            absorbed,
        })
    }

    /// Residuals s - sigma and the DWLS objective at `x` (into `self.resid`), with the
    /// absorbed residual variances profiled out first.
    fn objective(&mut self, w: &[f64], use_trial: bool) -> f64 {
        self.load_quantities(use_trial);
        let x = if use_trial { &self.x_try } else { &self.x };
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
            let e = if self.absorbed_row[a] {
                0.0
            } else {
                self.s[a] - sigma
            };
            self.resid[a] = e;
            f += w[a] * e * e;
        }
        f
    }

    /// Loadings and residual variances at `x` (or the trial point) into `l` and `th`. A
    /// free residual variance th_t enters the moment (t, t) alone, so at the optimum over it
    /// that moment is reproduced exactly: it is set to s_tt - l_t^2 phi here (in `x` too), and
    /// the fit runs over the other parameters on the other moments.
    fn load_quantities(&mut self, use_trial: bool) {
        let x = if use_trial {
            &mut self.x_try
        } else {
            &mut self.x
        };
        for (i, (l, th)) in self.l.iter_mut().zip(self.th.iter_mut()).enumerate() {
            *l = self.loading[i].value(x);
            *th = self.residual[i].value(x);
        }
        let (b, psi, v) = (self.b.value(x), self.psi.value(x), self.v.value(x));
        let phi = b * b * v + psi;
        for &(j, a) in &self.absorbed {
            let t = self.moments[a].0 - 1;
            let th = self.s[a] - self.l[t] * self.l[t] * phi;
            x[j] = th;
            self.th[t] = th;
        }
    }

    /// Delta at the estimates of the last successful [`CommonFit::fit`], for the sandwich
    /// (the model's own, without evaluating the general model), with the free parameters
    /// whose column is one moment's unit vector (free index, moment) and the others.
    pub fn delta_at_solution(&mut self) -> (&DMatrix<f64>, &[(usize, usize)], &[usize]) {
        self.load_quantities(false);
        self.jacobian();
        (&self.jac, &self.absorbed, &self.kept)
    }

    /// The implied covariance matrix at the last [`CommonFit::delta_at_solution`], in the
    /// caller's order (SNP first), into `out`.
    pub fn implied_into(&self, out: &mut DMatrix<f64>) {
        let x = &self.x;
        let (b, v) = (self.b.value(x), self.v.value(x));
        let phi = b * b * v + self.psi.value(x);
        out[(0, 0)] = v;
        for i in 1..out.nrows() {
            let li = self.l[i - 1];
            out[(i, 0)] = li * b * v;
            out[(0, i)] = out[(i, 0)];
            for j in 1..=i {
                let own = if i == j { self.th[i - 1] } else { 0.0 };
                out[(i, j)] = li * self.l[j - 1] * phi + own;
                out[(j, i)] = out[(i, j)];
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
        for (a, wf) in self.w_fit.iter_mut().enumerate() {
            *wf = if self.absorbed_row[a] { 0.0 } else { w[a] };
        }
        self.x.copy_from_slice(start);
        let mut f = self.objective(w, false);
        let mut previous = f64::INFINITY;
        let mut chord = false;
        for iter in 0..MAX_ITERATIONS {
            if !f.is_finite() {
                return None;
            }
            self.jacobian();
            let decrement = if chord {
                self.chord_step()
            } else {
                self.newton_step()?
            };
            if decrement <= 0.0 {
                return Some(&self.x);
            }
            // The general fitter turns to Newton steps here; so does the caller.
            if iter >= 2 && decrement > GWAS_SLOW_RATIO * previous {
                return None;
            }
            previous = decrement;
            let rel_step = self.kept.iter().zip(&self.step).fold(0.0f64, |m, (&j, d)| {
                m.max(d.abs() / self.x[j].abs().max(STEP_FLOOR))
            });
            let final_region = rel_step < FINAL_REGION;
            chord = rel_step < CHORD_REGION;
            let accepted = backtrack(f, decrement, final_region, |alpha| {
                for (p, &j) in self.kept.iter().enumerate() {
                    self.x_try[j] = self.x[j] + alpha * self.step[p];
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
