//! Variable roles derived from the user's relations, with lavaan's ordering rules: observed
//! variables are indicators (in order of appearance), then dependent observed variables, then
//! exogenous observed variables, then variables that only appear in (co)variances.

use super::syntax::RelOp;

/// One user relation row (after splitting terms): `lhs op rhs`.
#[derive(Debug, Clone)]
pub struct FlatRow {
    pub lhs: String,
    pub op: RelOp,
    pub rhs: String,
}

#[derive(Debug, Clone, Default)]
pub struct VarNames {
    /// Latent variables, in order of their first `=~`.
    pub lv: Vec<String>,
    /// Observed variables in lavaan's order (the moment order of S and W).
    pub ov: Vec<String>,
    /// Exogenous observed variables (predictors only, no user (co)variance).
    pub ov_x: Vec<String>,
    /// Observed variables that are not exogenous.
    pub ov_nox: Vec<String>,
    /// Exogenous latent variables.
    pub lv_x: Vec<String>,
    /// Dependent latent, then dependent observed variables (for auto.cov.y).
    pub lvov_y: Vec<String>,
}

fn push_unique(out: &mut Vec<String>, name: &str) {
    if !out.iter().any(|n| n == name) {
        out.push(name.to_string());
    }
}

fn unique_of<'a>(rows: &'a [FlatRow], op: RelOp, take: fn(&'a FlatRow) -> &'a str) -> Vec<String> {
    let mut out = Vec::new();
    for r in rows.iter().filter(|r| r.op == op) {
        push_unique(&mut out, take(r));
    }
    out
}

impl VarNames {
    pub fn from_rows(rows: &[FlatRow]) -> VarNames {
        let has = |set: &[String], n: &str| set.iter().any(|s| s == n);
        let lv = unique_of(rows, RelOp::Measure, |r| &r.lhs);
        let v_ind = unique_of(rows, RelOp::Measure, |r| &r.rhs);
        let eqs_y = unique_of(rows, RelOp::Regress, |r| &r.lhs);
        let eqs_x = unique_of(rows, RelOp::Regress, |r| &r.rhs);

        let ov_ind: Vec<String> = v_ind.iter().filter(|v| !has(&lv, v)).cloned().collect();
        let ov_y_all: Vec<String> = eqs_y
            .iter()
            .filter(|v| !has(&lv, v) && !has(&ov_ind, v))
            .cloned()
            .collect();
        let ov_x_all: Vec<String> = eqs_x
            .iter()
            .filter(|v| !has(&lv, v) && !has(&ov_ind, v) && !has(&ov_y_all, v))
            .cloned()
            .collect();
        let mut ov: Vec<String> = Vec::new();
        for v in ov_ind.iter().chain(&ov_y_all).chain(&ov_x_all) {
            push_unique(&mut ov, v);
        }
        let covs: Vec<&FlatRow> = rows.iter().filter(|r| r.op == RelOp::Covary).collect();
        for v in covs
            .iter()
            .map(|r| &r.lhs)
            .chain(covs.iter().map(|r| &r.rhs))
        {
            if !has(&lv, v) {
                push_unique(&mut ov, v);
            }
        }
        // A predictor with a user-specified (co)variance is treated as random, not exogenous.
        let ov_x: Vec<String> = ov_x_all
            .iter()
            .filter(|v| !covs.iter().any(|r| &r.lhs == *v || &r.rhs == *v))
            .cloned()
            .collect();
        let ov_nox = ov.iter().filter(|v| !has(&ov_x, v)).cloned().collect();
        let lv_x = lv
            .iter()
            .filter(|v| !has(&v_ind, v) && !has(&eqs_y, v))
            .cloned()
            .collect();
        let pure_y = |v: &String| has(&eqs_y, v) && !has(&v_ind, v) && !has(&eqs_x, v);
        let lv_y = lv.iter().filter(|v| pure_y(v));
        let ov_y = ov.iter().filter(|v| pure_y(v) && !has(&lv, v));
        let lvov_y = lv_y.chain(ov_y).cloned().collect();
        VarNames {
            lv,
            ov,
            ov_x,
            ov_nox,
            lv_x,
            lvov_y,
        }
    }
}
