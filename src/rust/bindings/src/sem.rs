//! `usermodel()` and `commonfactor()`: S, V and a model in, plain lists out. R shapes the
//! returned columns into GenomicSEM's data frames.

use crate::convert::{dmatrix, named_list, rmatrix};
use crate::errors::{core_error, reply, RError, RResult};
use extendr_api::prelude::*;
use gsem_core::sem::{self, Estimator, QFactorRow, UsermodelOptions, UsermodelOutput};

fn estimator(name: &str) -> RResult<Estimator> {
    name.parse::<Estimator>().map_err(|_| {
        RError::argument(format!(
            "`estimation` must be \"DWLS\" or \"ML\", not \"{name}\"."
        ))
    })
}

/// @noRd
#[extendr]
#[allow(clippy::too_many_arguments)]
fn rs_usermodel(
    s: Robj,
    names: Vec<String>,
    v: Robj,
    model: &str,
    estimation: &str,
    std_lv: bool,
    fix_resid: bool,
    toler: Robj,
    q_factor: bool,
) -> Robj {
    reply((|| {
        let (s, v) = (dmatrix(&s, "S")?, dmatrix(&v, "V")?);
        let toler = if toler.is_null() {
            None
        } else {
            toler.as_real()
        };
        let options = UsermodelOptions {
            estimation: estimator(estimation)?,
            std_lv,
            fix_resid,
            toler,
        };
        let out = sem::usermodel(&s, &names, &v, model, options).map_err(core_error)?;
        let q = if q_factor {
            Some(sem::q_factor(&out))
        } else {
            None
        };
        output_to_r(&out, q)
    })())
}

/// @noRd
#[extendr]
fn rs_commonfactor(s: Robj, names: Vec<String>, v: Robj, estimation: &str) -> Robj {
    reply((|| {
        let (s, v) = (dmatrix(&s, "S")?, dmatrix(&v, "V")?);
        let out = sem::commonfactor(&s, &names, &v, estimator(estimation)?).map_err(core_error)?;
        output_to_r(&out, None)
    })())
}

fn output_to_r(out: &UsermodelOutput, q: Option<Vec<QFactorRow>>) -> RResult<Robj> {
    let fit = &out.modelfit;
    let rows = &out.results;
    let column = |f: &dyn Fn(&sem::ResultRow) -> f64| -> Robj {
        rows.iter().map(f).collect::<Vec<f64>>().into()
    };
    let text = |f: &dyn Fn(&sem::ResultRow) -> String| -> Robj {
        rows.iter().map(f).collect::<Vec<String>>().into()
    };
    let results = named_list(vec![
        ("id", column(&|r| r.id as f64)),
        ("lhs", text(&|r| r.lhs.clone())),
        ("op", text(&|r| r.op.clone())),
        ("rhs", text(&|r| r.rhs.clone())),
        (
            "free",
            rows.iter().map(|r| r.free).collect::<Vec<bool>>().into(),
        ),
        ("est", column(&|r| r.est)),
        ("se", column(&|r| r.se)),
        ("std_genotype", column(&|r| r.std_genotype)),
        ("std_genotype_se", column(&|r| r.std_genotype_se)),
        ("std_all", column(&|r| r.std_all)),
        ("p_value", column(&|r| r.p_value)),
    ])?;
    let modelfit = named_list(vec![
        ("chisq", fit.chisq.into()),
        ("df", fit.df.into()),
        ("p_chisq", fit.p_chisq.into()),
        ("AIC", fit.aic.into()),
        ("CFI", fit.cfi.into()),
        ("SRMR", fit.srmr.into()),
    ])?;
    let sm = &out.smoothing;
    let smoothing = named_list(vec![
        ("s_smoothed", sm.s_smoothed.into()),
        ("v_smoothed", sm.v_smoothed.into()),
        ("ld_sdiff", sm.ld_sdiff.into()),
        ("ld_sdiff_v", sm.ld_sdiff_v.into()),
        ("z_diff", sm.z_diff.into()),
        ("z_diff_abs", sm.z_diff_abs.into()),
    ])?;
    let q_factor: Robj = match q {
        None => ().into(),
        Some(q) => named_list(vec![
            (
                "Factor1",
                q.iter()
                    .map(|r| r.factor1.clone())
                    .collect::<Vec<String>>()
                    .into(),
            ),
            (
                "Factor2",
                q.iter()
                    .map(|r| r.factor2.clone())
                    .collect::<Vec<String>>()
                    .into(),
            ),
            (
                "QFactor_chisq",
                q.iter().map(|r| r.chisq).collect::<Vec<f64>>().into(),
            ),
            (
                "QFactor_df",
                q.iter().map(|r| r.df).collect::<Vec<f64>>().into(),
            ),
            (
                "QFactor_p",
                q.iter().map(|r| r.p).collect::<Vec<f64>>().into(),
            ),
        ])?,
    };
    named_list(vec![
        ("modelfit", modelfit),
        ("results", results),
        ("traits", out.traits.clone().into()),
        ("implied", rmatrix(&out.implied)),
        ("residual", rmatrix(&out.residual)),
        ("smoothing", smoothing),
        (
            "latent_correlation_out_of_bounds",
            out.latent_correlation_out_of_bounds.into(),
        ),
        ("residuals_bounded", out.residuals_bounded.into()),
        ("equality_constraints", has_equality_labels(out).into()),
        ("q_factor", q_factor),
    ])
}

/// GenomicSEM notes that equality constraints also bind the standardized fit whenever a
/// label is shared by several parameters.
fn has_equality_labels(out: &UsermodelOutput) -> bool {
    let labels: Vec<&str> = out
        .model
        .pt
        .rows
        .iter()
        .map(|r| r.label.as_str())
        .filter(|l| !l.is_empty())
        .collect();
    labels
        .iter()
        .enumerate()
        .any(|(i, l)| labels[..i].contains(l))
}

extendr_module! {
    mod sem;
    fn rs_usermodel;
    fn rs_commonfactor;
}
