//! GenomicSEM's `usermodel()` pipeline on plain matrices: subset and smooth S and V, fit,
//! sandwich SEs, `:=` parameters, chi-square and fit indices, standardized refit.

use nalgebra::DMatrix;

use super::error::SemError;
use super::estimate::Estimator;
use super::fit::{cfi_closed_form, model_chisq, srmr};
use super::model::Model;
use super::nearpd::{min_eigenvalue, nearpd};
use super::partable::{ParOp, ParTable, PartableOptions};
use super::sandwich::{defined_variance, sandwich, Weight};
use super::standardized::{defined_parameters, row_values, standardize_covstruc, std_all};
use super::stats::{pchisq_upper, two_sided_p};

pub use super::usermodel_output::{
    ModelFit, ResultRow, Smoothing, UsermodelOptions, UsermodelOutput,
};

/// Weight used where V_Stand has a zero variance (GenomicSEM sets such diagonals to 2e-9).
const ZERO_VARIANCE_STAND: f64 = 2e-9;
/// GenomicSEM's lower bound on residual variances when a model fails to converge.
const RESIDUAL_LOWER_BOUND: f64 = 1e-4;

/// Fitted quantities of one fit: estimates, SEs and `:=` rows.
struct FitResult {
    residuals_bounded: bool,
    values: Vec<f64>,
    se: Vec<f64>,
    std_all: Vec<f64>,
    /// Sandwich covariance of the free parameters (order of their `free` index).
    vcov: DMatrix<f64>,
}

fn subset_vech(v: &DMatrix<f64>, k: usize, keep: &[usize]) -> DMatrix<f64> {
    let mut idx = Vec::new();
    for (c, &jc) in keep.iter().enumerate() {
        for &ir in &keep[c..] {
            let (i, j) = if ir >= jc { (ir, jc) } else { (jc, ir) };
            idx.push(j * k - j * (j + 1) / 2 + i);
        }
    }
    DMatrix::from_fn(idx.len(), idx.len(), |a, b| v[(idx[a], idx[b])])
}

/// Fits `model` to S/V and fills estimates, sandwich SEs and std.all per table row.
fn fit_and_sandwich(
    model: &mut Model,
    s: &DMatrix<f64>,
    v: &DMatrix<f64>,
    fix_resid: bool,
    toler: Option<f64>,
) -> Result<FitResult, SemError> {
    let v_lav = model.reorder_v(v)?;
    let w: Vec<f64> = (0..v_lav.nrows())
        .map(|a| {
            let d = v_lav[(a, a)];
            1.0 / if d == 0.0 { ZERO_VARIANCE_STAND } else { d }
        })
        .collect();
    let mut residuals_bounded = false;
    if let Err(err) = model.fit(s.as_slice(), &w) {
        let retry = matches!(
            err,
            SemError::NotConverged { .. } | SemError::NotPositiveDefinite { .. }
        );
        if !(fix_resid && retry) {
            return Err(err);
        }
        model.bound_residual_variances(RESIDUAL_LOWER_BOUND);
        model.fit(s.as_slice(), &w)?;
        residuals_bounded = true;
    }
    let values = row_values(model);
    let delta = model.delta().clone();
    let names = model.free_names();
    let ml_weight = match model.estimator() {
        Estimator::Dwls => None,
        Estimator::Ml => Some(model.ml_weight()?),
    };
    let weight = match &ml_weight {
        None => Weight::Diagonal(&w),
        Some(full) => Weight::Full(full),
    };
    if let Some(tol) = toler {
        check_condition(&delta, weight, tol)?;
    }
    let cov = sandwich(&delta, weight, &v_lav, &names)?;
    let mut se = vec![f64::NAN; values.len()];
    for (r, row) in model.pt.rows.iter().enumerate() {
        if let Some(k) = row.free.checked_sub(1) {
            se[r] = cov[(k, k)].sqrt();
        }
    }
    let mut values = values;
    for (r, value, grad) in defined_parameters(model, &values)? {
        values[r] = value;
        se[r] = match model.estimator() {
            Estimator::Dwls => defined_variance(&grad, &cov).sqrt(),
            Estimator::Ml => f64::NAN,
        };
    }
    let std_all = std_all(model, &values);
    Ok(FitResult {
        residuals_bounded,
        values,
        se,
        std_all,
        vcov: cov,
    })
}

