//! The stage-1 state of `fit_null_sc()` as a plain R list and back (1-based indices on the R
//! side), so that a fit survives `saveRDS()` and its state can be reused by later calls.

use crate::convert::{named_list, one_based, zero_based};
use crate::errors::{core_error, RError, RResult};
use extendr_api::prelude::*;
use gsem_core::single_cell::DonorEigensystem;
use std::collections::HashMap;

pub fn stage1_to_r(sys: &DonorEigensystem) -> RResult<Robj> {
    named_list(vec![
        ("donors", one_based(&sys.donors)?),
        ("cells", one_based(&sys.cells)?),
        ("donor_of_cell", one_based(&sys.donor_of_cell)?),
        ("cells_per_donor", sys.cells_per_donor.clone().into()),
        ("eigenvalues", sys.eigenvalues.clone().into()),
        ("eigenvectors", sys.eigenvectors.clone().into()),
        ("identity_kernel", sys.identity_kernel.into()),
        ("x_rotated", sys.x_rotated.clone().into()),
        ("xtx", sys.xtx.clone().into()),
        ("x_within", sys.x_within.clone().into()),
        ("xtx_within", sys.xtx_within.clone().into()),
        ("n_cells", (sys.n_cells as f64).into()),
        ("n_donors", (sys.n_donors as f64).into()),
        ("n_columns", (sys.n_columns as f64).into()),
        ("single_cell_donors", (sys.single_cell_donors as f64).into()),
    ])
}

pub fn stage1_from_r(state: List) -> RResult<DonorEigensystem> {
    let map: HashMap<&str, Robj> = state.iter().collect();
    let get = |name: &str| -> RResult<&Robj> {
        map.get(name).ok_or_else(|| {
            RError::argument(format!("The stage-1 state lacks its `{name}` element."))
        })
    };
    let reals = |name: &str| -> RResult<Vec<f64>> {
        get(name)?
            .as_real_slice()
            .map(<[f64]>::to_vec)
            .ok_or_else(|| {
                RError::argument(format!("The stage-1 element `{name}` must be numeric."))
            })
    };
    let indices = |name: &str| -> RResult<Vec<usize>> {
        let values = get(name)?.as_integer_slice().ok_or_else(|| {
            RError::argument(format!("The stage-1 element `{name}` must be integer."))
        })?;
        zero_based(values, name)
    };
    let count = |name: &str| -> RResult<usize> {
        let value = get(name)?
            .as_real()
            .filter(|v| *v >= 0.0 && v.fract() == 0.0);
        value.map(|v| v as usize).ok_or_else(|| {
            RError::argument(format!("The stage-1 element `{name}` must be a count."))
        })
    };
    let sys = DonorEigensystem {
        donors: indices("donors")?,
        cells: indices("cells")?,
        donor_of_cell: indices("donor_of_cell")?,
        cells_per_donor: reals("cells_per_donor")?,
        eigenvalues: reals("eigenvalues")?,
        eigenvectors: reals("eigenvectors")?,
        identity_kernel: get("identity_kernel")?.as_bool().unwrap_or(false),
        x_rotated: reals("x_rotated")?,
        xtx: reals("xtx")?,
        x_within: reals("x_within")?,
        xtx_within: reals("xtx_within")?,
        n_cells: count("n_cells")?,
        n_donors: count("n_donors")?,
        n_columns: count("n_columns")?,
        single_cell_donors: count("single_cell_donors")?,
    };
    sys.check_consistent().map_err(core_error)?;
    Ok(sys)
}
