//! Generalised least squares of a vector of genetic covariances (or correlations) y with
//! sampling covariance Omega on a design X: beta = (X' Omega^-1 X)^-1 X' Omega^-1 y,
//! SE = sqrt(diag((X' Omega^-1 X)^-1)), Z = beta / SE, p = 2 Phi(-|Z|).

use nalgebra::{DMatrix, DVector};

use super::error::CovarianceError;
use crate::rmath::pnorm_upper;

#[derive(Debug, Clone)]
pub struct GlsFit {
    pub beta: Vec<f64>,
    pub se: Vec<f64>,
    pub z: Vec<f64>,
    pub p: Vec<f64>,
}

fn inverse(m: DMatrix<f64>, what: &str, hint: &str) -> Result<DMatrix<f64>, CovarianceError> {
    let singular = || CovarianceError::Singular {
        what: what.to_string(),
        hint: hint.to_string(),
    };
    if m.iter().any(|x| !x.is_finite()) {
        return Err(singular());
    }
    let inv = m.lu().try_inverse().ok_or_else(singular)?;
    if inv.iter().any(|x| !x.is_finite()) {
        return Err(singular());
    }
    Ok(inv)
}

/// GLS of `y` (n) on `x` (n x p) with sampling covariance `omega` (n x n).
pub fn gls(x: &DMatrix<f64>, omega: &DMatrix<f64>, y: &[f64]) -> Result<GlsFit, CovarianceError> {
    let n = y.len();
    if x.nrows() != n || omega.nrows() != n || omega.ncols() != n {
        return Err(CovarianceError::Dimensions {
            what: format!(
                "The GLS needs {n} rows of predictors and a {n} x {n} sampling covariance matrix, \
                 got {} rows and {} x {}",
                x.nrows(),
                omega.nrows(),
                omega.ncols()
            ),
        });
    }
    let omega_inv = inverse(
        omega.clone(),
        "The sampling covariance matrix of the outcome",
        "Check that it is the V of the selected values (a positive definite matrix).",
    )?;
    let xt_oi = x.transpose() * &omega_inv;
    let info = &xt_oi * x;
    let cov = inverse(
        info,
        "X' V^-1 X",
        "The predictors are collinear (or fewer values than coefficients); drop a predictor or the intercept.",
    )?;
    let beta = &cov * (&xt_oi * DVector::from_column_slice(y));
    let se: Vec<f64> = (0..cov.nrows()).map(|i| cov[(i, i)].sqrt()).collect();
    let beta: Vec<f64> = beta.iter().copied().collect();
    let z: Vec<f64> = beta.iter().zip(&se).map(|(b, s)| b / s).collect();
    let p = z.iter().map(|z| 2.0 * pnorm_upper(z.abs())).collect();
    Ok(GlsFit { beta, se, z, p })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_least_squares_when_omega_is_identity() {
        let x = DMatrix::from_row_slice(4, 2, &[1.0, 0.0, 1.0, 1.0, 1.0, 2.0, 1.0, 3.0]);
        let y = [1.0, 3.0, 5.0, 7.0];
        let fit = gls(&x, &DMatrix::identity(4, 4), &y).unwrap();
        assert!((fit.beta[0] - 1.0).abs() < 1e-12);
        assert!((fit.beta[1] - 2.0).abs() < 1e-12);
        // (X'X)^-1 = [[0.7, -0.3], [-0.3, 0.2]]
        assert!((fit.se[0] - 0.7f64.sqrt()).abs() < 1e-12);
        assert!((fit.se[1] - 0.2f64.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn collinear_design_is_an_error() {
        let x = DMatrix::from_row_slice(3, 2, &[1.0, 2.0, 1.0, 2.0, 1.0, 2.0]);
        let err = gls(&x, &DMatrix::identity(3, 3), &[1.0, 2.0, 3.0]).unwrap_err();
        assert_eq!(crate::error::Classed::class(&err), "singular");
    }
}
