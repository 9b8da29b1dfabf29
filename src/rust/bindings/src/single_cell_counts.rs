//! `fit_null_sc(trait_type = "count")`: plain R vectors in, plain lists out. R prepares the
//! design (cells x columns), the offsets, 1-based donor indices into the kernel's donors and
//! either a double genes x cells matrix (read in place) or the slots of a dgCMatrix.

use crate::convert::{named_list, optional_int, zero_based};
use crate::errors::{core_error, reply, RError, RResult};
use crate::{interrupt, threads};
use extendr_api::prelude::*;
use gsem_core::single_cell::count::{fit_count_genes, CountGeneFit, CountModel, CountSource};

/// Fit the count genes `genes` (1-based rows of the count source). `counts` is a double
/// matrix (genes x cells), or `NULL` with the slots `p`, `i`, `x` of a dgCMatrix with
/// `n_genes` rows in `sparse_p`, `sparse_i`, `sparse_x` (empty vectors for a dense matrix).
/// @noRd
#[extendr]
#[allow(clippy::too_many_arguments)]
fn rs_fit_counts_sc(
    counts: Robj,
    sparse_p: &[i32],
    sparse_i: &[i32],
    sparse_x: &[f64],
    n_genes: i32,
    genes: &[i32],
    donor_of_cell: &[i32],
    n_donors: i32,
    kernel: Robj,
    design: &[f64],
    n_columns: i32,
    offset: &[f64],
    family: &str,
    requested_threads: Robj,
) -> Robj {
    reply((|| {
        let (threads, _) = threads::resolve(optional_int(&requested_threads, "cores")?)?;
        let n_genes = usize::try_from(n_genes).map_err(|_| RError::argument("n_genes must be >= 0."))?;
        let p = usize::try_from(n_columns).map_err(|_| RError::argument("n_columns must be >= 0."))?;
        let m = usize::try_from(n_donors).map_err(|_| RError::argument("n_donors must be >= 0."))?;
        let donors = zero_based(donor_of_cell, "the donor of each cell")?;
        let genes = zero_based(genes, "a gene")?;
        let nb = match family {
            "poisson" => false,
            "nb" => true,
            other => return Err(RError::argument(format!("Unknown count family `{other}`."))),
        };
        let kernel = if kernel.is_null() { None } else { kernel.as_real_slice() };
        let model = CountModel {
            design,
            n_cells: donors.len(),
            n_columns: p,
            offset,
            donor_of_cell: &donors,
            n_donors: m,
            kernel,
        };
        let source = if let Some(values) = counts.as_real_slice() {
            CountSource::Dense { values, n_genes }
        } else if counts.is_null() {
            CountSource::Sparse { col_ptr: sparse_p, row: sparse_i, values: sparse_x, n_genes }
        } else {
            return Err(RError::argument("The counts must be a double matrix or NULL (sparse)."));
        };
        let fits = interrupt::run(threads, |cancel| {
            fit_count_genes(&model, source, &genes, nb, cancel)
        })?
        .map_err(core_error)?;
        fits_to_r(&fits, p)
    })())
}

fn fits_to_r(fits: &[CountGeneFit], p: usize) -> RResult<Robj> {
    let column = |f: &dyn Fn(&CountGeneFit) -> f64| -> Robj { fits.iter().map(f).collect::<Vec<f64>>().into() };
    let flag = |f: &dyn Fn(&CountGeneFit) -> bool| -> Robj { fits.iter().map(f).collect::<Vec<bool>>().into() };
    let status: Vec<&str> = fits.iter().map(|g| g.status.code()).collect();
    let flat = |f: &dyn Fn(&CountGeneFit) -> &Vec<f64>| -> Vec<f64> {
        fits.iter().flat_map(|g| f(g).iter().copied()).collect()
    };
    let _ = p;
    named_list(vec![
        ("tau", column(&|g| g.tau)),
        ("theta", column(&|g| g.theta)),
        ("pql_iterations", column(&|g| g.pql_iterations as f64)),
        ("theta_iterations", column(&|g| g.theta_iterations as f64)),
        ("converged", flag(&|g| g.converged)),
        ("at_boundary", flag(&|g| g.at_boundary)),
        ("last_change", column(&|g| g.last_change)),
        ("reml_crit", column(&|g| g.reml_crit)),
        ("n_cells", column(&|g| g.n_cells as f64)),
        ("n_donors", column(&|g| g.n_donors as f64)),
        ("status", status.into()),
        ("beta", flat(&|g| &g.beta).into()),
        ("se", flat(&|g| &g.se).into()),
        ("residual", flat(&|g| &g.residual).into()),
    ])
}

extendr_module! {
    mod single_cell_counts;
    fn rs_fit_counts_sc;
}
