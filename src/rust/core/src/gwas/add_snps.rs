//! Every SNP's S_Full and V_Full at once, as GenomicSEM's legacy `addSNPs()` and `addGenes()`
//! return them, built by the same [`SnpMatrices`] the GWAS loops use (GC modes, smoothing).

use rayon::prelude::*;

use super::inputs::{CovStruc, GcMode, SnpColumns};
use super::snp_matrices::{FullSnp, SnpMatrices};
use crate::error::{Cancelled, Classed};
use crate::parallel::CancelToken;
use crate::sem::SemError;

/// Why the matrices could not be built: bad input (a SNP's values) or an interrupt.
#[derive(Debug)]
pub enum AddError {
    Sem(SemError),
    Cancelled,
}

impl From<SemError> for AddError {
    fn from(e: SemError) -> Self {
        AddError::Sem(e)
    }
}

impl std::fmt::Display for AddError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AddError::Sem(e) => e.fmt(f),
            AddError::Cancelled => Cancelled.fmt(f),
        }
    }
}

impl Classed for AddError {
    fn class(&self) -> &'static str {
        match self {
            AddError::Sem(e) => e.class(),
            AddError::Cancelled => Cancelled.class(),
        }
    }
}

/// S_Full of SNP i is `s[i * (k+1)^2 ..]` and V_Full `v[i * p^2 ..]`, each column-major.
#[derive(Debug, Clone)]
pub struct AllFull {
    pub s: Vec<f64>,
    pub v: Vec<f64>,
    pub s_dim: usize,
    pub v_dim: usize,
}

/// The SNP-independent part, ready to fill any range of SNPs.
#[derive(Debug, Clone)]
pub struct AddSnps {
    matrices: SnpMatrices,
    k: usize,
    pub s_dim: usize,
    pub v_dim: usize,
}

/// SNPs per parallel task.
const BLOCK: usize = 64;

impl AddSnps {
    pub fn new(cov: &CovStruc, gc: GcMode, var_snp_se2: f64) -> Result<AddSnps, AddError> {
        cov.validate()?;
        let k = cov.k();
        Ok(AddSnps {
            matrices: SnpMatrices::new(cov, cov.s.clone(), cov.v.clone(), gc, var_snp_se2),
            k,
            s_dim: k + 1,
            v_dim: (k + 1) * (k + 2) / 2,
        })
    }

    /// Fills the matrices of SNPs `first..` into `s` and `v` (as many SNPs as they hold) on
    /// the current rayon pool.
    pub fn fill(
        &self,
        cols: &SnpColumns<'_>,
        first: usize,
        s: &mut [f64],
        v: &mut [f64],
    ) -> Result<(), AddError> {
        cols.validate(self.k)?;
        let (s_len, v_len) = (self.s_dim * self.s_dim, self.v_dim * self.v_dim);
        let count = s.len() / s_len;
        if v.len() != count * v_len || first + count > cols.n() {
            return Err(AddError::Sem(SemError::BadInput {
                what: "output buffers do not match the SNPs".to_string(),
            }));
        }
        let results: Vec<Result<(), SemError>> = s
            .par_chunks_mut(s_len * BLOCK)
            .zip(v.par_chunks_mut(v_len * BLOCK))
            .enumerate()
            .map_init(
                || FullSnp::new(self.k),
                |full, (block, (s_out, v_out))| {
                    let start = first + block * BLOCK;
                    for (j, (s_one, v_one)) in s_out
                        .chunks_mut(s_len)
                        .zip(v_out.chunks_mut(v_len))
                        .enumerate()
                    {
                        let snp = start + j;
                        self.matrices
                            .fill(cols, snp, full)
                            .map_err(|e| SemError::BadInput {
                                what: format!("row {} of the SNPs: {e}", snp + 1),
                            })?;
                        s_one.copy_from_slice(full.s_full.as_slice());
                        v_one.copy_from_slice(full.v_full.as_slice());
                    }
                    Ok(())
                },
            )
            .collect();
        crate::parallel::in_order(results)?;
        Ok(())
    }
}

