//! GenomicSEM's standard errors: the sandwich (D'WD)^-1 D'W V W D (D'WD)^-1 over lavaan's free
//! parameters (parameters tied by equality constraints stay separate, as lavaan keeps them),
//! and delta-method standard errors of `:=` parameters.

use nalgebra::{DMatrix, SymmetricEigen};

use super::error::SemError;

/// The weight matrix of the sandwich: DWLS diagonal or ML normal-theory (full).
#[derive(Debug, Clone, Copy)]
pub enum Weight<'a> {
    Diagonal(&'a [f64]),
    Full(&'a DMatrix<f64>),
}

/// Sandwich covariance of the free parameters. `delta` is pstar x n_free, `v` the sampling
/// covariance of the moments, both in lavaan's moment order. `names` (one per free
/// parameter, may be empty) name the culprit when the information matrix is singular.
pub fn sandwich(
    delta: &DMatrix<f64>,
    weight: Weight<'_>,
    v: &DMatrix<f64>,
    names: &[String],
) -> Result<DMatrix<f64>, SemError> {
    let pstar = delta.nrows();
    let weight_ok = match weight {
        Weight::Diagonal(w) => w.len() == pstar,
        Weight::Full(w) => w.nrows() == pstar && w.ncols() == pstar,
    };
    if !weight_ok || v.nrows() != pstar || v.ncols() != pstar {
        return Err(SemError::BadInput {
            what: format!("the sandwich needs {pstar} x {pstar} weight and V matrices"),
        });
    }
    let wd = match weight {
        Weight::Diagonal(w) => {
            let mut wd = delta.clone();
            for (mut row, &wa) in wd.row_iter_mut().zip(w) {
                row *= wa;
            }
            wd
        }
        Weight::Full(w) => w * delta,
    };
    let information = delta.transpose() * &wd;
    let bread = information
        .clone()
        .try_inverse()
        .ok_or_else(|| SemError::NotIdentified {
            detail: singular_detail(&information, names),
        })?;
    let meat = wd.transpose() * v * &wd;
    Ok(&bread * meat * &bread)
}

fn singular_detail(information: &DMatrix<f64>, names: &[String]) -> String {
    match (0..information.ncols()).find(|&j| information[(j, j)].abs() < 1e-300) {
        Some(j) => format!(
            "parameter {} does not affect the implied covariance matrix",
            names
                .get(j)
                .cloned()
                .unwrap_or_else(|| format!("number {}", j + 1))
        ),
        None => "the information matrix D'WD is singular (some parameters are not identified)"
            .to_string(),
    }
}

/// Smallest eigenvalue below which a covariance submatrix is projected to be PSD.
const PSD_TOLERANCE: f64 = -1e-10;

/// Delta-method variance of one defined parameter: `jac` is its gradient over the free
/// parameters. Only the columns where the gradient is nonzero are used; that block of the
/// covariance is symmetrised and, when it has non-finite values or a negative eigenvalue,
/// replaced by its PSD projection. Returns NaN when the variance is not finite.
pub fn defined_variance(jac: &[f64], cov: &DMatrix<f64>) -> f64 {
    if cov.nrows() < jac.len() || cov.ncols() < jac.len() {
        return f64::NAN;
    }
    let idx: Vec<usize> = (0..jac.len()).filter(|&k| jac[k] != 0.0).collect();
    if idx.is_empty() {
        return 0.0;
    }
    let m = idx.len();
    let mut sub = DMatrix::from_fn(m, m, |a, b| {
        0.5 * (cov[(idx[a], idx[b])] + cov[(idx[b], idx[a])])
    });
    let finite = sub.iter().all(|x| x.is_finite());
    if !finite {
        sub.iter_mut()
            .filter(|x| !x.is_finite())
            .for_each(|x| *x = 0.0);
    }
    let eig = SymmetricEigen::new(sub.clone());
    if !finite || eig.eigenvalues.min() < PSD_TOLERANCE {
        let clipped = eig.eigenvalues.map(|l| l.max(0.0));
        sub = &eig.eigenvectors * DMatrix::from_diagonal(&clipped) * eig.eigenvectors.transpose();
    }
    let mut var = 0.0;
    for a in 0..m {
        for b in 0..m {
            var += jac[idx[a]] * sub[(a, b)] * jac[idx[b]];
        }
    }
    if !var.is_finite() {
        f64::NAN
    } else {
        var.max(0.0)
    }
}
