//! Parallel analysis (`paLDSC`): eigenvalues of null genetic correlation matrices simulated
//! from the LDSC sampling distribution. The random normal draws and the square root of V come
//! from R (so that the same seed gives the original's draws); each replicate is
//! `mu + root %*% z`, put back into a symmetric k x k matrix by its lower triangle.

use nalgebra::{DMatrix, DVector, SymmetricEigen};

use super::error::CovarianceError;

#[derive(Debug, Clone)]
pub struct NullEigenvalues {
    /// k x r: eigenvalues of each simulated matrix, largest first.
    pub eigenvalues: DMatrix<f64>,
    /// k: the `prob` quantile (R's type 7) of each row.
    pub quantiles: Vec<f64>,
}

/// Eigenvalues of a symmetric matrix, largest first.
pub fn sorted_eigenvalues(m: DMatrix<f64>) -> Vec<f64> {
    let mut values: Vec<f64> = SymmetricEigen::new(m).eigenvalues.iter().copied().collect();
    values.sort_by(|a, b| b.total_cmp(a));
    values
}

/// R's `quantile(x, prob, type = 7)`.
pub fn quantile7(values: &mut [f64], prob: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(|a, b| a.total_cmp(b));
    let h = (values.len() - 1) as f64 * prob;
    let lo = h.floor();
    let i = lo as usize;
    let frac = h - lo;
    if i + 1 >= values.len() {
        return values[values.len() - 1];
    }
    values[i] + frac * (values[i + 1] - values[i])
}

/// `mu` (k(k+1)/2, vech order), `root` (k(k+1)/2 square), `z` (k(k+1)/2 x r draws).
pub fn null_eigenvalues(
    k: usize,
    mu: &[f64],
    root: &DMatrix<f64>,
    z: &DMatrix<f64>,
    prob: f64,
) -> Result<NullEigenvalues, CovarianceError> {
    let kstar = k * (k + 1) / 2;
    if mu.len() != kstar || root.nrows() != kstar || root.ncols() != kstar || z.nrows() != kstar {
        return Err(CovarianceError::Dimensions {
            what: format!(
                "Parallel analysis of a {k} x {k} matrix needs vectors of {kstar} values and a \
                 {kstar} x {kstar} V"
            ),
        });
    }
    let r = z.ncols();
    let mu = DVector::from_column_slice(mu);
    let samples = root * z;
    let mut eigenvalues = DMatrix::zeros(k, r);
    let mut m = DMatrix::zeros(k, k);
    for rep in 0..r {
        let mut a = 0;
        for j in 0..k {
            for i in j..k {
                let value = mu[a] + samples[(a, rep)];
                m[(i, j)] = value;
                m[(j, i)] = value;
                a += 1;
            }
        }
        for (row, value) in sorted_eigenvalues(m.clone()).into_iter().enumerate() {
            eigenvalues[(row, rep)] = value;
        }
    }
    let quantiles = (0..k)
        .map(|row| {
            let mut values: Vec<f64> = eigenvalues.row(row).iter().copied().collect();
            quantile7(&mut values, prob)
        })
        .collect();
    Ok(NullEigenvalues {
        eigenvalues,
        quantiles,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantile_type_7_interpolates() {
        let mut x = vec![4.0, 1.0, 3.0, 2.0];
        assert!((quantile7(&mut x, 0.5) - 2.5).abs() < 1e-15);
        assert!((quantile7(&mut x, 0.95) - 3.85).abs() < 1e-12);
    }

    #[test]
    fn identity_without_noise_has_unit_eigenvalues() {
        let mu = [1.0, 0.0, 1.0];
        let out =
            null_eigenvalues(2, &mu, &DMatrix::zeros(3, 3), &DMatrix::zeros(3, 4), 0.95).unwrap();
        assert!(out.quantiles.iter().all(|v| (v - 1.0).abs() < 1e-12));
    }
}
