//! `read_grm()` and the GRM checks of `fit_null_sc()`: plain R vectors in, plain lists out.

use crate::convert::named_list;
use crate::errors::{core_error, reply, RError, RResult};
use extendr_api::prelude::*;
use gsem_core::single_cell::grm::{check_symmetric, read_gcta_grm, read_sparse_grm, Grm, GrmError};
use gsem_core::single_cell::tolerances::KERNEL_SYMMETRY_RELATIVE;
use std::path::Path;

/// Read a GRM: `kind` is "gcta" (prefix or .grm.bin path) or "sparse" (.mtx plus id file).
/// @noRd
#[extendr]
fn rs_read_grm(path: &str, kind: &str, id_path: &str) -> Robj {
    reply((|| {
        let grm = match kind {
            "gcta" => read_gcta_grm(Path::new(path)),
            "sparse" => read_sparse_grm(Path::new(path), Path::new(id_path)),
            other => return Err(RError::argument(format!("Unknown GRM format '{other}'."))),
        }
        .map_err(core_error)?;
        grm_to_r(grm)
    })())
}

fn grm_to_r(grm: Grm) -> RResult<Robj> {
    let n_snps: Robj = grm.n_snps.map_or(().into(), Robj::from);
    named_list(vec![
        ("family_ids", grm.family_ids.into()),
        ("individual_ids", grm.individual_ids.into()),
        ("values", grm.values.into()),
        ("n_snps", n_snps),
    ])
}

/// The first entry of the lower triangle (column-major order) of the m x m matrix `values`
/// that differs from its mirror beyond the kernel's symmetry tolerance, as 1-based
/// `c(row, column)`, or `NULL` when the matrix is symmetric. Done here because the same test
/// in R allocates several m x m temporaries (about 100 MB at m = 1,611).
/// @noRd
#[extendr]
fn rs_first_asymmetry(values: &[f64], m: i32) -> Robj {
    reply((|| {
        let m = usize::try_from(m)
            .map_err(|_| RError::argument("The GRM size must not be negative."))?;
        match check_symmetric(values, m, KERNEL_SYMMETRY_RELATIVE) {
            Ok(()) => Ok(().into()),
            Err(GrmError::NotSymmetric { row, col, .. }) => {
                // `row` < `col` index the upper entry; R reports the lower one, [col, row].
                Ok(vec![(col + 1) as f64, (row + 1) as f64].into())
            }
            Err(other) => Err(core_error(other)),
        }
    })())
}

extendr_module! {
    mod grm;
    fn rs_read_grm;
    fn rs_first_asymmetry;
}
