//! Numerical tolerances of the count (PQL) fits, each with the reason for its size.

/// PQL stops when `max |eta_new - eta| <` this. The iteration converges superlinearly; below
/// ~3e-11 the changes are floating-point noise (spec section 3), and 1e-10 keeps s2g and the
/// fixed effects 4 orders inside the 1e-6 agreement asked of them.
pub const PQL_ETA_TOLERANCE: f64 = 1e-10;

/// PQL iterations before a gene is reported as not converged (the reference needs at most 30
/// at 1e-11, typically 5-15).
pub const PQL_MAX_ITERATIONS: usize = 200;

/// NB alternation stops when `|d theta / theta| <` this (the reference's rule).
pub const THETA_RELATIVE_TOLERANCE: f64 = 1e-10;

/// NB alternations before giving up (the reference needs 5-12).
pub const THETA_MAX_ALTERNATIONS: usize = 200;

/// If the NB score is still positive at this theta the counts are not overdispersed: theta is
/// reported as `Inf` with the Poisson fit (SAIGE-QTL / the reference use the same cap).
pub const THETA_MAX: f64 = 1e7;

/// Lower end of the theta search (overdispersion far beyond any expression data).
pub const THETA_MIN: f64 = 1e-4;

/// Working-REML grid for tau: log-spaced from 1e-8 to 1e4 (60 points, as the reference), the
/// root of the derivative then bracketed between grid neighbours and refined to 1e-14.
pub const TAU_GRID: (f64, f64, usize) = (1e-8, 1e4, 60);

/// Upper end of the bracket search for tau beyond the grid.
pub const TAU_MAX: f64 = 1e6;

/// Relative width to which the root of d(-2 l_R)/dtau is located: the criterion is flat to
/// ~1e-6 relative in tau, only its derivative pins tau to 1e-10 and better.
pub const TAU_ROOT_RELATIVE: f64 = 1e-14;

/// GLM start (IRLS): relative change of the deviance below which it stops (glm.fit's 1e-8).
pub const GLM_DEVIANCE_RELATIVE: f64 = 1e-8;
pub const GLM_MAX_ITERATIONS: usize = 50;

/// Eigenvalues of `Dw^1/2 K Dw^1/2` in [-this * max, 0) are rounding of a singular (centred)
/// GRM and are set to 0, as in the quantitative stage 1.
pub const KERNEL_PSD_RELATIVE: f64 = 1e-6;

/// SPA (Poisson) is used when |z| exceeds this (SAIGE-QTL's default).
pub const SPA_CUTOFF: f64 = 2.0;

/// Saddle-point root: |d zeta| below this ends the Newton/bisection search.
pub const SPA_ROOT_TOLERANCE: f64 = 1e-12;

/// The tridiagonal route (working.rs) solves with `I + tau T` for tau up to `2 TAU_MAX`, where
/// T keeps the small negative eigenvalues (rounding of a singular, centred kernel) that the
/// eigenvector route sets to 0. It is taken while `2 TAU_MAX |min eigenvalue| <` this: every
/// pivot of `I + tau T` stays >= 0.9, and at a working tau that direction's
/// `om = tau l / (1 + tau l)` is within `0.05 tau / TAU_MAX` of the clamped 0 (5e-8 at tau = 1),
/// the size of the rounding the eigenvector route leaves in its other small eigenvalues.
/// Otherwise (a kernel indefinite beyond rounding) the gene's iteration takes the eigen route.
pub const TRIDIAGONAL_NEGATIVE_SHIFT: f64 = 0.1;
