//! Statements -> parameter table, built the way lavaan 0.6.14's `sem()` builds it: user rows in
//! order, then default (residual) variances and covariances, then constraint and definition
//! rows, then one `==` row per repeated label (the repeated parameters stay separately free).

use super::error::SemError;
use super::expr::Expr;
use super::syntax::{parse_model, ConOp, Fixed, Modifiers, RelOp, Statement};
use super::vnames::{FlatRow, VarNames};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParOp {
    Measure,
    Regress,
    Covary,
    Define,
    Equal,
    Less,
    Greater,
}

impl ParOp {
    pub fn symbol(self) -> &'static str {
        match self {
            ParOp::Measure => "=~",
            ParOp::Regress => "~",
            ParOp::Covary => "~~",
            ParOp::Define => ":=",
            ParOp::Equal => "==",
            ParOp::Less => "<",
            ParOp::Greater => ">",
        }
    }

    /// Rows that are model parameters (as opposed to constraints and definitions).
    pub fn is_parameter(self) -> bool {
        matches!(self, ParOp::Measure | ParOp::Regress | ParOp::Covary)
    }
}

/// One row of the parameter table (lavaan's columns that matter here).
#[derive(Debug, Clone, PartialEq)]
pub struct ParRow {
    pub lhs: String,
    pub op: ParOp,
    pub rhs: String,
    /// 1 = written by the user, 0 = added by default, 2 = generated from a repeated label.
    pub user: u8,
    /// 0 for fixed parameters and non-parameter rows, else the 1-based free parameter number.
    pub free: usize,
    /// Fixed value, or user starting value of a free parameter.
    pub ustart: Option<f64>,
    /// Variance/covariance of exogenous observed variables under fixed.x (taken from S).
    pub exo: bool,
    pub label: String,
    pub plabel: String,
    /// Parsed right-hand side of `:=`, or (lhs, rhs) expressions of a constraint.
    pub exprs: Option<(Expr, Expr)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PartableOptions {
    /// Identify latent variables by fixing their variances to 1 instead of the first loading.
    pub std_lv: bool,
    /// Treat the (co)variances of exogenous observed variables as fixed (lavaan's fixed.x).
    pub fixed_x: bool,
}

#[derive(Debug, Clone)]
pub struct ParTable {
    pub rows: Vec<ParRow>,
    pub names: VarNames,
}

fn new_row(lhs: &str, op: ParOp, rhs: &str, user: u8) -> ParRow {
    ParRow {
        lhs: lhs.to_string(),
        op,
        rhs: rhs.to_string(),
        user,
        free: 1,
        ustart: None,
        exo: false,
        label: String::new(),
        plabel: String::new(),
        exprs: None,
    }
}

fn rel_to_par(op: RelOp) -> ParOp {
    match op {
        RelOp::Measure => ParOp::Measure,
        RelOp::Regress => ParOp::Regress,
        RelOp::Covary => ParOp::Covary,
    }
}

impl ParTable {
    /// Parses `model` and builds its parameter table.
    pub fn from_model(model: &str, options: PartableOptions) -> Result<ParTable, SemError> {
        ParTable::from_statements(&parse_model(model)?, options)
    }

