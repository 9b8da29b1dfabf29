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
    cov.validate()?;
    let k = cov.k();
    cols.validate(k)?;
    let n = cols.n();
    let matrices = SnpMatrices::new(cov, cov.s.clone(), cov.v.clone(), gc, var_snp_se2);
    let s_dim = k + 1;
    let v_dim = (k + 1) * (k + 2) / 2;
    let (s_len, v_len) = (s_dim * s_dim, v_dim * v_dim);
    let mut s = vec![0.0; n * s_len];
    let mut v = vec![0.0; n * v_len];
    let mut start = 0;
    while start < n {
        cancel.check().map_err(|_| AddError::Cancelled)?;
        let stop = (start + CHUNK).min(n);
        let results: Vec<Result<(), SemError>> = s[start * s_len..stop * s_len]
            .par_chunks_mut(s_len * 64)
            .zip(v[start * v_len..stop * v_len].par_chunks_mut(v_len * 64))
            .enumerate()
            .map_init(
                || FullSnp::new(k),
                |full, (block, (s_out, v_out))| {
                    let first = start + block * 64;
                    for (j, (s_one, v_one)) in s_out
                        .chunks_mut(s_len)
                        .zip(v_out.chunks_mut(v_len))
                        .enumerate()
                    {
                        let snp = first + j;
                        matrices.fill(cols, snp, full).map_err(|e| SemError::BadInput {
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
        start = stop;
    }
    Ok(AllFull {
        s,
        v,
        s_dim,
        v_dim,
    })
}
