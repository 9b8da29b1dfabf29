//! What `usermodel()` and `commonfactor()` return: plain data for the R side.

use nalgebra::DMatrix;

use super::estimate::Estimator;
use super::model::Model;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UsermodelOptions {
    pub estimation: Estimator,
    pub std_lv: bool,
    /// Refit with residual variances bounded below by 1e-4 when the first fit fails.
    pub fix_resid: bool,
    /// GenomicSEM's `toler`: when given, the information matrix D'WD must have a reciprocal
    /// condition number (1-norm, as R's `solve(tol = )` checks) of at least this value.
    pub toler: Option<f64>,
}

/// One row of `results` (NaN stands for R's NA).
#[derive(Debug, Clone, PartialEq)]
pub struct ResultRow {
    /// 1-based row of the parameter table (lavaan's `id`), which GenomicSEM's row names show.
    pub id: usize,
    pub lhs: String,
    pub op: String,
    pub rhs: String,
    /// false for fixed parameters (appended at the end, SE empty in GenomicSEM).
    pub free: bool,
    pub est: f64,
    pub se: f64,
    pub std_genotype: f64,
    pub std_genotype_se: f64,
    pub std_all: f64,
    pub p_value: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ModelFit {
    pub chisq: f64,
    pub df: f64,
    pub p_chisq: f64,
    pub aic: f64,
    pub cfi: f64,
    pub srmr: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Smoothing {
    pub s_smoothed: bool,
    pub v_smoothed: bool,
    /// max |S_smoothed - S|
    pub ld_sdiff: f64,
    /// max |V_smoothed - V|
    pub ld_sdiff_v: f64,
    /// max(Z_pre - Z_post) over finite values (not absolute, as in GenomicSEM)
    pub z_diff: f64,
    /// `max(abs(Z_pre - Z_post))`, as enrich() reports it (`Z_smooth`).
    pub z_diff_abs: f64,
}

#[derive(Debug, Clone)]
pub struct UsermodelOutput {
    pub modelfit: ModelFit,
    pub results: Vec<ResultRow>,
    /// Traits used by the model, in the order of S.
    pub traits: Vec<String>,
    /// Model-implied covariance and S - implied, in the order of `traits`.
    pub implied: DMatrix<f64>,
    pub residual: DMatrix<f64>,
    pub smoothing: Smoothing,
    /// A latent correlation (std.all of a latent covariance) outside [-1, 1] or NaN:
    /// GenomicSEM prints the results and returns NULL in that case.
    pub latent_correlation_out_of_bounds: bool,
    /// The first fit failed and the model was refitted with residual variances bounded below
    /// (GenomicSEM's `fix_resid` fallback); GenomicSEM prints a message in that case.
    pub residuals_bounded: bool,
    /// The fitted model (unstandardized), for follow-up computations such as Q_Factor.
    pub model: Model,
    /// V subset to `traits`, smoothed, in the caller's vech order.
    pub v: DMatrix<f64>,
    pub s: DMatrix<f64>,
    /// Sandwich covariance of the free parameters of the unstandardized fit, indexed by the
    /// parameter table's `free` number minus one (GenomicSEM's `Ohtt`).
    pub vcov: DMatrix<f64>,
}
