//! `addSNPs()`/`addGenes()` (every SNP's S_Full and V_Full) and `multiSNP()`/`multiGene()`
//! (one joint S_Full and V_Full).

use crate::convert::{dmatrix, named_list, optional_int, rmatrix};
use crate::errors::{core_error, reply, RError, RResult};
use crate::gwas::{covstruc, element, reals};
use crate::interrupt;
use crate::threads;
use extendr_api::prelude::*;
use gsem_core::gwas::add_snps::{AddError, AddSnps};
use gsem_core::gwas::multi_snp::{build_multi, MultiInput};
use gsem_core::gwas::{GcMode, SnpColumns};

/// SNPs whose matrices are computed (in parallel) before they are copied into R matrices on
/// the main thread; the buffers are reused from chunk to chunk.
const CHUNK: usize = 8192;

/// Copies `flat` (square matrices of side `dim`, column-major) into new R matrices.
fn push_matrices(
    flat: &[f64],
    dim: usize,
    dimnames: Option<&Robj>,
    out: &mut Vec<Robj>,
) -> RResult<()> {
    for chunk in flat.chunks_exact(dim * dim) {
        let mut matrix = RMatrix::<f64>::new(dim, dim);
        matrix.data_mut().copy_from_slice(chunk);
        let mut robj: Robj = matrix.into();
        if let Some(names) = dimnames {
            robj.set_attrib("dimnames", names.clone())?;
        }
        out.push(robj);
    }
    Ok(())
}

/// Every SNP's S_Full (with `names` as dimnames) and V_Full, as two R lists of matrices.
/// @noRd
#[extendr]
fn rs_add_snps(
    cov: List,
    snps: List,
    gc: &str,
    var_snp_se2: f64,
    names: Strings,
    requested_threads: Robj,
) -> Robj {
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
        let adder = AddSnps::new(&cov, gc, var_snp_se2).map_err(core_error)?;
        if names.len() != adder.s_dim {
            return Err(RError::internal("S_Full names do not match its size"));
        }
        let names: Robj = names.into();
        let dimnames: Robj = List::from_values([names.clone(), names]).into();
        let n = cols.n();
        let (s_len, v_len) = (adder.s_dim * adder.s_dim, adder.v_dim * adder.v_dim);
        let mut s_buf = vec![0.0; CHUNK.min(n) * s_len];
        let mut v_buf = vec![0.0; CHUNK.min(n) * v_len];
        let (mut s_list, mut v_list) = (Vec::with_capacity(n), Vec::with_capacity(n));
        let mut start = 0;
        while start < n {
            let count = CHUNK.min(n - start);
            let (s_chunk, v_chunk) = (&mut s_buf[..count * s_len], &mut v_buf[..count * v_len]);
            interrupt::run(threads, |cancel| {
                cancel.check().map_err(|_| AddError::Cancelled)?;
                adder.fill(&cols, start, s_chunk, v_chunk)
            })?
            .map_err(core_error)?;
            push_matrices(
                &s_buf[..count * s_len],
                adder.s_dim,
                Some(&dimnames),
                &mut s_list,
            )?;
            push_matrices(&v_buf[..count * v_len], adder.v_dim, None, &mut v_list)?;
            start += count;
        }
        named_list(vec![
            ("V_Full", List::from_values(v_list).into()),
            ("S_Full", List::from_values(s_list).into()),
        ])
    })())
}

/// The joint S_Full and V_Full of several SNPs or genes.
/// @noRd
#[extendr]
fn rs_multi_snp(
    cov: List,
    ld: Robj,
    var: &[f64],
    beta: Robj,
    se: Robj,
    var_se2: f64,
    gene: bool,
) -> Robj {
    reply((|| {
        let cov = covstruc(&cov)?;
        let (ld, beta, se) = (
            dmatrix(&ld, "LD")?,
            dmatrix(&beta, "beta")?,
            dmatrix(&se, "se")?,
        );
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
