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
