//! `A = Q T Q'` of the working kernel `A_w = Dw^1/2 K Dw^1/2` by faer's blocked Householder
//! reduction (the first half of its eigen solver), Q kept as reflectors. The working REML needs
//! only `Q' v`, `Q v`, T's eigenvalues (log-determinant, trace) and solves with `I + tau T`
//! (O(m) each), so the eigenvector half of the eigendecomposition (the back-transformation, about
//! half its cost and all of its memory traffic) is never paid (issue 16).

use crate::single_cell::eigen::parallelism;
use faer::diag::{DiagMut, DiagRef};
use faer::dyn_stack::{MemBuffer, MemStack, StackReq};
use faer::linalg::evd::tridiag::{tridiag_in_place, tridiag_in_place_scratch};
use faer::linalg::evd::{
    self_adjoint_evd_scratch, tridiagonal_self_adjoint_evd, ComputeEigenvectors,
};
use faer::linalg::householder::{
    apply_block_householder_sequence_on_the_left_in_place_scratch,
    apply_block_householder_sequence_on_the_left_in_place_with_conj,
    apply_block_householder_sequence_transpose_on_the_left_in_place_scratch,
    apply_block_householder_sequence_transpose_on_the_left_in_place_with_conj,
};
use faer::linalg::qr::no_pivoting::factor::recommended_block_size;
use faer::{Conj, MatMut, MatRef};

pub(super) struct Tridiagonal {
    m: usize,
    /// The reduced matrix: reflectors below the subdiagonal (faer's layout, m x m).
    reflectors: Vec<f64>,
    /// Block reflector factors (`block` x (m - 1)).
    factors: Vec<f64>,
    block: usize,
    /// T: diagonal (m) and subdiagonal (m - 1, then a 0).
    diag: Vec<f64>,
    sub: Vec<f64>,
}

/// `I + tau T = L D L'` (unit lower bidiagonal L): `pivot` = D, `lower` = L's subdiagonal.
pub(super) struct ShiftedFactor {
    pivot: Vec<f64>,
    lower: Vec<f64>,
}

impl Tridiagonal {
    /// Reduce the symmetric m x m `a` (column-major, consumed); also returns T's eigenvalues
    /// (ascending). `None` on non-finite input or if the eigenvalue iteration fails.
    pub fn reduce(mut a: Vec<f64>, m: usize) -> Option<(Tridiagonal, Vec<f64>)> {
        if m < 2 || a.len() != m * m || a.iter().any(|v| !v.is_finite()) {
            return None;
        }
        let par = parallelism();
        let block = recommended_block_size::<f64>(m, m);
        let mut factors = vec![0.0; block * (m - 1)];
        let scratch = StackReq::any_of(&[
            tridiag_in_place_scratch::<f64>(m, par, Default::default()),
            self_adjoint_evd_scratch::<f64>(m, ComputeEigenvectors::No, par, Default::default()),
        ]);
        let mut buffer = MemBuffer::try_new(scratch).ok()?;
        tridiag_in_place(
            MatMut::from_column_major_slice_mut(&mut a, m, m),
            MatMut::from_column_major_slice_mut(&mut factors, block, m - 1),
            par,
            MemStack::new(&mut buffer),
            Default::default(),
        );
        let diag: Vec<f64> = (0..m).map(|i| a[i + i * m]).collect();
        let sub: Vec<f64> =
            (0..m).map(|i| if i + 1 < m { a[i + 1 + i * m] } else { 0.0 }).collect();
        let mut values = vec![0.0; m];
        tridiagonal_self_adjoint_evd(
            DiagRef::from_slice(&diag),
            DiagRef::from_slice(&sub),
            DiagMut::from_slice_mut(&mut values),
            None,
            par,
            MemStack::new(&mut buffer),
            Default::default(),
        )
        .ok()?;
        let t = Tridiagonal { m, reflectors: a, factors, block, diag, sub };
        Some((t, values))
    }

