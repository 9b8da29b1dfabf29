//! Starting values. What matters is the basin, not the exact numbers: like lavaan's, they make
//! each factor's first loading positive (a factor's sign is otherwise arbitrary) and sit near
//! the optimum so that Gauss-Newton reaches it in a few steps.

use nalgebra::DMatrix;

use super::partable::{ParOp, ParTable};

/// Share of an indicator's variance assumed common at the start.
const START_COMMUNALITY: f64 = 0.5;
/// lavaan's start for the residual variance of an endogenous latent variable.
const START_LV_RESIDUAL: f64 = 0.05;

/// Full free-parameter starting vector for `pt`, given the sample covariance matrix in
/// lavaan's observed order.
pub fn start_values(pt: &ParTable, sample: &DMatrix<f64>) -> Vec<f64> {
    let ov = &pt.names.ov;
    let obs = |name: &str| ov.iter().position(|v| v == name);
    let s = |i: usize, j: usize| sample.get((i, j)).copied().unwrap_or(0.0);
    let is_param = |r: &&super::partable::ParRow| r.op.is_parameter();
    let fixed_value = |lhs: &str, op: ParOp, rhs: &str| {
        pt.rows
            .iter()
            .filter(is_param)
            .find(|r| r.lhs == lhs && r.op == op && r.rhs == rhs && r.free == 0)
            .and_then(|r| r.ustart)
    };
    // Per factor: its marker (first observed indicator), the marker's loading and the
    // factor variance implied by the assumed communality.
    let mut factor_scale: Vec<(String, usize, f64, f64)> = Vec::new();
    for lv in &pt.names.lv {
        let marker = pt
            .rows
            .iter()
            .filter(|r| r.op == ParOp::Measure && &r.lhs == lv)
            .find_map(|r| obs(&r.rhs).map(|i| (i, r)));
        let Some((m, row)) = marker else { continue };
        let common = START_COMMUNALITY * s(m, m);
        let var_fixed = fixed_value(lv, ParOp::Covary, lv);
        let (lambda_m, var_f) = match (row.free, row.ustart, var_fixed) {
            (0, Some(l), _) if l != 0.0 => (l, common / (l * l)),
            (_, _, Some(v)) if v > 0.0 => ((common / v).sqrt(), v),
            _ => (common.sqrt(), 1.0),
        };
        factor_scale.push((lv.clone(), m, lambda_m, var_f));
    }
    let scale_of = |lv: &str| factor_scale.iter().find(|f| f.0 == lv);
    let endogenous = |v: &str| pt.rows.iter().any(|r| r.op == ParOp::Regress && r.lhs == v);
    let mut out = vec![0.0; pt.n_free()];
    for row in pt.rows.iter().filter(|r| r.free > 0) {
        let value = if let Some(u) = row.ustart {
            u
        } else {
            match row.op {
                ParOp::Measure => match (scale_of(&row.lhs), obs(&row.rhs)) {
                    (Some(&(_, m, lambda_m, var_f)), Some(j)) if j != m => {
                        s(j, m) / (lambda_m * var_f)
                    }
                    (Some(&(_, _, lambda_m, _)), _) => lambda_m,
                    _ => 1.0,
                },
                ParOp::Covary if row.lhs == row.rhs => match (obs(&row.lhs), scale_of(&row.lhs)) {
                    (Some(i), _) if pt.names.ov_x.contains(&row.lhs) => s(i, i),
                    (Some(i), _) if !pt.names.lv.is_empty() || endogenous(&row.lhs) => {
                        (1.0 - START_COMMUNALITY) * s(i, i)
                    }
                    (Some(i), _) => s(i, i),
                    (None, _) if endogenous(&row.lhs) => START_LV_RESIDUAL,
                    (None, Some(&(_, _, _, var_f))) => var_f,
                    (None, None) => START_LV_RESIDUAL,
                },
                ParOp::Covary => match (obs(&row.lhs), obs(&row.rhs)) {
                    (Some(i), Some(j))
                        if !endogenous(&row.lhs)
                            && !endogenous(&row.rhs)
                            && pt.names.lv.is_empty() =>
                    {
                        s(i, j)
                    }
                    _ => 0.0,
                },
                _ => 0.0,
            }
        };
        if let Some(slot) = row.free.checked_sub(1).and_then(|k| out.get_mut(k)) {
            *slot = value;
        }
    }
    out
}
