//! The backtracking rule shared by the general fitter and the written-out per-SNP fits: one
//! rule, so that both stop at the same point of the same objective.

use super::optimiser_tolerances::{F_ROUNDING, MAX_HALVINGS};

/// Tries the steps alpha = 1, 1/2, 1/4, ... along a Newton direction with decrement
/// `decrement` from the objective `f`; `trial(alpha)` evaluates the objective at x + alpha d
/// (`None` when it cannot be evaluated). Accepts a sufficient (Armijo) decrease, or, in the
/// final region (steps below FINAL_REGION, where the objective no longer resolves the change),
/// the whole step unless the objective rises beyond rounding. Returns the accepted objective:
/// the last trial is then the accepted point.
pub fn backtrack(
    f: f64,
    decrement: f64,
    final_region: bool,
    mut trial: impl FnMut(f64) -> Option<f64>,
) -> Option<f64> {
    let mut alpha = 1.0;
    for _ in 0..MAX_HALVINGS {
        if let Some(ft) = trial(alpha) {
            let ok = if final_region {
                ft <= f + F_ROUNDING * (1.0 + f.abs())
            } else {
                ft < f && ft <= f - 1e-4 * alpha * decrement
            };
            if ok {
                return Some(ft);
            }
        }
        if final_region {
            return None;
        }
        alpha *= 0.5;
    }
    None
}