    fn basis(&self) -> MatRef<'_, f64> {
        MatRef::from_column_major_slice(&self.reflectors, self.m, self.m).submatrix(
            1,
            0,
            self.m - 1,
            self.m - 1,
        )
    }

    /// `v <- Q' v` (`transpose`) or `v <- Q v` for the k columns of v (m x k column-major).
    pub fn apply(&self, v: &mut [f64], k: usize, transpose: bool) -> Option<()> {
        let m = self.m;
        let scratch = if transpose {
            apply_block_householder_sequence_transpose_on_the_left_in_place_scratch::<f64>
        } else {
            apply_block_householder_sequence_on_the_left_in_place_scratch::<f64>
        };
        let mut buffer = MemBuffer::try_new(scratch(m - 1, self.block, k)).ok()?;
        let factors = MatRef::from_column_major_slice(&self.factors, self.block, m - 1);
        // Q = diag(1, Q1): the first row is untouched.
        let rows = MatMut::from_column_major_slice_mut(v, m, k).subrows_mut(1, m - 1);
        let stack = MemStack::new(&mut buffer);
        if transpose {
            apply_block_householder_sequence_transpose_on_the_left_in_place_with_conj(
                self.basis(),
                factors,
                Conj::No,
                rows,
                parallelism(),
                stack,
            );
        } else {
            apply_block_householder_sequence_on_the_left_in_place_with_conj(
                self.basis(),
                factors,
                Conj::No,
                rows,
                parallelism(),
                stack,
            );
        }
        Some(())
    }

    /// `out = T x`.
    pub fn mul(&self, x: &[f64], out: &mut [f64]) {
        let (d, s) = (&self.diag, &self.sub);
        for i in 0..self.m {
            let mut v = d[i] * x[i];
            if i > 0 {
                v += s[i - 1] * x[i - 1];
            }
            if i + 1 < self.m {
                v += s[i] * x[i + 1];
            }
            out[i] = v;
        }
    }

    /// `L D L'` of `I + tau T`. For T positive semi-definite every pivot is >= 1 (interlacing);
    /// `None` if one is not positive (T indefinite beyond rounding) or not finite.
    pub fn factor(&self, tau: f64) -> Option<ShiftedFactor> {
        let m = self.m;
        let mut pivot = vec![0.0; m];
        let mut lower = vec![0.0; m];
        let mut prev = 0.0;
        for i in 0..m {
            let mut d = 1.0 + tau * self.diag[i];
            if i > 0 {
                let e = tau * self.sub[i - 1];
                lower[i - 1] = e / prev;
                d -= lower[i - 1] * e;
            }
            if !(d > 0.0 && d.is_finite()) {
                return None;
            }
            pivot[i] = d;
            prev = d;
        }
        Some(ShiftedFactor { pivot, lower })
    }
}

impl ShiftedFactor {
    /// `x <- (I + tau T)^-1 x`.
    pub fn solve(&self, x: &mut [f64]) {
        let m = self.pivot.len();
        for i in 1..m {
            x[i] -= self.lower[i - 1] * x[i - 1];
        }
        x.iter_mut().zip(&self.pivot).for_each(|(v, d)| *v /= d);
        for i in (0..m - 1).rev() {
            x[i] -= self.lower[i] * x[i + 1];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reduction_reproduces_the_matrix_and_solves() {
        let m = 37;
        let mut seed = 7u64;
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 11) as f64 / (1u64 << 53) as f64 - 0.5
        };
        let b: Vec<f64> = (0..m * m).map(|_| next()).collect();
        let mut a = vec![0.0; m * m];
        for i in 0..m {
            for j in 0..m {
                a[i + j * m] = (0..m).map(|k| b[i + k * m] * b[j + k * m]).sum();
            }
        }
        let (t, values) = Tridiagonal::reduce(a.clone(), m).unwrap();
        let trace: f64 = (0..m).map(|i| a[i + i * m]).sum();
        assert!((values.iter().sum::<f64>() - trace).abs() < 1e-10 * trace);
        // Q T Q' e_j = A e_j.
        for j in [0, 5, m - 1] {
            let mut e = vec![0.0; m];
            e[j] = 1.0;
            t.apply(&mut e, 1, true).unwrap();
            let mut te = vec![0.0; m];
            t.mul(&e, &mut te);
            t.apply(&mut te, 1, false).unwrap();
            for i in 0..m {
                assert!((te[i] - a[i + j * m]).abs() < 1e-12 * trace);
            }
        }
        // (I + tau T) (I + tau T)^-1 x = x.
        let tau = 3.7;
        let x: Vec<f64> = (0..m).map(|i| (i as f64).sin()).collect();
        let mut z = x.clone();
        t.factor(tau).unwrap().solve(&mut z);
        let mut tz = vec![0.0; m];
        t.mul(&z, &mut tz);
        for i in 0..m {
            assert!((z[i] + tau * tz[i] - x[i]).abs() < 1e-12);
        }
    }
}
