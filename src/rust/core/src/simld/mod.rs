//! GenomicSEM's `simLDSC()`: multivariate LDSC Z statistics simulated from LD scores.
//!
//! For SNP j with LD score l_j, the Z statistics of the k traits are drawn from
//! N(0, Sigma_j) with Sigma_j[a, a] = N_a C_aa / M l_j + int_a and
//! Sigma_j[a, b] = sqrt(N_a N_b) C_ab / M l_j + rPheno_ab N_ab / sqrt(N_a N_b), where C is the
//! population genetic covariance matrix, N the sample sizes (N_ab the overlap) and M the sum of
//! M_5_50. The standard normals are drawn in R (in the original's order); [`mvnorm`] turns
//! them into draws as `MASS::mvrnorm()` does, with the eigen routine the caller gives (R's
//! LAPACK dsyevr in the bindings, for R's eigenvector signs).

mod error;
mod files;
pub mod mvnorm;

pub use error::SimError;
pub use files::{read_ld_folder, write_gwas, LdTable};

use crate::parallel::CancelToken;
use nalgebra::DMatrix;
use rayon::prelude::*;
use std::path::Path;

/// What does not depend on the SNP.
#[derive(Debug, Clone)]
pub struct SimSpec {
    pub cov: DMatrix<f64>,
    pub n: DMatrix<f64>,
    pub r_pheno: DMatrix<f64>,
    pub int: Vec<f64>,
}

impl SimSpec {
    /// Sigma_j for LD score `l` (module docs), in the original's order of operations.
    pub fn sigma(&self, m: f64, l: f64) -> DMatrix<f64> {
        let k = self.cov.nrows();
        DMatrix::from_fn(k, k, |a, b| {
            if a == b {
                self.n[(a, a)] * self.cov[(a, a)] / m * l + self.int[a]
            } else {
                // GenomicSEM fills both triangles from the pair (first, second) with
                // first < second, i.e. from the upper triangles of its inputs.
                let (p, q) = (a.min(b), a.max(b));
                let nn = (self.n[(p, p)] * self.n[(q, q)]).sqrt();
                nn * self.cov[(p, q)] / m * l + self.r_pheno[(p, q)] * self.n[(p, q)] / nn
            }
        })
    }
}

/// SNPs per interrupt check.
const CHUNK: usize = 4096;

/// Z (n_snps x k, SNP-major) from `normals` (k per SNP, in SNP order).
pub fn simulate_z<E>(
    table: &LdTable,
    spec: &SimSpec,
    normals: &[f64],
    eigen: &E,
    cancel: &CancelToken,
) -> Result<Vec<f64>, SimError>
where
    E: Fn(&DMatrix<f64>) -> Option<mvnorm::Eigen> + Sync,
{
    let k = spec.cov.nrows();
    let n_snps = table.l2.len();
    let mut z = vec![0.0; n_snps * k];
    for (c, chunk) in z.chunks_mut(CHUNK * k).enumerate() {
        cancel.check()?;
        let first = c * CHUNK;
        let results: Vec<Result<(), SimError>> = chunk
            .par_chunks_mut(k)
            .enumerate()
            .map(|(i, out)| {
                let j = first + i;
                let sigma = spec.sigma(table.m, table.l2[j]);
                mvnorm::mvrnorm_one(&sigma, eigen, &normals[j * k..(j + 1) * k], out).ok_or_else(
                    || SimError::NotPositiveDefinite {
                        snp: table.snp[j].clone(),
                    },
                )
            })
            .collect();
        crate::parallel::in_order(results)?;
    }
    Ok(z)
}

/// One iteration: simulate and write `iter{iteration}GWAS{i}.sumstats[.gz]` into `dir`.
#[allow(clippy::too_many_arguments)]
pub fn simulate_iteration<E>(
    table: &LdTable,
    spec: &SimSpec,
    normals: &[f64],
    eigen: &E,
    dir: &Path,
    iteration: usize,
    gzip: bool,
    cancel: &CancelToken,
) -> Result<(), SimError>
where
    E: Fn(&DMatrix<f64>) -> Option<mvnorm::Eigen> + Sync,
{
    let k = spec.cov.nrows();
    if normals.len() != table.l2.len() * k {
        return Err(SimError::BadNumber {
            file: "(normal draws)".to_string(),
            line: 0,
            value: format!(
                "{} values for {} SNPs x {k} traits",
                normals.len(),
                table.l2.len()
            ),
        });
    }
    let z = simulate_z(table, spec, normals, eigen, cancel)?;
    let results: Vec<Result<(), SimError>> = (0..k)
        .into_par_iter()
        .map(|i| {
            let name = format!(
                "iter{iteration}GWAS{}.sumstats{}",
                i + 1,
                if gzip { ".gz" } else { "" }
            );
            write_gwas(
                &dir.join(name),
                gzip,
                table,
                z.iter().skip(i).step_by(k).copied(),
                spec.n[(i, i)],
            )
        })
        .collect();
    crate::parallel::in_order(results)?;
    Ok(())
}
