//! Small dense helpers: vectorisable dot products, p x p Cholesky, and a faer product wrapper.

use faer::linalg::matmul::matmul;
use faer::{Accum, MatMut, MatRef, Par};

/// Dot product with four independent accumulators so that the compiler can vectorise it.
#[cfg(test)]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0.0f64; 4];
    let (ac, bc) = (a.chunks_exact(4), b.chunks_exact(4));
    let (ar, br) = (ac.remainder(), bc.remainder());
    for (x, y) in ac.zip(bc) {
        for k in 0..4 {
            acc[k] += x[k] * y[k];
        }
    }
    let mut tail = 0.0;
    for (x, y) in ar.iter().zip(br) {
        tail += x * y;
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

/// (u . c, v . c) in one pass over `c`.
#[inline]
pub(crate) fn dot2(u: &[f64], v: &[f64], c: &[f64]) -> (f64, f64) {
    let n = u.len().min(v.len()).min(c.len());
    let (u, v, c) = (&u[..n], &v[..n], &c[..n]);
    let mut acc_u = [0.0f64; 4];
    let mut acc_v = [0.0f64; 4];
    let (uc, vc, cc) = (u.chunks_exact(4), v.chunks_exact(4), c.chunks_exact(4));
    let (ur, vr, cr) = (uc.remainder(), vc.remainder(), cc.remainder());
    for ((x, y), z) in uc.zip(vc).zip(cc) {
        for k in 0..4 {
            acc_u[k] += x[k] * z[k];
            acc_v[k] += y[k] * z[k];
        }
    }
    let (mut tail_u, mut tail_v) = (0.0, 0.0);
    for ((x, y), z) in ur.iter().zip(vr).zip(cr) {
        tail_u += x * z;
        tail_v += y * z;
    }
    (
        (acc_u[0] + acc_u[1]) + (acc_u[2] + acc_u[3]) + tail_u,
        (acc_v[0] + acc_v[1]) + (acc_v[2] + acc_v[3]) + tail_v,
    )
}

/// In-place lower Cholesky factor of the p x p column-major matrix `a` (upper part ignored).
/// `false` if a pivot is not positive.
pub(crate) fn cholesky_in_place(a: &mut [f64], p: usize) -> bool {
    for j in 0..p {
        let mut d = a[j + j * p];
        for k in 0..j {
            d -= a[j + k * p] * a[j + k * p];
        }
        if !d.is_finite() || d <= 0.0 {
            return false;
        }
        let d = d.sqrt();
        a[j + j * p] = d;
        for i in (j + 1)..p {
            let mut s = a[i + j * p];
            for k in 0..j {
                s -= a[i + k * p] * a[j + k * p];
            }
            a[i + j * p] = s / d;
        }
    }
    true
}

/// Solve L L' x = b in place given the lower Cholesky factor `l`.
pub(crate) fn cholesky_solve(l: &[f64], p: usize, b: &mut [f64]) {
    for i in 0..p {
        let mut s = b[i];
        for k in 0..i {
            s -= l[i + k * p] * b[k];
        }
        b[i] = s / l[i + i * p];
    }
    for i in (0..p).rev() {
        let mut s = b[i];
        for k in (i + 1)..p {
            s -= l[k + i * p] * b[k];
        }
        b[i] = s / l[i + i * p];
    }
}

/// Full inverse (p x p column-major) from the lower Cholesky factor.
pub(crate) fn cholesky_inverse(l: &[f64], p: usize, inv: &mut [f64]) {
    for j in 0..p {
        let col = &mut inv[j * p..(j + 1) * p];
        col.iter_mut().for_each(|x| *x = 0.0);
        col[j] = 1.0;
        cholesky_solve(l, p, col);
    }
}

/// out (a_cols x b_cols) = A' B for column-major A (rows x a_cols) and B (rows x b_cols),
/// sequential: the callers already run in parallel over genes or own the whole pool.
pub(crate) fn matmul_transpose_left(
    out: &mut [f64],
    a: &[f64],
    rows: usize,
    a_cols: usize,
    b: &[f64],
    b_cols: usize,
    par: Par,
) {
    let lhs = MatRef::from_column_major_slice(&a[..rows * a_cols], rows, a_cols);
    let rhs = MatRef::from_column_major_slice(&b[..rows * b_cols], rows, b_cols);
    let dst = MatMut::from_column_major_slice_mut(&mut out[..a_cols * b_cols], a_cols, b_cols);
    matmul(dst, Accum::Replace, lhs.transpose(), rhs, 1.0, par);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dots_match_naive_sums() {
        let a: Vec<f64> = (0..11).map(|i| i as f64 * 0.5).collect();
        let b: Vec<f64> = (0..11).map(|i| 3.0 - i as f64).collect();
        let naive: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        assert!((dot(&a, &b) - naive).abs() < 1e-12);
        let (u, v) = dot2(&a, &b, &b);
        assert!((u - naive).abs() < 1e-12);
        assert!((v - b.iter().map(|x| x * x).sum::<f64>()).abs() < 1e-12);
    }

    #[test]
    fn cholesky_solves_and_inverts_a_known_system() {
        // [[4, 2], [2, 3]] has inverse [[3, -2], [-2, 4]] / 8.
        let mut l = vec![4.0, 2.0, 2.0, 3.0];
        assert!(cholesky_in_place(&mut l, 2));
        let mut inv = vec![0.0; 4];
        cholesky_inverse(&l, 2, &mut inv);
        let expected = [3.0 / 8.0, -2.0 / 8.0, -2.0 / 8.0, 4.0 / 8.0];
        for (x, y) in inv.iter().zip(expected) {
            assert!((x - y).abs() < 1e-15);
        }
        let mut singular = vec![1.0, 1.0, 1.0, 1.0];
        assert!(!cholesky_in_place(&mut singular, 2));
    }
}
