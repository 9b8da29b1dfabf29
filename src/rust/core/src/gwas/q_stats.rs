//! GenomicSEM's GWAS chi-squares: the model Q = eta' V_Full^-1 eta over all moments, the
//! per-factor Q_SNP of userGWAS and the heterogeneity Q of commonfactorGWAS.
//!
//! GenomicSEM inverts V_Full through its eigen decomposition for every SNP. V_Full is
//! block diagonal [varSNPSE2, D C D, V_LD] (unless smoothing mixed the blocks), so the inverse
//! of the fixed blocks (C and V_LD, from their eigen decompositions as GenomicSEM's) is formed
//! once and Q costs a few small products per SNP.

use nalgebra::{DMatrix, SymmetricEigen};

use super::prepared::QSnpTarget;
use crate::sem::cholesky::{cholesky_lower, forward_solve, inverse_norm1_bound, norm1};
use crate::sem::fit::{quadratic_form_eigen, quadratic_form_of};
use crate::sem::SemError;

/// vech(S - Sigma) in the user's order into `eta`.
pub fn residual_vech(s_full: &DMatrix<f64>, implied: &DMatrix<f64>, eta: &mut Vec<f64>) {
    let p = s_full.nrows();
    eta.clear();
    for j in 0..p {
        for i in j..p {
            eta.push(s_full[(i, j)] - implied[(i, j)]);
        }
    }
}

/// Q over a dense (smoothed) V_Full, through its eigen decomposition as GenomicSEM does.
pub fn q_dense(eta: &[f64], v_full: &DMatrix<f64>) -> f64 {
    quadratic_form_eigen(eta, v_full)
}

/// Q_SNP of one factor: the SNP's residual covariances with the factor's indicators against
/// the (unsmoothed) V_SNP block of those indicators, V = D C_ind D with C_ind^-1 prepared;
/// df = indicators - 1.
pub fn q_snp(target: &QSnpTarget, eta: &[f64], d: &[f64]) -> (f64, f64) {
    let (Some(ind), Some(c_inv)) = (&target.indicators, &target.c_inv) else {
        return (f64::NAN, f64::NAN);
    };
    let mut q = 0.0;
    for (a, &x) in ind.iter().enumerate() {
        for (b, &y) in ind.iter().enumerate() {
            q += eta[1 + x] / d[x] * c_inv[(a, b)] * eta[1 + y] / d[y];
        }
    }
    (q, ind.len() as f64 - 1.0)
}

/// Scratch of [`heterogeneity_q`] for k direct effects.
#[derive(Debug, Clone)]
pub struct HeterogeneityWork {
    l: Vec<f64>,
    y: Vec<f64>,
}

impl HeterogeneityWork {
    pub fn new(k: usize) -> HeterogeneityWork {
        HeterogeneityWork {
            l: vec![0.0; k * k],
            y: vec![0.0; k],
        }
    }
}

/// eta' V^-1 eta, refusing (like GenomicSEM's `solve()` of V's eigenvalues with `tol`) when
/// the eigenvalues' ratio min/max is below `toler`.
///
/// For a positive definite V the ratio is at least 1 / (||V||_1 ||V^-1||_1) (both norms bound
/// the spectral ones of a symmetric matrix), so when that floor, with ||V^-1||_1 bounded from
/// its Cholesky factor, clears `toler`, Q is ||L^-1 eta||^2 with the same verdict. Otherwise
/// the eigen decomposition decides and gives Q, as GenomicSEM computes it.
pub fn heterogeneity_q(
    eta: &[f64],
    v: &DMatrix<f64>,
    toler: f64,
    work: &mut HeterogeneityWork,
) -> Result<f64, SemError> {
    let k = eta.len();
    if v.nrows() == k && work.y.len() == k && cholesky_lower(v.as_slice(), k, &mut work.l) {
        let floor = 1.0 / (norm1(v.as_slice(), k) * inverse_norm1_bound(&work.l, k, &mut work.y));
        if floor >= toler {
            work.y.copy_from_slice(eta);
            forward_solve(&work.l, k, &mut work.y);
            return Ok(work.y.iter().map(|x| x * x).sum());
        }
    }
    heterogeneity_q_eigen(eta, v, toler)
}

/// [`heterogeneity_q`] through V's eigen decomposition.
fn heterogeneity_q_eigen(eta: &[f64], v: &DMatrix<f64>, toler: f64) -> Result<f64, SemError> {
    let eig = SymmetricEigen::new(v.clone());
    let (min, max) = eig
        .eigenvalues
        .iter()
        .fold((f64::INFINITY, 0.0f64), |(lo, hi), &l| {
            (lo.min(l.abs()), hi.max(l.abs()))
        });
    let ratio = min / max;
    // A NaN ratio (an all-zero V) fails too.
    if ratio.is_nan() || ratio < toler {
        return Err(SemError::NotIdentified {
            detail: format!(
                "the sampling covariance of the direct SNP effects is computationally singular \
                 (eigenvalue ratio {:.3e} below `toler`)",
                min / max
            ),
        });
    }
    Ok(quadratic_form_of(&eig, eta))
}
