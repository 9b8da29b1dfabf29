//! Tolerances of the optimiser in `estimate`, each with its reason.

/// Converged once a step moves every variable by less than this, relative to
/// max(|x|, STEP_FLOOR): with Gauss-Newton/Newton convergence the remaining error is
/// then ~1e-12 relative or less. The objective itself cannot resolve such steps (its
/// rounding is ~1e-16 relative while its change is quadratic in the step), so final
/// steps are taken on the strength of the gradient.
pub const STEP: f64 = 1e-10;
/// The per-SNP GWAS fits stop at 1e-7: the remaining error (~1e-7 of a step that is itself
/// a small fraction of the estimate) is below 1e-6 standard errors, far inside the 1e-3 SE
/// the loops must match GenomicSEM to, and it saves an iteration per SNP.
pub const GWAS_STEP: f64 = 1e-7;
pub const STEP_FLOOR: f64 = 1e-6;
/// Steps smaller than this (relative) are in the final region: taken whole unless the
/// objective rises beyond rounding.
pub const FINAL_REGION: f64 = 1e-6;
/// Objective rounding allowance in the final region (relative).
pub const F_ROUNDING: f64 = 1e-13;
/// A line search that cannot decrease F is accepted as convergence only when the
/// decrement is already this small (otherwise the direction was bad: not converged).
pub const STALL_DECREMENT: f64 = 1e-10;
/// Iteration cap; Gauss-Newton on these small models needs 5-40.
pub const MAX_ITER: usize = 500;
/// Halvings of the step before giving up on a line search.
pub const MAX_HALVINGS: usize = 40;
/// Gauss-Newton converges only linearly when the model fits badly (large residuals).
/// When an iteration shrinks the decrement by less than SLOW_RATIO, or after SWITCH_ITER
/// iterations, Newton steps with a Hessian from central differences of the analytic
/// gradient (2 gradients per parameter) finish the job quadratically. A Gauss-Newton
/// step is ~2n times cheaper, so they are kept while they gain a factor 4 per step
/// (measured: 50 us instead of 400 us per refit of the 5-indicator GWAS model).
pub const SLOW_RATIO: f64 = 0.25;
/// Per-SNP GWAS fits start next to their optimum, where Gauss-Newton steps (one model
/// evaluation each) beat Newton steps with a finite-difference Hessian (2n gradients each)
/// unless the contraction is very poor.
pub const GWAS_SLOW_RATIO: f64 = 0.7;
pub const SWITCH_ITER: usize = 30;
/// Relative step of the central differences (error ~1e-10 relative in the Hessian,
/// which only slows the final convergence negligibly).
pub const FD_STEP: f64 = 1e-5;
