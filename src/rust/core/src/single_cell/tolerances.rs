//! Numerical tolerances of the single-cell fit, each with the reason for its size.

/// Squared Cholesky pivot of the unit-diagonal X'X below which a covariate counts as a linear
/// combination of the columns before it: the column's R^2 on them exceeds 1 - 1e-10, beyond
/// which fixed-effect standard errors lose more than 5 of their 16 digits.
pub const COLLINEARITY_PIVOT: f64 = 1e-10;

/// Smallest eigenvalue of A = D^1/2 K D^1/2 accepted, relative to the largest. A plink GRM is
/// centred (rank m - 1) and float32 rounding leaves about -1.5e-9 (times cells per donor);
/// 1e-6 accepts that and rejects matrices with genuinely negative directions. Eigenvalues
/// in [-1e-6 * max, 0) are treated as 0.
pub const KERNEL_PSD_RELATIVE: f64 = 1e-6;

/// Relative asymmetry accepted in a dense kernel: files store one triangle (GCTA) and
/// matrices built in R are symmetric to rounding.
pub const KERNEL_SYMMETRY_RELATIVE: f64 = 1e-8;

/// Convergence of the variance ratio: the root of dREML/dlog(tau) is located to this width in
/// log(tau), i.e. tau to about 1e-10 relative, four orders below the 1e-6 agreement of the
/// independent references (lme4, dense REML).
pub const LOG_TAU_TOLERANCE: f64 = 1e-10;

/// Residual sum of squares after the covariates, relative to the total sum of squares about
/// the mean, below which the gene is flagged as explained exactly by its covariates.
pub const EXPLAINED_RELATIVE: f64 = 1e-12;

/// Search grid for tau, in decades around 1 / mean(lambda) (where donor and residual variance
/// contribute equally to an average donor mean): 1e-5 .. 1e5 covers h2 from ~0 to ~1; the
/// search extends up to 1e12 before declaring tau unbounded.
pub const GRID_DECADES: (i32, i32) = (-5, 5);
pub const MAX_DECADE: i32 = 12;

/// Maximum criterion evaluations of one root search.
pub const MAX_ROOT_ITERATIONS: usize = 200;

/// tau counts as not identifiable when the kernel's mean square eigenvalue left after
/// projecting out the covariates is below this fraction of its value before (a GRM of ones is
/// the intercept's direction: what is left is rounding, ~1e-16 relative), ...
pub const IDENTIFIABLE_PROJECTED: f64 = 1e-10;

/// ... or when the variance of those eigenvalues is below this fraction of their mean square
/// (one cell per donor with K = I: all equal up to rounding, ~1e-15; the smallest genuine
/// spread, a single donor with two cells among m, is about 1 / m, far above).
pub const IDENTIFIABLE_SPREAD: f64 = 1e-9;

/// A variant whose covariate-adjusted variance `Var(T)` is below this fraction of its
/// unadjusted `sum q g~^2` is (numerically) explained by the covariates (a genotype constant
/// over donors, or a copy of a donor-level covariate): its R^2 on them exceeds 1 - 1e-10, the
/// difference has lost 10 of its 16 digits, and the test is reported as NA.
pub const GENOTYPE_EXPLAINED_RELATIVE: f64 = 1e-10;
