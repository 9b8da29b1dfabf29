//! Small dense helpers that work in caller-provided buffers (no allocation), for the
//! per-fit hot path.

use nalgebra::DMatrix;

/// x'y with four partial sums: the additions of one running sum wait on each other (~4
/// cycles apiece), four independent sums keep the adder busy. Rounds differently from a
/// single running sum (last bits only).
pub fn dot(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len().min(y.len());
    let (x, y) = (&x[..n], &y[..n]);
    let mut acc = [0.0f64; 4];
    let (xc, yc) = (x.chunks_exact(4), y.chunks_exact(4));
    let (xr, yr) = (xc.remainder(), yc.remainder());
    for (a, b) in xc.zip(yc) {
        for i in 0..4 {
            acc[i] += a[i] * b[i];
        }
    }
    let mut tail = 0.0;
    for (a, b) in xr.iter().zip(yr) {
        tail += a * b;
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

/// Inverts the square matrix `a` in place by Gauss-Jordan elimination with partial pivoting,
/// using `work` (same shape) as scratch. Returns false when `a` is singular.
pub fn invert_in_place(a: &mut DMatrix<f64>, work: &mut DMatrix<f64>) -> bool {
    let n = a.nrows();
    work.fill_with_identity();
    // Column-major slices: element (r, c) at r + c n. Rows are swapped and combined across
    // all columns, so each operation strides by n.
    let (m, w) = (a.as_mut_slice(), work.as_mut_slice());
    for col in 0..n {
        let mut pivot = col;
        for r in col + 1..n {
            if m[r + col * n].abs() > m[pivot + col * n].abs() {
                pivot = r;
            }
        }
        let pv = m[pivot + col * n];
        if !pv.is_finite() || pv.abs() < 1e-300 {
            return false;
        }
        if pivot != col {
            for c in 0..n {
                m.swap(pivot + c * n, col + c * n);
                w.swap(pivot + c * n, col + c * n);
            }
        }
        let inv = 1.0 / m[col + col * n];
        for c in 0..n {
            m[col + c * n] *= inv;
            w[col + c * n] *= inv;
        }
        for c in 0..n {
            let (mc, wc) = (m[col + c * n], w[col + c * n]);
            if mc == 0.0 && wc == 0.0 {
                continue;
            }
            for r in 0..n {
                if r == col {
                    continue;
                }
                let f = m[r + col * n];
                if c != col {
                    m[r + c * n] -= f * mc;
                }
                w[r + c * n] -= f * wc;
            }
        }
        for r in 0..n {
            if r != col {
                m[r + col * n] = 0.0;
            }
        }
    }
    a.copy_from(work);
    true
}

/// Solves `m x = b` for a symmetric positive definite `m` given as the leading `n x n` block
/// of a row-major buffer, overwriting that block with its Cholesky factor and `b` with x.
/// Returns false when `m` is not positive definite.
pub fn cholesky_solve(m: &mut [f64], stride: usize, n: usize, b: &mut [f64]) -> bool {
    for j in 0..n {
        let mut d = m[j * stride + j];
        for k in 0..j {
            d -= m[j * stride + k] * m[j * stride + k];
        }
        if d.is_nan() || d <= 0.0 || d.is_infinite() {
            return false;
        }
        let d = d.sqrt();
        m[j * stride + j] = d;
        for i in j + 1..n {
            let mut s = m[i * stride + j];
            for k in 0..j {
                s -= m[i * stride + k] * m[j * stride + k];
            }
            m[i * stride + j] = s / d;
        }
    }
    for i in 0..n {
        let mut s = b[i];
        for k in 0..i {
            s -= m[i * stride + k] * b[k];
        }
        b[i] = s / m[i * stride + i];
    }
    for i in (0..n).rev() {
        let mut s = b[i];
        for k in i + 1..n {
            s -= m[k * stride + i] * b[k];
        }
        b[i] = s / m[i * stride + i];
    }
    true
}

/// Inverts the symmetric positive definite `a` in place through its Cholesky factor L
/// (a^-1 = L^-T L^-1), using `work` (same shape) as scratch: about half the work of
/// [`invert_in_place`], with contiguous column access. Returns false when `a` is not
/// numerically positive definite (then `a` is unchanged).
pub fn spd_invert_in_place(a: &mut DMatrix<f64>, work: &mut DMatrix<f64>) -> bool {
    let n = a.nrows();
    // Upper Cholesky factor R = L' in `work` (column j of R holds row j of L), a = R'R.
    let (src, r) = (a.as_slice(), work.as_mut_slice());
    r.fill(0.0);
    for j in 0..n {
        let cj = j * n;
        for i in 0..j {
            let ci = i * n;
            let s = src[cj + i] - dot(&r[ci..ci + i], &r[cj..cj + i]);
            r[cj + i] = s / r[ci + i];
        }
        let d = src[cj + j] - dot(&r[cj..cj + j], &r[cj..cj + j]);
        if d.is_nan() || d <= 0.0 || d.is_infinite() {
            return false;
        }
        r[cj + j] = d.sqrt();
    }
    // X = R^-1 (upper triangular) in place, column by column from X R = I: for i < j,
    // X[i, j] = -sum_{k = i..j-1} X[i, k] R[k, j] / R[j, j]. Columns < j already hold X; in
    // column j, R[i, j] is last read when X[i, j] is written (rows in increasing order).
    for j in 0..n {
        let cj = j * n;
        let rjj = 1.0 / r[cj + j];
        for i in 0..j {
            let mut s = 0.0;
            for k in i..j {
                s += r[k * n + i] * r[cj + k];
            }
            r[cj + i] = -s * rjj;
        }
        r[cj + j] = rjj;
    }
    let rinv = work.as_slice();
    let out = a.as_mut_slice();
    // a^-1 = R^-1 R^-T: (i, j) = sum_{k >= max(i, j)} R^-1[i, k] R^-1[j, k].
    for j in 0..n {
        for i in j..n {
            let mut s = 0.0;
            for k in i..n {
                s += rinv[k * n + i] * rinv[k * n + j];
            }
            out[j * n + i] = s;
            out[i * n + j] = s;
        }
    }
    true
}

/// log-determinant of a symmetric positive definite matrix via Cholesky in `work`, or None.
pub fn spd_logdet_inverse(
    a: &DMatrix<f64>,
    work: &mut DMatrix<f64>,
    inv: &mut DMatrix<f64>,
) -> Option<f64> {
    let n = a.nrows();
    work.copy_from(a);
    let mut logdet = 0.0;
    for j in 0..n {
        let mut d = work[(j, j)];
        for k in 0..j {
            d -= work[(j, k)] * work[(j, k)];
        }
        if d.is_nan() || d <= 0.0 || d.is_infinite() {
            return None;
        }
        let d = d.sqrt();
        logdet += 2.0 * d.ln();
        work[(j, j)] = d;
        for i in j + 1..n {
            let mut s = work[(i, j)];
            for k in 0..j {
                s -= work[(i, k)] * work[(j, k)];
            }
            work[(i, j)] = s / d;
        }
    }
    // Inverse column by column: solve L L' x = e_c.
    for c in 0..n {
        for i in 0..n {
            let mut s = if i == c { 1.0 } else { 0.0 };
            for k in 0..i {
                s -= work[(i, k)] * inv[(k, c)];
            }
            inv[(i, c)] = s / work[(i, i)];
        }
        for i in (0..n).rev() {
            let mut s = inv[(i, c)];
            for k in i + 1..n {
                s -= work[(k, i)] * inv[(k, c)];
            }
            inv[(i, c)] = s / work[(i, i)];
        }
    }
    Some(logdet)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spd_inverse_matches_gauss_jordan() {
        // A fixed SPD matrix: M'M + I from a deterministic M.
        let n = 13;
        let m = DMatrix::from_fn(n, n, |i, j| ((i * 7 + j * 3) % 11) as f64 / 5.0 - 1.0);
        let a = m.transpose() * &m + DMatrix::identity(n, n);
        let (mut x, mut y, mut w) = (a.clone(), a.clone(), DMatrix::zeros(n, n));
        assert!(spd_invert_in_place(&mut x, &mut w));
        assert!(invert_in_place(&mut y, &mut w));
        let scale = y.amax();
        assert!((&x - &y).amax() < 1e-12 * scale);
        assert!((&a * &x - DMatrix::identity(n, n)).amax() < 1e-12);
        // Not positive definite: refused, input untouched.
        let mut z = -a.clone();
        assert!(!spd_invert_in_place(&mut z, &mut w));
        assert_eq!(z, -a);
    }

    #[test]
    fn dot_matches_plain_sum() {
        let x: Vec<f64> = (0..23).map(|i| (i as f64).sin()).collect();
        let y: Vec<f64> = (0..23).map(|i| (i as f64 * 0.3).cos()).collect();
        let plain: f64 = x.iter().zip(&y).map(|(a, b)| a * b).sum();
        assert!((dot(&x, &y) - plain).abs() < 1e-14);
        assert_eq!(dot(&x[..0], &y[..0]), 0.0);
    }
}