/// SNPs handled between two interrupt checks.
const CHUNK: usize = 2048;

/// Builds every SNP's matrices on the current rayon pool.
pub fn add_snps(
    cov: &CovStruc,
    cols: &SnpColumns<'_>,
    gc: GcMode,
    var_snp_se2: f64,
    cancel: &CancelToken,
) -> Result<AllFull, AddError> {
    let adder = AddSnps::new(cov, gc, var_snp_se2)?;
    let n = cols.n();
    let (s_len, v_len) = (adder.s_dim * adder.s_dim, adder.v_dim * adder.v_dim);
    let mut s = vec![0.0; n * s_len];
    let mut v = vec![0.0; n * v_len];
    let mut start = 0;
    while start < n {
        cancel.check().map_err(|_| AddError::Cancelled)?;
        let stop = (start + CHUNK).min(n);
        adder.fill(
            cols,
            start,
            &mut s[start * s_len..stop * s_len],
            &mut v[start * v_len..stop * v_len],
        )?;
        start = stop;
    }
    Ok(AllFull {
        s,
        v,
        s_dim: adder.s_dim,
        v_dim: adder.v_dim,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::DMatrix;

    fn cov() -> CovStruc {
        CovStruc {
            s: DMatrix::from_row_slice(2, 2, &[0.3, 0.1, 0.1, 0.2]),
            v: DMatrix::from_diagonal(&nalgebra::DVector::from_vec(vec![1e-3, 5e-4, 1e-3])),
            i: DMatrix::from_row_slice(2, 2, &[1.04, 0.1, 0.1, 0.9]),
            names: vec!["A".into(), "B".into()],
        }
    }

    #[test]
    fn standard_gc_entries_follow_the_formulas() {
        let (beta, se, var) = ([0.02, -0.01], [0.01, 0.02], [0.32]);
        let cols = SnpColumns {
            beta: &beta,
            se: &se,
            var_snp: &var,
        };
        let out = add_snps(
            &cov(),
            &cols,
            GcMode::Standard,
            0.0005f64.powi(2),
            &CancelToken::new(),
        )
        .unwrap();
        assert_eq!((out.s_dim, out.v_dim), (3, 6));
        let s = DMatrix::from_column_slice(3, 3, &out.s);
        let v = DMatrix::from_column_slice(6, 6, &out.v);
        assert!((s[(1, 0)] - 0.32 * 0.02).abs() < 1e-15);
        assert!((s[(2, 2)] - 0.2).abs() < 1e-15);
        assert!((v[(0, 0)] - 2.5e-7).abs() < 1e-20);
        // diag: (SE sqrt(I) var)^2; B's intercept 0.9 is raised to 1.
        assert!((v[(1, 1)] - (0.01 * 1.04f64.sqrt() * 0.32).powi(2)).abs() < 1e-18);
        assert!((v[(2, 2)] - (0.02 * 0.32f64).powi(2)).abs() < 1e-18);
        let off = 0.01 * 0.02 * 0.1 * 1.04f64.sqrt() * 0.32 * 0.32;
        assert!((v[(2, 1)] - off).abs() < 1e-18);
        assert!((v[(3, 3)] - 1e-3).abs() < 1e-18);
    }

    #[test]
    fn missing_values_name_the_row() {
        let (beta, se, var) = ([0.02, f64::NAN, 0.01, 0.01], [0.01; 4], [0.3, 0.3]);
        let cols = SnpColumns {
            beta: &beta,
            se: &se,
            var_snp: &var,
        };
        let err = add_snps(&cov(), &cols, GcMode::None, 1e-6, &CancelToken::new()).unwrap_err();
        assert!(err.to_string().contains("row 2"), "{err}");
    }
}
