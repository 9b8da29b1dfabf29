//! `simLDSC()`: the LD-score folder's size (so R can draw the normals) and the simulation.

use crate::convert::{dmatrix, named_list, optional_int};
use crate::errors::{core_error, reply, RError};
use crate::interrupt;
use crate::lapack::r_lapack_eigen;
use crate::threads;
use extendr_api::prelude::*;
use gsem_core::simld::{read_ld_folder, simulate_iteration, SimSpec};
use std::path::Path;

/// Number of SNPs and sum of M_5_50 of an LD-score folder.
/// @noRd
#[extendr]
fn rs_sim_ld_size(ld: &str) -> Robj {
    reply((|| {
        let table = read_ld_folder(Path::new(ld), 22).map_err(core_error)?;
        named_list(vec![
            ("n_snps", (table.l2.len() as f64).into()),
            ("m", table.m.into()),
        ])
    })())
}

/// Simulates `ncol(normals)` iterations, numbered from `first`, and writes their files into `dir`.
/// @noRd
#[allow(clippy::too_many_arguments)]
#[extendr]
fn rs_sim_ldsc(
    ld: &str,
    cov: Robj,
    n: Robj,
    r_pheno: Robj,
    int: &[f64],
    normals: Robj,
    first: f64,
    dir: &str,
    gzip: bool,
    requested_threads: Robj,
) -> Robj {
    reply((|| {
        let (threads, _) = threads::resolve(optional_int(&requested_threads, "cores")?)?;
        let spec = SimSpec {
            cov: dmatrix(&cov, "covmat")?,
            n: dmatrix(&n, "N")?,
            r_pheno: dmatrix(&r_pheno, "rPheno")?,
            int: int.to_vec(),
        };
        let normals = dmatrix(&normals, "normals")?;
        let table = read_ld_folder(Path::new(ld), 22).map_err(core_error)?;
        if normals.nrows() != table.l2.len() * spec.cov.nrows() {
            return Err(RError::internal("normal draws do not match the SNPs"));
        }
        for r in 0..normals.ncols() {
            let column: Vec<f64> = normals.column(r).iter().copied().collect();
            interrupt::run(threads, |cancel| {
                simulate_iteration(
                    &table,
                    &spec,
                    &column,
                    &r_lapack_eigen,
                    Path::new(dir),
                    first as usize + r,
                    gzip,
                    cancel,
                )
            })?
            .map_err(core_error)?;
        }
        Ok(Robj::from(()))
    })())
}

extendr_module! {
    mod simld;
    fn rs_sim_ld_size;
    fn rs_sim_ldsc;
}
