//! One draw of `MASS::mvrnorm(n = 1, mu = 0, Sigma)` from given standard normals, with the
//! eigenvectors R's `eigen(symmetric = TRUE)` returns, so that the same normals give the same
//! draw: mvrnorm computes V diag(sqrt(max(lambda, 0))) x with (lambda, V) = eigen(Sigma), and
//! the sign of each eigenvector changes the draw.
//!
//! R's eigen calls LAPACK's dsyevr (lower triangle): Householder tridiagonalisation T = Q' A Q,
//! eigenvectors z of T by MRRR (each z positive at its twist index) and V = Q z, values in
//! decreasing order. The twist index MRRR picks is not always the largest component, so only
//! LAPACK itself reproduces R's signs: the caller passes the eigen routine (the R bindings
//! call the dsyevr R uses). [`r_eigen`] follows the same steps with a dense solver for T and
//! the largest-component sign rule; it agrees with LAPACK up to the sign of some vectors.

use nalgebra::{DMatrix, SymmetricEigen};

/// mvrnorm's positive-definiteness tolerance.
const TOL: f64 = 1e-6;

/// Reflector of LAPACK's dlarfg: returns (beta, tau) and overwrites `x` with v(2:n).
fn householder(alpha: f64, x: &mut [f64]) -> (f64, f64) {
    let xnorm = x.iter().map(|v| v * v).sum::<f64>().sqrt();
    if xnorm == 0.0 {
        return (alpha, 0.0);
    }
    let beta = -alpha.hypot(xnorm).copysign(alpha);
    let tau = (beta - alpha) / beta;
    let scale = 1.0 / (alpha - beta);
    for v in x.iter_mut() {
        *v *= scale;
    }
    (beta, tau)
}

/// dsytd2 (lower): the tridiagonal (diagonal, off-diagonal) and Q.
fn tridiagonalize(a: &DMatrix<f64>) -> (Vec<f64>, Vec<f64>, DMatrix<f64>) {
    let n = a.nrows();
    let mut a = a.clone();
    let mut e = vec![0.0; n.saturating_sub(1)];
    let mut q = DMatrix::identity(n, n);
    for i in 0..n.saturating_sub(1) {
        let mut tail: Vec<f64> = ((i + 2)..n).map(|r| a[(r, i)]).collect();
        let (beta, tau) = householder(a[(i + 1, i)], &mut tail);
        e[i] = beta;
        let m = n - i - 1;
        let mut v = vec![1.0; m];
        v[1..].copy_from_slice(&tail);
        if tau != 0.0 {
            // w = tau A22 v; w -= (tau/2)(w'v) v; A22 -= v w' + w v'.
            let mut w = vec![0.0; m];
            for r in 0..m {
                w[r] = tau
                    * (0..m)
                        .map(|c| a[(i + 1 + r, i + 1 + c)] * v[c])
                        .sum::<f64>();
            }
            let alpha = -0.5 * tau * w.iter().zip(&v).map(|(x, y)| x * y).sum::<f64>();
            for r in 0..m {
                w[r] += alpha * v[r];
            }
            for r in 0..m {
                for c in 0..m {
                    a[(i + 1 + r, i + 1 + c)] -= v[r] * w[c] + w[r] * v[c];
                }
            }
            // Q := Q H(i), H(i) = I - tau v v' on rows/columns i+1..n.
            for r in 0..n {
                let dot: f64 = (0..m).map(|c| q[(r, i + 1 + c)] * v[c]).sum();
                for c in 0..m {
                    q[(r, i + 1 + c)] -= tau * dot * v[c];
                }
            }
        }
    }
    let d = (0..n).map(|i| a[(i, i)]).collect();
    (d, e, q)
}

/// Eigenvalues (decreasing) and eigenvectors of symmetric `sigma` as R's eigen() gives them.
pub fn r_eigen(sigma: &DMatrix<f64>) -> (Vec<f64>, DMatrix<f64>) {
    let n = sigma.nrows();
    let (d, e, q) = tridiagonalize(sigma);
    let t = DMatrix::from_fn(n, n, |r, c| {
        if r == c {
            d[r]
        } else if r == c + 1 {
            e[c]
        } else if c == r + 1 {
            e[r]
        } else {
            0.0
        }
    });
    let eig = SymmetricEigen::new(t);
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&x, &y| eig.eigenvalues[y].total_cmp(&eig.eigenvalues[x]));
    let values = order.iter().map(|&i| eig.eigenvalues[i]).collect();
    let mut z = DMatrix::from_fn(n, n, |r, c| eig.eigenvectors[(r, order[c])]);
    for c in 0..n {
        let mut big = 0;
        for r in 1..n {
            if z[(r, c)].abs() > z[(big, c)].abs() {
                big = r;
            }
        }
        if z[(big, c)] < 0.0 {
            for r in 0..n {
                z[(r, c)] = -z[(r, c)];
            }
        }
    }
    (values, q * z)
}

/// An eigen decomposition of a symmetric matrix: values in decreasing order and the vectors
/// in columns, or `None` when it failed.
pub type Eigen = (Vec<f64>, DMatrix<f64>);

/// V diag(sqrt(max(lambda, 0))) x into `out` with (lambda, V) = `eigen(sigma)`; `None` when
/// Sigma is not positive definite in mvrnorm's sense (an eigenvalue below -1e-6 |lambda_1|).
pub fn mvrnorm_one<E>(sigma: &DMatrix<f64>, eigen: &E, x: &[f64], out: &mut [f64]) -> Option<()>
where
    E: Fn(&DMatrix<f64>) -> Option<Eigen>,
{
    let (values, vectors) = eigen(sigma)?;
    let first = values.first().copied().unwrap_or(0.0);
    if values.iter().any(|&v| v.is_nan() || v < -TOL * first.abs()) {
        return None;
    }
    let n = values.len();
    for (r, o) in out.iter_mut().enumerate().take(n) {
        *o = (0..n)
            .map(|c| vectors[(r, c)] * values[c].max(0.0).sqrt() * x[c])
            .sum();
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eigen_reconstructs_the_matrix() {
        let a = DMatrix::from_row_slice(3, 3, &[4.0, 1.0, 0.5, 1.0, 3.0, 0.2, 0.5, 0.2, 2.0]);
        let (values, v) = r_eigen(&a);
        assert!(values[0] >= values[1] && values[1] >= values[2]);
        let back =
            &v * DMatrix::from_diagonal(&nalgebra::DVector::from_vec(values)) * v.transpose();
        assert!((back - a).abs().max() < 1e-12);
    }
}