    pub fn from_statements(
        stmts: &[Statement],
        options: PartableOptions,
    ) -> Result<ParTable, SemError> {
        let mut flat: Vec<(FlatRow, Modifiers)> = Vec::new();
        let mut constraints: Vec<ParRow> = Vec::new();
        for stmt in stmts {
            match stmt {
                Statement::Relation { lhs, op, terms } => {
                    for t in terms {
                        let row = FlatRow {
                            lhs: lhs.clone(),
                            op: *op,
                            rhs: t.var.clone(),
                        };
                        flat.push((row, t.modifiers.clone()));
                    }
                }
                Statement::Define { name, text, expr } => {
                    let mut row = new_row(name, ParOp::Define, text, 1);
                    row.free = 0;
                    row.label = name.clone();
                    row.exprs = Some((Expr::Var(name.clone()), expr.clone()));
                    constraints.push(row);
                }
                Statement::Constraint {
                    lhs_text,
                    op,
                    rhs_text,
                    lhs,
                    rhs,
                } => {
                    let op = match op {
                        ConOp::Equal => ParOp::Equal,
                        ConOp::Less => ParOp::Less,
                        ConOp::Greater => ParOp::Greater,
                    };
                    let mut row = new_row(lhs_text, op, rhs_text, 1);
                    row.free = 0;
                    row.exprs = Some((lhs.clone(), rhs.clone()));
                    constraints.push(row);
                }
            }
        }
        order_covariances(&mut flat);
        // lavaan ignores exact duplicates of a user row (keeping the first).
        let mut unique: Vec<(FlatRow, Modifiers)> = Vec::with_capacity(flat.len());
        for (row, m) in flat {
            if !unique
                .iter()
                .any(|(f, _)| f.lhs == row.lhs && f.op == row.op && f.rhs == row.rhs)
            {
                unique.push((row, m));
            }
        }
        let flat = unique;
        let flat_rows: Vec<FlatRow> = flat.iter().map(|(r, _)| r.clone()).collect();
        let names = VarNames::from_rows(&flat_rows);
        let mut rows: Vec<ParRow> = flat_rows
            .iter()
            .map(|r| new_row(&r.lhs, rel_to_par(r.op), &r.rhs, 1))
            .collect();
        let n_user = rows.len();
        for (lhs, rhs) in default_covariances(&names) {
            let dup = rows[..n_user]
                .iter()
                .any(|r| r.op == ParOp::Covary && r.lhs == lhs && r.rhs == rhs);
            if !dup {
                rows.push(new_row(&lhs, ParOp::Covary, &rhs, 0));
            }
        }
        apply_auto_fixing(&mut rows, &names, options);
        for (row, (_, m)) in rows.iter_mut().zip(&flat) {
            match m.fixed {
                Some(Fixed::Value(v)) => {
                    row.ustart = Some(v);
                    row.free = 0;
                }
                Some(Fixed::Free) => {
                    row.ustart = None;
                    row.free = 1;
                }
                None => {}
            }
            if let Some(s) = m.start {
                row.ustart = Some(s);
            }
            if let Some(l) = &m.label {
                row.label = l.clone();
            }
        }
        for (i, row) in rows.iter_mut().enumerate() {
            row.plabel = format!(".p{}.", i + 1);
        }
        let label_constraints = equality_from_labels(&mut rows);
        rows.extend(constraints);
        rows.extend(label_constraints);
        let mut table = ParTable { rows, names };
        table.renumber_free();
        Ok(table)
    }

    /// Numbers the free parameters 1, 2, ... in row order (after rows were fixed, freed or
    /// appended, e.g. GenomicSEM's fix_measurement tables).
    pub fn renumber_free(&mut self) {
        let mut next = 0;
        for row in self.rows.iter_mut() {
            if row.free > 0 {
                next += 1;
                row.free = next;
            }
        }
    }

    /// Fixes the parameter in row `index` at `value` (lavaan: free = 0, ustart = value) and
    /// renumbers the free parameters. Returns false when there is no such parameter row.
    pub fn fix_row(&mut self, index: usize, value: f64) -> bool {
        match self.rows.get_mut(index) {
            Some(row) if row.op.is_parameter() => {
                row.free = 0;
                row.ustart = Some(value);
                row.exo = false;
                self.renumber_free();
                true
            }
            _ => false,
        }
    }

    pub fn n_free(&self) -> usize {
        self.rows.iter().filter(|r| r.free > 0).count()
    }

    /// Index of the row a label or plabel refers to (the first row carrying it).
    pub fn row_of_label(&self, label: &str) -> Option<usize> {
        self.rows
            .iter()
            .position(|r| r.op.is_parameter() && (r.label == label || r.plabel == label))
    }
}

/// lavaan writes every covariance `a ~~ b` with `a` first in the order latent variables, then
/// observed variables (as found in the user's rows).
fn order_covariances(flat: &mut [(FlatRow, Modifiers)]) {
    let rows: Vec<FlatRow> = flat.iter().map(|(r, _)| r.clone()).collect();
    let names = VarNames::from_rows(&rows);
    let position = |v: &str| names.lv.iter().chain(&names.ov).position(|n| n == v);
    for (row, _) in flat.iter_mut() {
        if row.op == RelOp::Covary && row.lhs != row.rhs {
            if let (Some(l), Some(r)) = (position(&row.lhs), position(&row.rhs)) {
                if l > r {
                    std::mem::swap(&mut row.lhs, &mut row.rhs);
                }
            }
        }
    }
}

/// lavaan's default (co)variance rows: (residual) variances of non-exogenous observed and of
/// all latent variables, covariances among exogenous latents and among dependent variables,
/// then the lower triangle of the exogenous observed (co)variances.
fn default_covariances(n: &VarNames) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for v in n.ov_nox.iter().chain(&n.lv) {
        out.push((v.clone(), v.clone()));
    }
    for set in [&n.lv_x, &n.lvov_y] {
        if set.len() > 1 {
            for i in 0..set.len() {
                for j in i + 1..set.len() {
                    out.push((set[i].clone(), set[j].clone()));
                }
            }
        }
    }
    for j in 0..n.ov_x.len() {
        for i in j..n.ov_x.len() {
            out.push((n.ov_x[j].clone(), n.ov_x[i].clone()));
        }
    }
    out
}

