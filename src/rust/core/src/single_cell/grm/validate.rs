//! Checks a GRM must pass before it enters the mixed model.

use super::GrmError;
use crate::single_cell::eigen::symmetric_eigenvalues;

/// `Ok` when |a_ij - a_ji| <= `tol` * max(1, |a_ij|, |a_ji|) for every pair; otherwise the
/// first offending pair. `values` is m x m column-major.
pub fn check_symmetric(values: &[f64], m: usize, tol: f64) -> Result<(), GrmError> {
    check_length(values, m)?;
    for j in 0..m {
        for i in (j + 1)..m {
            let (lower, upper) = (values[i + j * m], values[j + i * m]);
            let scale = 1f64.max(lower.abs()).max(upper.abs());
            if (lower - upper).abs() > tol * scale || lower.is_nan() != upper.is_nan() {
                return Err(GrmError::NotSymmetric {
                    row: j,
                    col: i,
                    upper,
                    lower,
                });
            }
        }
    }
    Ok(())
}

/// Smallest and largest eigenvalue of the symmetric m x m matrix (lower triangle read).
pub fn symmetric_eigenvalue_range(values: &[f64], m: usize) -> Option<(f64, f64)> {
    let eigenvalues = symmetric_eigenvalues(values, m)?;
    Some((*eigenvalues.first()?, *eigenvalues.last()?))
}

/// `Ok((smallest, largest))` when the smallest eigenvalue is at least `-tol * largest`.
///
/// A GRM from `plink --make-grm-bin` is centred, hence singular, and float32 rounding leaves
/// its smallest eigenvalue slightly negative (about -1.5e-9 for eigenvalues near 1): a `tol` of
/// 1e-6 accepts that and rejects matrices with genuinely negative directions.
pub fn check_positive_semidefinite(
    values: &[f64],
    m: usize,
    tol: f64,
) -> Result<(f64, f64), GrmError> {
    let (smallest, largest) =
        symmetric_eigenvalue_range(values, m).ok_or(GrmError::NotPositiveSemidefinite {
            smallest: f64::NAN,
            largest: f64::NAN,
        })?;
    if smallest >= -tol * largest.abs().max(f64::MIN_POSITIVE) {
        Ok((smallest, largest))
    } else {
        Err(GrmError::NotPositiveSemidefinite { smallest, largest })
    }
}

fn check_length(values: &[f64], m: usize) -> Result<(), GrmError> {
    if values.len() == m * m {
        Ok(())
    } else {
        Err(GrmError::WrongLength {
            m,
            found: values.len(),
        })
    }
}
