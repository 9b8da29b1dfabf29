//! hdl's R-free pieces: optim()'s finite-difference gradient at and away from the bounds,
//! and the likelihoods' clamp, on hand-checkable values.

use gsem_core::hdl::likelihood::{h2_objective, H2Data};
use gsem_core::hdl::optim::{FiniteDifference, Objective, NDEPS};
use gsem_core::rmath::r_sum;

fn sum(x: &[f64]) -> f64 {
    r_sum(x.iter().copied())
}

#[test]
fn gradient_is_central_inside_and_one_sided_at_bounds() {
    let f = |x: &[f64]| x[0] * x[0] + 3.0 * x[1];
    let (lower, upper) = ([0.0, 0.0], [1.0, 10.0]);
    let mut fd = FiniteDifference::new(f, &lower, &upper, None);
    let mut g = [0.0; 2];
    fd.gradient(&[0.5, 5.0], &mut g);
    assert!((g[0] - 1.0).abs() < 1e-12 && (g[1] - 3.0).abs() < 1e-12);
    // At the lower bound the backward step shrinks to 0: a forward difference.
    fd.gradient(&[0.0, 0.0], &mut g);
    assert!((g[0] - NDEPS).abs() < 1e-12, "{g:?}");
    assert!(!fd.failed());
}

#[test]
fn non_finite_values_are_flagged_not_passed_on() {
    let f = |x: &[f64]| if x[0] > 0.9 { f64::NAN } else { x[0] };
    let (lower, upper) = ([0.0], [1.0]);
    let mut fd = FiniteDifference::new(f, &lower, &upper, None);
    assert!(fd.value(&[0.95]).is_finite());
    assert!(fd.failed());
}

#[test]
fn h2_likelihood_matches_its_formula_and_clamps() {
    let (lam, bstar) = ([2.0, 1.0], [0.1, -0.2]);
    let d = H2Data {
        n: 1000.0,
        m: 10.0,
        nref: 5000.0,
        lam: &lam,
        bstar: &bstar,
        lim: (-18.0f64).exp(),
        sum: &sum,
    };
    let v = |l: f64| 0.2 / 10.0 * l * l - 0.2 * l / 5000.0 + 1.0 * l / 1000.0;
    let expected = v(2.0).ln() + v(1.0).ln() + 0.01 / v(2.0) + 0.04 / v(1.0);
    assert!((h2_objective(&[0.2, 1.0], &d) - expected).abs() < 1e-12);
    // h2 = 0 and intercept = 0: every variance is clamped to exp(-18).
    let clamped = 2.0 * -18.0 + (0.01 + 0.04) / (-18.0f64).exp();
    assert!((h2_objective(&[0.0, 0.0], &d) / clamped - 1.0).abs() < 1e-12);
}