fn fix(row: &mut ParRow, value: Option<f64>) {
    row.ustart = value;
    row.free = 0;
}

fn apply_auto_fixing(rows: &mut [ParRow], n: &VarNames, options: PartableOptions) {
    let is_lv = |v: &str| n.lv.iter().any(|l| l == v);
    if options.std_lv {
        for r in rows.iter_mut() {
            if r.op == ParOp::Covary && r.lhs == r.rhs && is_lv(&r.lhs) {
                fix(r, Some(1.0));
            }
        }
    } else {
        let mut seen: Vec<String> = Vec::new();
        for r in rows.iter_mut().filter(|r| r.op == ParOp::Measure) {
            if !seen.contains(&r.lhs) {
                seen.push(r.lhs.clone());
                fix(r, Some(1.0));
            }
        }
    }
    // auto.fix.single: the residual variance of the only indicator of a factor is 0.
    let measures: Vec<(String, String)> = rows
        .iter()
        .filter(|r| r.op == ParOp::Measure)
        .map(|r| (r.lhs.clone(), r.rhs.clone()))
        .collect();
    let count = |f: &dyn Fn(&(String, String)) -> bool| measures.iter().filter(|m| f(m)).count();
    for (lhs, rhs) in &measures {
        let single = count(&|m| &m.0 == lhs) == 1;
        let unique_ind = count(&|m| &m.1 == rhs) == 1;
        if single && unique_ind && lhs != rhs {
            for r in rows.iter_mut() {
                if r.op == ParOp::Covary && r.user == 0 && &r.lhs == rhs && &r.rhs == rhs {
                    fix(r, Some(0.0));
                }
            }
        }
    }
    if options.fixed_x {
        let is_x = |v: &str| n.ov_x.iter().any(|x| x == v);
        for r in rows.iter_mut() {
            if r.op == ParOp::Covary && r.user == 0 && is_x(&r.lhs) && is_x(&r.rhs) {
                fix(r, None);
                r.exo = true;
            }
        }
    }
}

/// Repeated labels: all rows but the first get a `.pA. == .pB.` row; a label shared with a
/// fixed parameter fixes all of them at the first fixed value.
fn equality_from_labels(rows: &mut [ParRow]) -> Vec<ParRow> {
    // lavaan handles repeated labels in the order of their second occurrence.
    let mut order: Vec<(usize, String)> = Vec::new();
    for j in 0..rows.len() {
        let label = &rows[j].label;
        let earlier = rows[..j].iter().any(|r| &r.label == label);
        if !label.is_empty() && earlier && !order.iter().any(|(_, l)| l == label) {
            order.push((j, label.clone()));
        }
    }
    let mut out = Vec::new();
    for (_, label) in order {
        let all: Vec<usize> = (0..rows.len())
            .filter(|&j| rows[j].label == label)
            .collect();
        let first = all[0];
        if let Some(&fixed) = all.iter().find(|&&j| rows[j].free == 0) {
            let value = rows[fixed].ustart;
            for &j in &all {
                fix(&mut rows[j], value);
            }
        } else {
            for &j in &all[1..] {
                let mut row = new_row(&rows[first].plabel, ParOp::Equal, &rows[j].plabel, 2);
                row.free = 0;
                row.exprs = Some((
                    Expr::Var(rows[first].plabel.clone()),
                    Expr::Var(rows[j].plabel.clone()),
                ));
                out.push(row);
            }
        }
    }
    out
}
