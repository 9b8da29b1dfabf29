//! `addSNPs()`/`addGenes()` (every SNP's S_Full and V_Full) and `multiSNP()`/`multiGene()`
//! (one joint S_Full and V_Full).

use crate::convert::{dmatrix, named_list, optional_int, rmatrix};
use crate::errors::{core_error, reply, RError};
use crate::gwas::{covstruc, element, reals};
use crate::interrupt;
use crate::threads;
use extendr_api::prelude::*;
use gsem_core::gwas::add_snps::add_snps;
use gsem_core::gwas::multi_snp::{build_multi, MultiInput};
use gsem_core::gwas::{GcMode, SnpColumns};

/// Every SNP's matrices, as two flat column-major arrays.
/// @noRd
#[extendr]
fn rs_add_snps(cov: List, snps: List, gc: &str, var_snp_se2: f64, requested_threads: Robj) -> Robj {
    reply((|| {
        let (threads, _) = threads::resolve(optional_int(&requested_threads, "cores")?)?;
        let cov = covstruc(&cov)?;
        let gc: GcMode = gc.parse().map_err(core_error)?;
        let (beta, se, var) = (
            element(&snps, "beta")?,
            element(&snps, "se")?,
            element(&snps, "var_snp")?,
        );
        let cols = SnpColumns {
            beta: reals(&beta, "beta")?,
            se: reals(&se, "se")?,
            var_snp: reals(&var, "var_snp")?,
        };
        let out = interrupt::run(threads, |cancel| {
            add_snps(&cov, &cols, gc, var_snp_se2, cancel)
        })?
        .map_err(core_error)?;
        named_list(vec![
            ("S", out.s.into()),
            ("V", out.v.into()),
            ("s_dim", (out.s_dim as i32).into()),
            ("v_dim", (out.v_dim as i32).into()),
        ])
    })())
}

/// The joint S_Full and V_Full of several SNPs or genes.
/// @noRd
#[extendr]
fn rs_multi_snp(cov: List, ld: Robj, var: &[f64], beta: Robj, se: Robj, var_se2: f64, gene: bool) -> Robj {
    reply((|| {
        let cov = covstruc(&cov)?;
        let (ld, beta, se) = (dmatrix(&ld, "LD")?, dmatrix(&beta, "beta")?, dmatrix(&se, "se")?);
        if var.len() != ld.nrows() {
            return Err(RError::internal("SNP count and LD size differ"));
        }
        let input = MultiInput {
            s_ld: &cov.s,
            v_ld: &cov.v,
            intercepts: &cov.i,
            ld: &ld,
            var,
            beta: &beta,
            se: &se,
            var_se2,
            gene_pairing: gene,
        };
        let out = build_multi(&input).map_err(core_error)?;
        named_list(vec![
            ("S_Full", rmatrix(&out.s_full)),
            ("V_Full", rmatrix(&out.v_full)),
            ("s_smoothed", out.s_smoothed.into()),
            ("v_smoothed", out.v_smoothed.into()),
        ])
    })())
}

extendr_module! {
    mod snp_sets;
    fn rs_add_snps;
    fn rs_multi_snp;
}
