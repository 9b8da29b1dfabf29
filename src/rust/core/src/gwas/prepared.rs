//! SNP-independent pieces prepared once per run and shared by [`super::setup`] (which builds
//! them), [`super::snp_matrices`] and [`super::q_stats`] (which use them per SNP): the fixed
//! blocks of V_Full and the Q_SNP targets. Kept below those three files so that their
//! dependencies run one way: setup -> snp_matrices -> prepared, q_stats -> prepared.

use nalgebra::{DMatrix, SymmetricEigen};

/// A factor whose Q_SNP is reported: its rows `factor ~ SNP` and its indicators (trait
/// indices), or no indicators when its first indicator is not observed (second order).
#[derive(Debug, Clone)]
pub struct QSnpTarget {
    pub rows: Vec<usize>,
    pub indicators: Option<Vec<usize>>,
    /// C^-1 over the indicators (V_SNP of the indicators is D C D).
    pub c_inv: Option<DMatrix<f64>>,
}

/// P diag(1/lambda) P' of a symmetric matrix.
pub fn eigen_inverse(m: &DMatrix<f64>) -> DMatrix<f64> {
    let eig = SymmetricEigen::new(m.clone());
    let p = &eig.eigenvectors;
    let n = m.nrows();
    DMatrix::from_fn(n, n, |i, j| {
        (0..n)
            .map(|k| p[(i, k)] * p[(j, k)] / eig.eigenvalues[k])
            .sum()
    })
}

/// The SNP-independent pieces of V_Full behind Q and the sandwich, when V_Full is not
/// smoothed.
#[derive(Debug, Clone)]
pub struct ChisqBlocks {
    pub var_snp_se2: f64,
    /// C (intercepts with a unit diagonal) and its inverse.
    pub c: DMatrix<f64>,
    pub c_inv: DMatrix<f64>,
    pub v_ld_inv: DMatrix<f64>,
    /// L', L the lower Cholesky factor of V_LD (the sandwich's meat, block by block): its
    /// columns are L's rows.
    pub v_ld_chol_t: DMatrix<f64>,
}

impl ChisqBlocks {
    /// Q for residuals `eta` (vech of S_Full - Sigma, user order) when V_Full is the
    /// unsmoothed block matrix with V_SNP = D C D.
    pub fn q(&self, eta: &[f64], d: &[f64]) -> f64 {
        let k = d.len();
        let mut q = eta[0] * eta[0] / self.var_snp_se2;
        for x in 0..k {
            let ex = eta[1 + x] / d[x];
            for y in 0..k {
                q += ex * self.c_inv[(x, y)] * eta[1 + y] / d[y];
            }
        }
        let ld = &eta[k + 1..];
        for (a, &ea) in ld.iter().enumerate() {
            for (b, &eb) in ld.iter().enumerate() {
                q += ea * self.v_ld_inv[(a, b)] * eb;
            }
        }
        q
    }
}
