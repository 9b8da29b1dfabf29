//! Whether the variance ratio tau is identifiable for a cell set.
//!
//! The restricted likelihood sees the data only in the (n - p)-dimensional space orthogonal to
//! the covariates X, where the covariance is s2e (I + tau K_perp) with
//! K_perp = P_perp Z K Z' P_perp. If K_perp has a single eigenvalue there (every eigenvalue
//! equal, zero included), tau only rescales s2e and the likelihood is flat in it. That
//! happens with one cell per donor and K = I (donor and residual variance coincide), with a
//! GRM of zeros, and with a GRM of ones (Z K Z' = 1 1', the intercept's direction).
//!
//! Donor-level form: with X~ = Q1'X and M = Q1' P_perp Q1 = I - X~ (X'X)^-1 X~',
//! t1 = tr(K_perp) = sum_i lambda_i M_ii and t2 = tr(K_perp^2) = sum_ij lambda_i lambda_j M_ij^2;
//! the eigenvalues are all equal exactly when t2 / (n - p) = (t1 / (n - p))^2.

use super::dense::cholesky_in_place;
use super::stage1::DonorEigensystem;
use super::tolerances::{IDENTIFIABLE_PROJECTED, IDENTIFIABLE_SPREAD};

pub fn tau_identifiable(sys: &DonorEigensystem) -> bool {
    let (m, p, n) = (sys.n_donors, sys.n_columns, sys.n_cells);
    if n <= p || sys.eigenvalues.len() != m || sys.x_rotated.len() != m * p {
        return false;
    }
    let lambda: Vec<f64> = sys.eigenvalues.iter().map(|l| l.max(0.0)).collect();
    let unprojected = lambda.iter().map(|l| l * l).sum::<f64>() / n as f64;
    if unprojected <= 0.0 {
        return false;
    }
    // B = X~ L^-T with X'X = L L', so that X~ (X'X)^-1 X~' = B B'.
    let mut chol = sys.xtx.clone();
    if !cholesky_in_place(&mut chol, p) {
        return false;
    }
    let mut b = sys.x_rotated.clone();
    for i in 0..m {
        for j in 0..p {
            let mut s = b[i + j * m];
            for k in 0..j {
                s -= b[i + k * m] * chol[j + k * p];
            }
            b[i + j * m] = s / chol[j + j * p];
        }
    }
    let (mut t1, mut t2) = (0.0, 0.0);
    for i in 0..m {
        if lambda[i] == 0.0 {
            continue;
        }
        for j in 0..m {
            let bb: f64 = (0..p).map(|k| b[i + k * m] * b[j + k * m]).sum();
            let mij = f64::from(u8::from(i == j)) - bb;
            t2 += lambda[i] * lambda[j] * mij * mij;
            if i == j {
                t1 += lambda[i] * mij;
            }
        }
    }
    let free = (n - p) as f64;
    let mean_square = t2 / free;
    let mean = t1 / free;
    mean_square > IDENTIFIABLE_PROJECTED * unprojected
        && mean_square - mean * mean > IDENTIFIABLE_SPREAD * mean_square
}