/// R's `solve(a, tol = toler)` refuses a matrix whose reciprocal condition number in the
/// 1-norm is below `toler`; GenomicSEM passes `toler` to the solve of D'WD.
pub(crate) fn check_condition(
    delta: &DMatrix<f64>,
    weight: Weight<'_>,
    toler: f64,
) -> Result<(), SemError> {
    let wd = match weight {
        Weight::Diagonal(w) => {
            DMatrix::from_fn(delta.nrows(), delta.ncols(), |i, j| w[i] * delta[(i, j)])
        }
        Weight::Full(full) => full * delta,
    };
    let information = delta.transpose() * wd;
    let norm1 = |m: &DMatrix<f64>| m.column_iter().map(|c| c.abs().sum()).fold(0.0, f64::max);
    let rcond = match information.clone().try_inverse() {
        Some(inverse) => 1.0 / (norm1(&information) * norm1(&inverse)),
        None => 0.0,
    };
    if rcond < toler {
        return Err(SemError::NotIdentified {
            detail: format!(
                "the information matrix D'WD is computationally singular (reciprocal condition \
                 number {rcond:.3e} is below `toler` = {toler:e})"
            ),
        });
    }
    Ok(())
}

fn smooth(m: &DMatrix<f64>) -> Result<(DMatrix<f64>, bool), SemError> {
    if min_eigenvalue(m) <= 0.0 {
        Ok((nearpd(m)?.mat, true))
    } else {
        Ok((m.clone(), false))
    }
}

/// Z = S / SE with SE the lower triangle filled from sqrt(diag V).
fn z_matrix(s: &DMatrix<f64>, v: &DMatrix<f64>) -> Vec<f64> {
    let k = s.nrows();
    let mut out = Vec::new();
    let mut a = 0;
    for j in 0..k {
        for i in j..k {
            out.push(s[(i, j)] / v[(a, a)].sqrt());
            a += 1;
        }
    }
    out
}

