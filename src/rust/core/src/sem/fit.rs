//! Fit statistics as GenomicSEM reports them: the model chi-square Q = eta' V^-1 eta from
//! the eigen decomposition of V, the closed-form CFI of usermodel, and lavaan's SRMR.

use nalgebra::{DMatrix, Dyn, SymmetricEigen};

/// vech (column-major lower triangle) of a square matrix.
pub fn vech(m: &DMatrix<f64>) -> Vec<f64> {
    let p = m.nrows();
    let mut out = Vec::with_capacity(p * (p + 1) / 2);
    for j in 0..p {
        for i in j..p {
            out.push(m[(i, j)]);
        }
    }
    out
}

/// eta' V^-1 eta with V^-1 = P diag(1/lambda) P' from V's eigen decomposition.
pub fn quadratic_form_eigen(eta: &[f64], v: &DMatrix<f64>) -> f64 {
    quadratic_form_of(&SymmetricEigen::new(v.clone()), eta)
}

/// eta' P diag(1/lambda) P' eta for a given eigen decomposition (P, lambda).
pub fn quadratic_form_of(eig: &SymmetricEigen<f64, Dyn>, eta: &[f64]) -> f64 {
    let mut q = 0.0;
    for (k, &lambda) in eig.eigenvalues.iter().enumerate() {
        let proj: f64 = eig
            .eigenvectors
            .column(k)
            .iter()
            .zip(eta)
            .map(|(a, b)| a * b)
            .sum();
        q += proj * proj / lambda;
    }
    q
}

/// Model chi-square: eta = vech(S - Sigma_hat), both in the user's order, against V in the
/// user's vech order.
pub fn model_chisq(s: &DMatrix<f64>, implied: &DMatrix<f64>, v: &DMatrix<f64>) -> f64 {
    let eta = vech(&(s - implied));
    quadratic_form_eigen(&eta, v)
}

/// usermodel's closed-form CFI: the independence model's chi-square is that of S with a zero
/// diagonal, with k(k+1)/2 - k degrees of freedom; capped at 1.
pub fn cfi_closed_form(s: &DMatrix<f64>, v: &DMatrix<f64>, q: f64, df: f64) -> f64 {
    let k = s.nrows();
    let mut off = s.clone();
    off.fill_diagonal(0.0);
    let q_null = quadratic_form_eigen(&vech(&off), v);
    let df_null = (k * (k + 1) / 2 - k) as f64;
    cfi_from(q_null, df_null, q, df)
}

pub fn cfi_from(q_null: f64, df_null: f64, q: f64, df: f64) -> f64 {
    let cfi = ((q_null - df_null) - (q - df)) / (q_null - df_null);
    if cfi > 1.0 {
        1.0
    } else {
        cfi
    }
}

/// lavaan's SRMR (Bentler): residuals scaled by the observed standard deviations, root mean
/// square over the p(p+1)/2 non-duplicated elements.
pub fn srmr(s: &DMatrix<f64>, implied: &DMatrix<f64>) -> f64 {
    let p = s.nrows();
    let mut sum = 0.0;
    for j in 0..p {
        for i in j..p {
            let r = (s[(i, j)] - implied[(i, j)]) / (s[(i, i)] * s[(j, j)]).sqrt();
            sum += r * r;
        }
    }
    (sum / (p * (p + 1) / 2) as f64).sqrt()
}
