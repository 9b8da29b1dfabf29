//! First and second derivatives of the written-out model's implied moments (its Jacobian,
//! which is also the sandwich's Delta, and the curvature term of the Newton Hessian).

use super::{CommonFit, Slot};

impl CommonFit {
    /// Jacobian of the implied moments (pstar x n_free, column-major) at `self.x`, after
    /// `objective` was evaluated there. Every entry that can be non-zero is overwritten on
    /// each call (which entries those are depends only on which quantities are free), so the
    /// others keep the zeros of [`CommonFit::new`] and an absorbed residual variance's column
    /// its moment's unit vector, written there once.
    pub(super) fn jacobian(&mut self) {
        let pstar = self.moments.len();
        let x = &self.x;
        let (b, v) = (self.b.value(x), self.v.value(x));
        let phi = b * b * v + self.psi.value(x);
        let jac = self.jac.as_mut_slice();
        let mut set = |slot: Slot, a: usize, d: f64| {
            if let Slot::Free(j) = slot {
                jac[j * pstar + a] = d;
            }
        };
        for (a, &(r, c)) in self.moments.iter().enumerate() {
            match (r, c) {
                (0, 0) => set(self.v, a, 1.0),
                (t, 0) | (0, t) => {
                    let l = self.l[t - 1];
                    set(self.loading[t - 1], a, b * v);
                    set(self.b, a, l * v);
                    set(self.v, a, l * b);
                }
                (i, j) => {
                    let (li, lj) = (self.l[i - 1], self.l[j - 1]);
                    if i == j {
                        set(self.loading[i - 1], a, 2.0 * li * phi);
                    } else {
                        set(self.loading[i - 1], a, lj * phi);
                        set(self.loading[j - 1], a, li * phi);
                    }
                    set(self.b, a, 2.0 * li * lj * b * v);
                    set(self.psi, a, li * lj);
                    set(self.v, a, li * lj * b * b);
                }
            }
        }
    }

    /// Adds -2 sum_a w_a r_a d2 sigma_a / dtheta dtheta' to `self.hess` (at `self.x`, kept
    /// parameters; the absorbed moments have w_a = 0 here and add nothing).
    pub(super) fn add_curvature(&mut self) {
        let n = self.kept.len();
        let x = &self.x;
        let (b, v) = (self.b.value(x), self.v.value(x));
        let phi = b * b * v + self.psi.value(x);
        let at = &self.at;
        let hess = &mut self.hess[..n * n];
        let mut add = |p: Option<usize>, q: Option<usize>, d: f64| {
            if let (Some(p), Some(q)) = (p, q) {
                hess[p * n + q] += d;
                if p != q {
                    hess[q * n + p] += d;
                }
            }
        };
        for (a, &(r, c)) in self.moments.iter().enumerate() {
            let cw = -2.0 * self.w_fit[a] * self.resid[a];
            if cw == 0.0 {
                continue;
            }
            match (r, c) {
                (0, 0) => {}
                (t, 0) | (0, t) => {
                    let (lt, l) = (at.loading[t - 1], self.l[t - 1]);
                    add(lt, at.b, cw * v);
                    add(lt, at.v, cw * b);
                    add(at.b, at.v, cw * l);
                }
                (i, j) => {
                    let (li, lj) = (self.l[i - 1], self.l[j - 1]);
                    let (si, sj) = (at.loading[i - 1], at.loading[j - 1]);
                    if i == j {
                        add(si, si, cw * 2.0 * phi);
                    } else {
                        add(si, sj, cw * phi);
                    }
                    for (s, other) in [(si, lj), (sj, li)] {
                        add(s, at.b, cw * 2.0 * other * b * v);
                        add(s, at.psi, cw * other);
                        add(s, at.v, cw * other * b * b);
                    }
                    add(at.b, at.b, cw * 2.0 * li * lj * v);
                    add(at.b, at.v, cw * 2.0 * li * lj * b);
                }
            }
        }
    }
}

/// Each quantity's position among the kept (Newton) parameters: `None` when it is fixed or
/// absorbed.
#[derive(Debug, Clone)]
pub(super) struct KeptAt {
    pub loading: Vec<Option<usize>>,
    pub b: Option<usize>,
    pub psi: Option<usize>,
    pub v: Option<usize>,
}

impl KeptAt {
    pub fn new(loading: &[Slot], [b, psi, v]: [Slot; 3], kept: &[usize], n_free: usize) -> KeptAt {
        let mut position = vec![None; n_free];
        for (p, &j) in kept.iter().enumerate() {
            position[j] = Some(p);
        }
        let of = |s: Slot| match s {
            Slot::Free(j) => position[j],
            Slot::Fixed(_) => None,
        };
        KeptAt {
            loading: loading.iter().map(|&s| of(s)).collect(),
            b: of(b),
            psi: of(psi),
            v: of(v),
        }
    }
}
