//! Model matrices in reticular action form: all variables (observed first, in lavaan's order,
//! then latent) in one vector v = A v + e with Cov(e) = P, so the implied covariance of the
//! observed part is Sigma = F (I - A)^-1 P (I - A)^-T F'. This gives the same Sigma(theta) and
//! Delta = d vech(Sigma) / d theta as lavaan's LISREL matrices, for loadings, regressions
//! between any variables and (residual) (co)variances alike.

use nalgebra::DMatrix;

use super::error::SemError;
use super::linalg::invert_in_place;
use super::partable::{ParOp, ParTable};

/// Where a parameter row lives: A[to, from] for paths, P[i, j] = P[j, i] for (co)variances.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Slot {
    Path { to: usize, from: usize },
    Cov { i: usize, j: usize },
}

/// Value of a slot: a free parameter (0-based full free index), a constant, or a sample
/// (co)variance of exogenous observed variables (fixed.x).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Source {
    Free(usize),
    Fixed(f64),
    Sample(usize, usize),
}

/// The fixed structure of a model: variable indices and where every parameter goes.
#[derive(Debug, Clone)]
pub struct Structure {
    pub ov: Vec<String>,
    pub lv: Vec<String>,
    /// One entry per parameter row of the table, in table order: (row index, slot, source).
    pub entries: Vec<(usize, Slot, Source)>,
    pub n_free: usize,
}

impl Structure {
    pub fn new(pt: &ParTable) -> Result<Structure, SemError> {
        let ov = pt.names.ov.clone();
        let lv = pt.names.lv.clone();
        let index = |name: &str| -> Option<usize> {
            ov.iter()
                .position(|v| v == name)
                .or_else(|| lv.iter().position(|v| v == name).map(|k| k + ov.len()))
        };
        let mut entries = Vec::new();
        for (r, row) in pt
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.op.is_parameter())
        {
            let (Some(l), Some(rh)) = (index(&row.lhs), index(&row.rhs)) else {
                return Err(SemError::BadInput {
                    what: format!(
                        "parameter {} {} {} names an unknown variable",
                        row.lhs,
                        row.op.symbol(),
                        row.rhs
                    ),
                });
            };
            let slot = match row.op {
                ParOp::Measure => Slot::Path { to: rh, from: l },
                ParOp::Regress => Slot::Path { to: l, from: rh },
                _ => Slot::Cov { i: l, j: rh },
            };
            let source = if row.free > 0 {
                Source::Free(row.free - 1)
            } else if row.exo {
                Source::Sample(l, rh)
            } else {
                Source::Fixed(row.ustart.unwrap_or(0.0))
            };
            entries.push((r, slot, source));
        }
        Ok(Structure {
            n_free: pt.n_free(),
            ov,
            lv,
            entries,
        })
    }

    pub fn p(&self) -> usize {
        self.ov.len()
    }

    pub fn n_vars(&self) -> usize {
        self.ov.len() + self.lv.len()
    }

    pub fn pstar(&self) -> usize {
        let p = self.p();
        p * (p + 1) / 2
    }
}

/// vech position (column-major lower triangle) of element (i, j), i >= j, of a p x p matrix.
pub fn vech_index(p: usize, i: usize, j: usize) -> usize {
    let (i, j) = if i >= j { (i, j) } else { (j, i) };
    j * p - j * (j + 1) / 2 + i
}

/// Buffers for evaluating Sigma and Delta at a parameter vector, reused across evaluations.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub a: DMatrix<f64>,
    pub pmat: DMatrix<f64>,
    /// (I - A)^-1
    pub b: DMatrix<f64>,
    /// Implied covariance of all variables, B P B'.
    pub c: DMatrix<f64>,
    pub sigma: DMatrix<f64>,
    /// pstar x n_free, rows in vech order of lavaan's observed variables.
    pub delta: DMatrix<f64>,
    scratch: DMatrix<f64>,
    bp: DMatrix<f64>,
}

impl Workspace {
    pub fn new(st: &Structure) -> Workspace {
        let n = st.n_vars();
        let p = st.p();
        Workspace {
            a: DMatrix::zeros(n, n),
            pmat: DMatrix::zeros(n, n),
            b: DMatrix::zeros(n, n),
            c: DMatrix::zeros(n, n),
            sigma: DMatrix::zeros(p, p),
            delta: DMatrix::zeros(st.pstar(), st.n_free),
            scratch: DMatrix::zeros(n, n),
            bp: DMatrix::zeros(n, n),
        }
    }

    /// Fills A and P from the free parameters `theta` (and the sample matrix for fixed.x),
    /// then computes B, C and Sigma. Fails when I - A is singular.
    pub fn evaluate(
        &mut self,
        st: &Structure,
        theta: &[f64],
        sample: &DMatrix<f64>,
    ) -> Result<(), SemError> {
        self.a.fill(0.0);
        self.pmat.fill(0.0);
        for &(_, slot, source) in &st.entries {
            let value = match source {
                Source::Free(k) => theta.get(k).copied().unwrap_or(f64::NAN),
                Source::Fixed(v) => v,
                Source::Sample(i, j) => sample[(i, j)],
            };
            match slot {
                Slot::Path { to, from } => self.a[(to, from)] = value,
                Slot::Cov { i, j } => {
                    self.pmat[(i, j)] = value;
                    self.pmat[(j, i)] = value;
                }
            }
        }
        self.scratch.fill_with_identity();
        self.scratch -= &self.a;
        self.b.copy_from(&self.scratch);
        if !invert_in_place(&mut self.b, &mut self.scratch) {
            return Err(SemError::NotIdentified {
                detail: "the regression paths form a singular system (I - B is not invertible)"
                    .to_string(),
            });
        }
        self.b.mul_to(&self.pmat, &mut self.bp);
        self.b.transpose_to(&mut self.scratch);
        self.bp.mul_to(&self.scratch, &mut self.c);
        let p = st.p();
        for j in 0..p {
            for i in 0..p {
                self.sigma[(i, j)] = self.c[(i, j)];
            }
        }
        Ok(())
    }

    /// Delta = d vech(Sigma) / d theta (full free parameters), at the last `evaluate`.
    pub fn compute_delta(&mut self, st: &Structure) {
        let p = st.p();
        self.delta.fill(0.0);
        for &(_, slot, source) in &st.entries {
            let Source::Free(k) = source else { continue };
            for c in 0..p {
                for r in c..p {
                    let row = vech_index(p, r, c);
                    let d = match slot {
                        Slot::Path { to, from } => {
                            self.b[(r, to)] * self.c[(from, c)]
                                + self.c[(from, r)] * self.b[(c, to)]
                        }
                        Slot::Cov { i, j } if i == j => self.b[(r, i)] * self.b[(c, i)],
                        Slot::Cov { i, j } => {
                            self.b[(r, i)] * self.b[(c, j)] + self.b[(r, j)] * self.b[(c, i)]
                        }
                    };
                    self.delta[(row, k)] += d;
                }
            }
        }
    }
}
