//! The covariance helpers (`summaryGLS`, `summaryGLSbands`, `rgmodel`, `paLDSC`): matrices in,
//! plain lists out. R checks the arguments and shapes the results.

use crate::convert::{dmatrix, named_list, rmatrix};
use crate::errors::{core_error, reply};
use extendr_api::prelude::*;
use gsem_core::covariance;

/// @noRd
#[extendr]
fn rs_gls(x: Robj, omega: Robj, y: Vec<f64>) -> Robj {
    reply((|| {
        let (x, omega) = (dmatrix(&x, "X")?, dmatrix(&omega, "V")?);
        let fit = covariance::gls(&x, &omega, &y).map_err(core_error)?;
        named_list(vec![
            ("beta", fit.beta.into()),
            ("se", fit.se.into()),
            ("z", fit.z.into()),
            ("p", fit.p.into()),
        ])
    })())
}

/// @noRd
#[extendr]
fn rs_rgmodel(s: Robj, names: Vec<String>, v: Robj) -> Robj {
    reply((|| {
        let (s, v) = (dmatrix(&s, "S")?, dmatrix(&v, "V")?);
        let out = covariance::rgmodel(&s, &names, &v).map_err(core_error)?;
        named_list(vec![("R", rmatrix(&out.r)), ("V_R", rmatrix(&out.v_r))])
    })())
}

/// @noRd
#[extendr]
fn rs_null_eigenvalues(k: i32, mu: Vec<f64>, root: Robj, z: Robj, prob: f64) -> Robj {
    reply((|| {
        let (root, z) = (dmatrix(&root, "V")?, dmatrix(&z, "draws")?);
        let k = usize::try_from(k).unwrap_or(0);
        let out = covariance::null_eigenvalues(k, &mu, &root, &z, prob).map_err(core_error)?;
        named_list(vec![
            ("eigenvalues", rmatrix(&out.eigenvalues)),
            ("quantiles", out.quantiles.into()),
        ])
    })())
}

/// @noRd
#[extendr]
fn rs_eigenvalues(m: Robj) -> Robj {
    reply((|| {
        let m = dmatrix(&m, "S")?;
        Ok(covariance::parallel_analysis::sorted_eigenvalues(m).into())
    })())
}

extendr_module! {
    mod covariance;
    fn rs_gls;
    fn rs_rgmodel;
    fn rs_null_eigenvalues;
    fn rs_eigenvalues;
}
