//! Constraint rows -> the optimiser's parameterisation: parameters tied by `==` share one
//! optimisation variable; `x > c` / `x < c` on a single parameter become bounds.

use super::error::SemError;
use super::expr::Expr;
use super::partable::{ParOp, ParTable};

/// Map from lavaan's free parameters to the optimiser's variables, with bounds.
#[derive(Debug, Clone)]
pub struct Reduction {
    /// For each full free parameter (0-based), its optimiser variable.
    pub var_of: Vec<usize>,
    pub n_vars: usize,
    pub lower: Vec<f64>,
    pub upper: Vec<f64>,
    /// Number of equality constraints (each removes one degree of freedom from npar).
    pub n_equalities: usize,
}

fn free_index(pt: &ParTable, e: &Expr) -> Result<Option<usize>, SemError> {
    let Some(name) = e.as_var() else {
        return Ok(None);
    };
    let row = pt
        .row_of_label(name)
        .ok_or_else(|| SemError::UnknownLabel {
            label: name.to_string(),
        })?;
    Ok(pt.rows.get(row).and_then(|r| r.free.checked_sub(1)))
}

fn unsupported(lhs: &str, op: ParOp, rhs: &str) -> SemError {
    SemError::Unsupported {
        what: format!("the constraint `{lhs} {} {rhs}` (only `label == label` and `label > number` / `label < number` are supported)", op.symbol()),
    }
}

impl Reduction {
    pub fn new(pt: &ParTable) -> Result<Reduction, SemError> {
        let n = pt.n_free();
        let mut rep: Vec<usize> = (0..n).collect();
        let mut lower_full = vec![f64::NEG_INFINITY; n];
        let mut upper_full = vec![f64::INFINITY; n];
        let mut n_equalities = 0;
        let find = |rep: &Vec<usize>, mut k: usize| {
            while rep[k] != k {
                k = rep[k];
            }
            k
        };
        for row in pt
            .rows
            .iter()
            .filter(|r| matches!(r.op, ParOp::Equal | ParOp::Less | ParOp::Greater))
        {
            let Some((lhs, rhs)) = &row.exprs else {
                continue;
            };
            let (fl, fr) = (free_index(pt, lhs)?, free_index(pt, rhs)?);
            match (row.op, fl, fr) {
                (ParOp::Equal, Some(a), Some(b)) => {
                    let (ra, rb) = (find(&rep, a), find(&rep, b));
                    if ra != rb {
                        rep[ra.max(rb)] = ra.min(rb);
                        n_equalities += 1;
                    }
                }
                (ParOp::Greater, Some(a), None) | (ParOp::Less, None, Some(a)) => {
                    let c = constant(row.op, lhs, rhs, &row.lhs, &row.rhs)?;
                    lower_full[a] = lower_full[a].max(c);
                }
                (ParOp::Less, Some(a), None) | (ParOp::Greater, None, Some(a)) => {
                    let c = constant(row.op, lhs, rhs, &row.lhs, &row.rhs)?;
                    upper_full[a] = upper_full[a].min(c);
                }
                _ => return Err(unsupported(&row.lhs, row.op, &row.rhs)),
            }
        }
        let mut var_of = vec![0; n];
        let mut n_vars = 0;
        let mut var_of_rep = vec![usize::MAX; n];
        for (k, slot) in var_of.iter_mut().enumerate() {
            let r = find(&rep, k);
            if var_of_rep[r] == usize::MAX {
                var_of_rep[r] = n_vars;
                n_vars += 1;
            }
            *slot = var_of_rep[r];
        }
        let mut lower = vec![f64::NEG_INFINITY; n_vars];
        let mut upper = vec![f64::INFINITY; n_vars];
        for k in 0..n {
            let v = var_of[k];
            lower[v] = lower[v].max(lower_full[k]);
            upper[v] = upper[v].min(upper_full[k]);
        }
        if let Some(v) = (0..n_vars).find(|&v| lower[v] > upper[v]) {
            let k = var_of.iter().position(|&x| x == v).unwrap_or(0);
            let label = pt
                .rows
                .iter()
                .find(|r| r.free == k + 1)
                .map(|r| {
                    if r.label.is_empty() {
                        format!("{}{}{}", r.lhs, r.op.symbol(), r.rhs)
                    } else {
                        r.label.clone()
                    }
                })
                .unwrap_or_default();
            return Err(SemError::ContradictoryBounds {
                label,
                lower: lower[v],
                upper: upper[v],
            });
        }
        Ok(Reduction {
            var_of,
            n_vars,
            lower,
            upper,
            n_equalities,
        })
    }

    /// Full free parameters from optimiser variables.
    pub fn expand(&self, x: &[f64], theta: &mut [f64]) {
        for (t, &v) in theta.iter_mut().zip(&self.var_of) {
            *t = x.get(v).copied().unwrap_or(f64::NAN);
        }
    }

    /// Optimiser variables from full free parameters (the first member of each tie wins),
    /// moved inside the bounds.
    pub fn reduce(&self, theta: &[f64], x: &mut [f64]) {
        for k in (0..theta.len()).rev() {
            if let Some(slot) = x.get_mut(self.var_of[k]) {
                *slot = theta[k];
            }
        }
        for (j, xj) in x.iter_mut().enumerate() {
            *xj = xj.clamp(self.lower[j], self.upper[j]);
        }
    }
}

fn constant(op: ParOp, lhs: &Expr, rhs: &Expr, lt: &str, rt: &str) -> Result<f64, SemError> {
    lhs.as_constant()
        .or_else(|| rhs.as_constant())
        .filter(|c| c.is_finite())
        .ok_or_else(|| unsupported(lt, op, rt))
}
