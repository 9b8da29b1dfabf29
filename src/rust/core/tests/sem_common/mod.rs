//! Shared helpers of the sem test suites: fixture reading and tolerances.
#![allow(dead_code)]

use nalgebra::DMatrix;

/// Tolerances of the sem suites, with why each is as large as it is.
pub mod tol {
    /// Estimates and SEs against lavaan/GenomicSEM: the brief's target; our optimum is exact
    /// to ~1e-10, lavaan's own stopping rule leaves ~1e-8..1e-7 relative noise.
    pub const REL: f64 = 1e-6;
    /// Two-factor goldens with a `==` constraint: lavaan's augmented-Lagrangian optimiser
    /// leaves the tied loadings 1.06e-6 relative apart, so every estimate carries that noise.
    pub const REL_CONSTRAINED: f64 = 5e-6;
    /// Fit statistics (chisq, CFI, SRMR) absolute.
    pub const FIT_ABS: f64 = 1e-6;
    /// Fit statistics of the constrained goldens (same optimiser noise as REL_CONSTRAINED).
    pub const FIT_ABS_CONSTRAINED: f64 = 1e-5;
}

pub fn data_path(name: &str) -> String {
    format!("{}/tests/data/sem/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Reads a tsv with a header: (header, rows of fields).
pub fn read_tsv(name: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(data_path(name)).unwrap();
    let mut lines = text.lines();
    let header = lines
        .next()
        .unwrap()
        .split('\t')
        .map(str::to_string)
        .collect();
    let rows = lines
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect();
    (header, rows)
}

pub fn num(s: &str) -> f64 {
    if s == "NA" || s.is_empty() {
        f64::NAN
    } else {
        s.parse().unwrap()
    }
}

/// The ldsc covstruc of the reference set: (S, trait names, V).
pub fn ldsc() -> (DMatrix<f64>, Vec<String>, DMatrix<f64>) {
    let (names, rows) = read_tsv("ldsc_S.tsv");
    let k = names.len();
    let s = DMatrix::from_fn(k, k, |i, j| num(&rows[i][j]));
    let text = std::fs::read_to_string(data_path("ldsc_V.tsv")).unwrap();
    let vrows: Vec<Vec<f64>> = text
        .lines()
        .map(|l| l.split('\t').map(num).collect())
        .collect();
    let v = DMatrix::from_fn(vrows.len(), vrows.len(), |i, j| vrows[i][j]);
    (s, names, v)
}

/// Relative difference, treating two NaNs as equal.
pub fn rel_diff(got: f64, want: f64) -> f64 {
    if got.is_nan() && want.is_nan() {
        return 0.0;
    }
    ((got - want) / want.abs().max(1e-300)).abs()
}
