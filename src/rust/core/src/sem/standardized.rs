//! Parameter values per table row, `:=` parameters with their Jacobians, lavaan's
//! standardized solution (std.all), and GenomicSEM's standardization of S and V.

use nalgebra::DMatrix;

use super::error::SemError;
use super::matrices::{Slot, Source};
use super::model::Model;
use super::partable::ParOp;

/// Value of every parameter row after the last fit (NaN for non-parameter rows).
pub fn row_values(model: &Model) -> Vec<f64> {
    let mut out = vec![f64::NAN; model.pt.rows.len()];
    row_values_into(model, &mut out);
    out
}

/// [`row_values`] into a buffer of one value per table row (non-parameter rows untouched).
pub fn row_values_into(model: &Model, out: &mut [f64]) {
    for &(row, _, source) in &model.fitter.st.entries {
        out[row] = match source {
            Source::Free(k) => model.theta().get(k).copied().unwrap_or(f64::NAN),
            Source::Fixed(v) => v,
            Source::Sample(i, j) => model.sample[(i, j)],
        };
    }
}

/// Values and Jacobians (over the full free parameters) of the `:=` rows, in table order:
/// (row index, value, gradient). Labels resolve to the first row carrying them; a definition
/// may use earlier definitions.
pub fn defined_parameters(
    model: &Model,
    values: &[f64],
) -> Result<Vec<(usize, f64, Vec<f64>)>, SemError> {
    let pt = &model.pt;
    let n_free = pt.n_free();
    let mut out: Vec<(usize, f64, Vec<f64>)> = Vec::new();
    for (r, row) in pt
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.op == ParOp::Define)
    {
        let Some((_, expr)) = &row.exprs else {
            continue;
        };
        let mut vars = Vec::new();
        expr.variables(&mut vars);
        // Resolve each name to (value, gradient over free parameters).
        let mut resolved: Vec<(String, f64, Vec<f64>)> = Vec::new();
        for name in vars {
            let mut grad = vec![0.0; n_free];
            let value = if let Some(pr) = pt.row_of_label(&name) {
                if let Some(k) = pt.rows[pr].free.checked_sub(1) {
                    grad[k] = 1.0;
                }
                values[pr]
            } else if let Some((_, v, g)) = out.iter().find(|(dr, _, _)| pt.rows[*dr].lhs == name) {
                grad.clone_from(g);
                *v
            } else {
                return Err(SemError::UnknownLabel { label: name });
            };
            resolved.push((name, value, grad));
        }
        let lookup = |n: &str| resolved.iter().find(|x| x.0 == n).map_or(f64::NAN, |x| x.1);
        let value = expr.eval(&lookup);
        let mut grad = vec![0.0; n_free];
        for (name, _, g) in &resolved {
            let d = expr.derivative(&lookup, name);
            for (acc, gi) in grad.iter_mut().zip(g) {
                *acc += d * gi;
            }
        }
        out.push((r, value, grad));
    }
    Ok(out)
}

/// lavaan's std.all: every parameter row rescaled by model-implied standard deviations
/// (covariances by the residual variances of their two variables);
/// `:=` rows are their expressions evaluated at the standardized values.
pub fn std_all(model: &Model, values: &[f64]) -> Vec<f64> {
    let c = model.implied_all();
    let sd = |v: usize| c[(v, v)].sqrt();
    let resid = &model.fitter.ws.pmat;
    let mut out = vec![f64::NAN; values.len()];
    for &(row, slot, _) in &model.fitter.st.entries {
        let v = values[row];
        out[row] = match (model.pt.rows[row].op, slot) {
            (ParOp::Measure, Slot::Path { to, from })
            | (ParOp::Regress, Slot::Path { to, from }) => v * sd(from) / sd(to),
            (_, Slot::Cov { i, j }) if i == j => v / (sd(i) * sd(j)),
            // lavaan scales covariances by the (residual) variances of the same matrix, so
            // a residual covariance becomes a residual correlation.
            (_, Slot::Cov { i, j }) => v / (resid[(i, i)] * resid[(j, j)]).sqrt(),
            _ => f64::NAN,
        };
    }
    let pt = &model.pt;
    for r in 0..pt.rows.len() {
        if pt.rows[r].op != ParOp::Define {
            continue;
        }
        let Some((_, expr)) = &pt.rows[r].exprs else {
            continue;
        };
        let lookup = |name: &str| {
            pt.row_of_label(name)
                .map(|pr| out[pr])
                .or_else(|| {
                    pt.rows[..r]
                        .iter()
                        .position(|d| d.op == ParOp::Define && d.lhs == name)
                        .map(|d| out[d])
                })
                .unwrap_or(f64::NAN)
        };
        out[r] = expr.eval(&lookup);
    }
    out
}

/// GenomicSEM's standardized covariance structure: S_Stand = D^-1 S D^-1 and
/// V_Stand = diag(a) cor(V) diag(a) with a = sqrt(diag V) * vech(S_Stand / S) (NaN -> 0).
pub fn standardize_covstruc(s: &DMatrix<f64>, v: &DMatrix<f64>) -> (DMatrix<f64>, DMatrix<f64>) {
    let k = s.nrows();
    let d: Vec<f64> = (0..k).map(|i| s[(i, i)].sqrt()).collect();
    let s_stand = DMatrix::from_fn(k, k, |i, j| s[(i, j)] / (d[i] * d[j]));
    let mut ratio = Vec::with_capacity(v.nrows());
    for j in 0..k {
        for i in j..k {
            let r = s_stand[(i, j)] / s[(i, j)];
            ratio.push(if r.is_nan() { 0.0 } else { r });
        }
    }
    let sdv: Vec<f64> = (0..v.nrows()).map(|a| v[(a, a)].sqrt()).collect();
    let a: Vec<f64> = sdv.iter().zip(&ratio).map(|(s, r)| s * r).collect();
    let v_stand = DMatrix::from_fn(v.nrows(), v.ncols(), |x, y| {
        let cor = v[(x, y)] / (sdv[x] * sdv[y]);
        let val = a[x] * cor * a[y];
        if val.is_nan() {
            0.0
        } else {
            val
        }
    });
    (s_stand, v_stand)
}
