//! usermodel's `Q_Factor`: for every pair of factors with a nonzero model-implied
//! correlation, a chi-square of the residual covariances between their indicators,
//! Q = eta' V_sub^-1 eta (eigen form) with length(eta) - 1 degrees of freedom.

use nalgebra::DMatrix;

use super::fit::quadratic_form_eigen;
use super::matrices::vech_index;
use super::partable::ParOp;
use super::stats::pchisq_upper;
use super::usermodel::UsermodelOutput;

#[derive(Debug, Clone, PartialEq)]
pub struct QFactorRow {
    /// The later factor of the pair (GenomicSEM's `Factor1`), then the earlier one.
    pub factor1: String,
    pub factor2: String,
    /// NaN when the pair has a single residual (df 0).
    pub chisq: f64,
    pub df: f64,
    pub p: f64,
}

pub fn q_factor(out: &UsermodelOutput) -> Vec<QFactorRow> {
    let model = &out.model;
    let lv = &model.pt.names.lv;
    let p = model.pt.names.ov.len();
    let c = model.implied_all();
    let trait_index = |name: &str| out.traits.iter().position(|t| t == name);
    let indicators = |f: &str| -> Vec<usize> {
        model
            .pt
            .rows
            .iter()
            .filter(|r| r.op == ParOp::Measure && r.lhs == f)
            .filter_map(|r| trait_index(&r.rhs))
            .collect()
    };
    let k = out.traits.len();
    let mut rows = Vec::new();
    for col in 0..lv.len() {
        for row in col + 1..lv.len() {
            if c[(p + row, p + col)] == 0.0 {
                continue;
            }
            let (ind1, ind2) = (indicators(&lv[row]), indicators(&lv[col]));
            let mut eta = Vec::new();
            let mut moments = Vec::new();
            for &j in &ind2 {
                for &i in &ind1 {
                    eta.push(out.residual[(i, j)]);
                    moments.push(vech_index(k, i, j));
                }
            }
            let v_sub = DMatrix::from_fn(moments.len(), moments.len(), |a, b| {
                out.v[(moments[a], moments[b])]
            });
            let df = eta.len() as f64 - 1.0;
            let chisq = if df > 0.0 {
                quadratic_form_eigen(&eta, &v_sub)
            } else {
                f64::NAN
            };
            rows.push(QFactorRow {
                factor1: lv[row].clone(),
                factor2: lv[col].clone(),
                chisq,
                df,
                p: pchisq_upper(chisq, df),
            });
        }
    }
    rows
}
