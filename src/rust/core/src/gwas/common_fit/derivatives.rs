//! First and second derivatives of the written-out model's implied moments (its Jacobian,
//! which is also the sandwich's Delta, and the curvature term of the Newton Hessian).

use super::{CommonFit, Slot};

impl CommonFit {
    /// Jacobian of the implied moments (pstar x n_free, column-major) at `self.x`, after
    /// `objective` was evaluated there. Only the kept columns change: an absorbed residual
    /// variance's column is its moment's unit vector, written once by [`CommonFit::new`].
    pub(super) fn jacobian(&mut self) {
        let pstar = self.moments.len();
        for &j in &self.kept {
            self.jac.column_mut(j).fill(0.0);
        }
        let x = &self.x;
        let (b, v) = (self.b.value(x), self.v.value(x));
        let phi = b * b * v + self.psi.value(x);
        let jac = self.jac.as_mut_slice();
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
                }
            }
        }
    }

    /// Adds -2 sum_a w_a r_a d2 sigma_a / dtheta dtheta' to `self.hess` (at `self.x`, kept
    /// parameters; the absorbed moments have r_a = 0).
    pub(super) fn add_curvature(&mut self) {
        let n = self.kept.len();
        let x = &self.x;
        let w = &self.w_fit;
        let (b, v) = (self.b.value(x), self.v.value(x));
        let phi = b * b * v + self.psi.value(x);
        let hess = &mut self.hess;
        let kept_at = &self.kept_at;
        let mut add = |s1: Slot, s2: Slot, d: f64| {
            if let (Slot::Free(j), Slot::Free(l)) = (s1, s2) {
                let (j, l) = (kept_at[j], kept_at[l]);
                if j == usize::MAX || l == usize::MAX {
                    return;
                }
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
}
