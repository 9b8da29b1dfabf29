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
