//! How userGWAS and commonfactorGWAS use the written-out one-factor fit ([`CommonFit`]) for a
//! SNP: fit with it when it converges (else with the general fitter), and form the sandwich
//! from its own Delta, absorbing the residual variances when that settles the `toler` check.

use nalgebra::DMatrix;

use super::common_fit::CommonFit;
use super::prepared::ChisqBlocks;
use super::sandwich_work::SandwichWork;
use super::snp_matrices::SnpWork;
use crate::sem::sandwich::Weight;
use crate::sem::standardized::row_values_into;
use crate::sem::{Model, SemError};

/// Fits `model` to this SNP's `snp.full.s_full` with its DWLS weights `snp.w` from `start`:
/// through `fast` when there is one and it converges, else with the general fitter; then the
/// parameter table's values into `values`. Returns true when the written-out fit served: the
/// model then holds the sample and the estimates but is not evaluated (its `implied` and
/// `delta` still describe an earlier evaluation).
pub fn fit_snp_model(
    fast: Option<&mut CommonFit>,
    model: &mut Model,
    snp: &SnpWork,
    start: &[f64],
    values: &mut [f64],
) -> Result<bool, SemError> {
    let (s_full, w) = (&snp.full.s_full, &snp.w);
    let fitted_fast = match fast.and_then(|f| f.fit(s_full, w, start)) {
        Some(theta) => {
            model.load_solution(s_full.as_slice(), theta)?;
            true
        }
        None => {
            model.refit(s_full.as_slice(), w, start)?;
            false
        }
    };
    row_values_into(model, values);
    Ok(fitted_fast)
}

/// The sandwich covariance after a written-out fit, from its Delta under diagonal weights `w`:
/// of the free parameters `wanted` (the absorbing route first), or of all (`None`).
#[allow(clippy::too_many_arguments)]
pub fn fit_sandwich(
    fit: &mut CommonFit,
    sandwich: &mut SandwichWork,
    w: &[f64],
    v_full: &DMatrix<f64>,
    blocks: Option<(&ChisqBlocks, &[f64])>,
    moments: &[usize],
    toler: f64,
    wanted: Option<&[usize]>,
) -> Result<(), SemError> {
    let (delta, absorbed, kept) = fit.delta_at_solution();
    let Some(wanted) = wanted else {
        return sandwich.compute(delta, Weight::Diagonal(w), v_full, blocks, moments, toler);
    };
    if sandwich.compute_selected_absorbing(
        delta, w, absorbed, kept, v_full, blocks, moments, toler, wanted,
    ) {
        return Ok(());
    }
    let weight = Weight::Diagonal(w);
    sandwich.compute_selected(delta, weight, v_full, blocks, moments, toler, wanted)
}