/// GenomicSEM's `usermodel()` on S (k x k, columns named `names`) and V (k(k+1)/2 square).
pub fn usermodel(
    s: &DMatrix<f64>,
    names: &[String],
    v: &DMatrix<f64>,
    model: &str,
    options: UsermodelOptions,
) -> Result<UsermodelOutput, SemError> {
    let k = names.len();
    if s.nrows() != k || s.ncols() != k || v.nrows() != k * (k + 1) / 2 || v.ncols() != v.nrows() {
        return Err(SemError::BadInput {
            what: format!("S must be {k} x {k} and V {0} x {0}", k * (k + 1) / 2),
        });
    }
    if s.iter().chain(v.iter()).any(|x| !x.is_finite()) {
        return Err(SemError::BadInput {
            what: "S and V must not contain missing or infinite values".to_string(),
        });
    }
    let fixed_x = options.estimation == Estimator::Ml;
    let pt = ParTable::from_model(
        model,
        PartableOptions {
            std_lv: options.std_lv,
            fixed_x,
        },
    )?;
    let keep: Vec<usize> = (0..k)
        .filter(|&i| pt.names.ov.contains(&names[i]))
        .collect();
    if keep.is_empty() {
        return Err(SemError::NoTraitsInModel);
    }
    let traits: Vec<String> = keep.iter().map(|&i| names[i].clone()).collect();
    let s_sub = DMatrix::from_fn(keep.len(), keep.len(), |i, j| s[(keep[i], keep[j])]);
    let v_sub = subset_vech(v, k, &keep);
    let (s_use, s_smoothed) = smooth(&s_sub)?;
    let (v_use, v_smoothed) = smooth(&v_sub)?;
    let (z_pre, z_post) = (z_matrix(&s_sub, &v_sub), z_matrix(&s_use, &v_use));
    let smoothing = Smoothing {
        s_smoothed,
        v_smoothed,
        ld_sdiff: (&s_use - &s_sub).abs().max(),
        ld_sdiff_v: (&v_use - &v_sub).abs().max(),
        z_diff: z_pre
            .iter()
            .zip(&z_post)
            .map(|(a, b)| a - b)
            .filter(|d| d.is_finite())
            .fold(f64::NEG_INFINITY, f64::max),
        z_diff_abs: z_pre
            .iter()
            .zip(&z_post)
            .map(|(a, b)| (a - b).abs())
            .filter(|d| d.is_finite())
            .fold(0.0, f64::max),
    };

    let mut fitted = Model::from_partable(pt.clone(), &traits, options.estimation)?;
    let raw = fit_and_sandwich(
        &mut fitted,
        &s_use,
        &v_use,
        options.fix_resid,
        options.toler,
    )?;
    let (s_stand, v_stand) = standardize_covstruc(&s_use, &v_use);
    let mut fitted_stand = Model::from_partable(pt, &traits, options.estimation)?;
    let stand = fit_and_sandwich(
        &mut fitted_stand,
        &s_stand,
        &v_stand,
        options.fix_resid,
        options.toler,
    )?;

    let implied = to_user_order(&fitted, fitted.implied());
    let modelfit = usermodel_fit(&fitted, &s_use, &v_use, &implied);

    let rows = &fitted.pt.rows;
    let lv = &fitted.pt.names.lv;
    let latent_correlation_out_of_bounds = rows.iter().enumerate().any(|(r, row)| {
        row.op == ParOp::Covary
            && row.lhs != row.rhs
            && lv.contains(&row.lhs)
            && lv.contains(&row.rhs)
            && {
                let c = stand.std_all[r];
                c.is_nan() || c.abs() > 1.0
            }
    });
    let make = |r: usize, free: bool| {
        let row = &rows[r];
        let (est, se) = (raw.values[r], raw.se[r]);
        ResultRow {
            id: r + 1,
            lhs: row.lhs.clone(),
            op: row.op.symbol().to_string(),
            rhs: row.rhs.clone(),
            free,
            est,
            se: if free { se } else { f64::NAN },
            std_genotype: stand.values[r],
            std_genotype_se: if free { stand.se[r] } else { f64::NAN },
            std_all: if free {
                stand.std_all[r]
            } else {
                stand.values[r]
            },
            p_value: if free {
                two_sided_p(est / se)
            } else {
                f64::NAN
            },
        }
    };
    let mut results: Vec<ResultRow> = Vec::new();
    results.extend(
        (0..rows.len())
            .filter(|&r| rows[r].free > 0)
            .map(|r| make(r, true)),
    );
    results.extend(
        (0..rows.len())
            .filter(|&r| rows[r].op == ParOp::Define)
            .map(|r| make(r, true)),
    );
    results.extend(
        (0..rows.len())
            .filter(|&r| rows[r].op.is_parameter() && rows[r].free == 0)
            .map(|r| make(r, false)),
    );
    let residual = &s_use - &implied;
    Ok(UsermodelOutput {
        modelfit,
        results,
        traits,
        implied,
        residual,
        smoothing,
        latent_correlation_out_of_bounds,
        residuals_bounded: raw.residuals_bounded,
        model: fitted,
        v: v_use,
        s: s_use,
        vcov: raw.vcov,
    })
}

/// usermodel's `modelfit`: Q from V, lavaan's df and npar, closed-form CFI, lavaan's SRMR;
/// all NA (NaN) when df is 0.
fn usermodel_fit(
    fitted: &Model,
    s_use: &DMatrix<f64>,
    v_use: &DMatrix<f64>,
    implied: &DMatrix<f64>,
) -> ModelFit {
    let q = model_chisq(s_use, implied, v_use);
    let df = fitted.df() as f64;
    let npar = fitted.npar() as f64;
    if df == 0.0 {
        ModelFit {
            chisq: f64::NAN,
            df,
            p_chisq: f64::NAN,
            aic: f64::NAN,
            cfi: f64::NAN,
            srmr: f64::NAN,
        }
    } else {
        ModelFit {
            chisq: q,
            df,
            p_chisq: pchisq_upper(q, df),
            aic: q + 2.0 * npar,
            cfi: cfi_closed_form(s_use, v_use, q, df),
            srmr: srmr(&fitted.sample, fitted.implied()),
        }
    }
}

/// A lavaan-ordered observed matrix in the order of the caller's variables.
pub fn to_user_order(model: &Model, m: &DMatrix<f64>) -> DMatrix<f64> {
    let p = model.ov_in_input.len();
    let mut out = DMatrix::zeros(model.n_input, model.n_input);
    for c in 0..p {
        for r in 0..p {
            out[(model.ov_in_input[r], model.ov_in_input[c])] = m[(r, c)];
        }
    }
    out
}
