//! Nearest positive definite matrix as `Matrix::nearPD(x, corr = FALSE)` computes it with its
//! defaults (Matrix 1.5-3): Higham's alternating projections with Dykstra's correction, then
//! eigenvalues raised to posd.tol * lambda_max with the diagonal kept.

use nalgebra::{DMatrix, SymmetricEigen};

use super::error::SemError;

/// nearPD's default tolerances (keepDiag = FALSE, do2eigen = TRUE, doSym = FALSE).
pub mod defaults {
    pub const EIG_TOL: f64 = 1e-6;
    pub const CONV_TOL: f64 = 1e-7;
    pub const POSD_TOL: f64 = 1e-8;
    pub const MAX_ITER: usize = 100;
}

#[derive(Debug, Clone)]
pub struct NearPd {
    pub mat: DMatrix<f64>,
    pub iterations: usize,
    pub converged: bool,
}

/// Infinity norm: largest absolute row sum.
fn norm_inf(m: &DMatrix<f64>) -> f64 {
    m.row_iter()
        .map(|r| r.iter().map(|x| x.abs()).sum::<f64>())
        .fold(0.0, f64::max)
}

/// Eigen decomposition with eigenvalues in decreasing order (as R's `eigen`).
fn sorted_eigen(m: &DMatrix<f64>) -> (Vec<f64>, DMatrix<f64>) {
    let e = SymmetricEigen::new(m.clone());
    let mut order: Vec<usize> = (0..e.eigenvalues.len()).collect();
    order.sort_by(|&a, &b| e.eigenvalues[b].total_cmp(&e.eigenvalues[a]));
    let values = order.iter().map(|&i| e.eigenvalues[i]).collect();
    let vectors = DMatrix::from_fn(m.nrows(), order.len(), |r, c| e.eigenvectors[(r, order[c])]);
    (values, vectors)
}

pub fn nearpd(x: &DMatrix<f64>) -> Result<NearPd, SemError> {
    let n = x.nrows();
    if n == 0 || x.ncols() != n || x.iter().any(|v| !v.is_finite()) {
        return Err(SemError::BadInput {
            what: "nearPD needs a finite square matrix".to_string(),
        });
    }
    let mut ds = DMatrix::zeros(n, n);
    let mut xk = x.clone();
    let mut iterations = 0;
    let mut converged = false;
    while iterations < defaults::MAX_ITER && !converged {
        let y = xk.clone();
        let r = &y - &ds;
        let (d, q) = sorted_eigen(&r);
        let keep: Vec<usize> = (0..n)
            .filter(|&i| d[i] > defaults::EIG_TOL * d[0])
            .collect();
        if keep.is_empty() {
            return Err(SemError::NotPositiveDefinite {
                what: "matrix given to nearPD (it seems negative semi-definite)".to_string(),
            });
        }
        xk = DMatrix::from_fn(n, n, |i, j| {
            keep.iter().map(|&k| q[(i, k)] * d[k] * q[(j, k)]).sum()
        });
        ds = &xk - &r;
        let conv = norm_inf(&(&y - &xk)) / norm_inf(&y);
        iterations += 1;
        converged = conv <= defaults::CONV_TOL;
    }
    let (d, q) = sorted_eigen(&xk);
    let eps: f64 = defaults::POSD_TOL * d[0].abs();
    if d[n - 1] < eps {
        let d: Vec<f64> = d.iter().map(|&v| v.max(eps)).collect();
        let o_diag: Vec<f64> = (0..n).map(|i| xk[(i, i)]).collect();
        let mut m: DMatrix<f64> = DMatrix::from_fn(n, n, |i, j| {
            (0..n).map(|k| q[(i, k)] * d[k] * q[(j, k)]).sum()
        });
        let scale: Vec<f64> = (0..n)
            .map(|i| (eps.max(o_diag[i]) / m[(i, i)]).sqrt())
            .collect();
        for j in 0..n {
            for i in 0..n {
                m[(i, j)] *= scale[i] * scale[j];
            }
        }
        xk = m;
    }
    Ok(NearPd {
        mat: xk,
        iterations,
        converged,
    })
}

/// Smallest eigenvalue of a symmetric matrix.
pub fn min_eigenvalue(m: &DMatrix<f64>) -> f64 {
    SymmetricEigen::new(m.clone()).eigenvalues.min()
}
