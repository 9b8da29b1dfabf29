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
    /// For recursive models (no feedback loops): the variables in an order where every
    /// variable comes after the variables with a path into it, and those parents per
    /// variable. (I - A)^-1 is then a forward substitution instead of an inversion.
    recursive: Option<(Vec<usize>, Vec<Vec<usize>>)>,
}

/// Kahn's topological sort of the path graph (`None` when there is a cycle).
fn recursive_order(
    n: usize,
    entries: &[(usize, Slot, Source)],
) -> Option<(Vec<usize>, Vec<Vec<usize>>)> {
    let mut parents: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(_, slot, _) in entries {
        if let Slot::Path { to, from } = slot {
            if to == from {
                return None;
            }
            if !parents[to].contains(&from) {
                parents[to].push(from);
            }
        }
    }
    let mut remaining: Vec<usize> = parents.iter().map(Vec::len).collect();
    let mut order: Vec<usize> = (0..n).filter(|&v| remaining[v] == 0).collect();
    let mut next = 0;
    while next < order.len() {
        let v = order[next];
        next += 1;
        for (child, ps) in parents.iter().enumerate() {
            if ps.contains(&v) {
                remaining[child] -= 1;
                if remaining[child] == 0 {
                    order.push(child);
                }
            }
        }
    }
    (order.len() == n).then_some((order, parents))
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
        let recursive = recursive_order(ov.len() + lv.len(), &entries);
        Ok(Structure {
            n_free: pt.n_free(),
            ov,
            lv,
            entries,
            recursive,
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

/// out = x y (or x y' when `transpose_y`), all n x n, by plain loops: for the few-variable
/// matrices of a model this beats the general product.
fn small_product(x: &DMatrix<f64>, y: &DMatrix<f64>, out: &mut DMatrix<f64>, transpose_y: bool) {
    let n = x.nrows();
    let (xs, ys) = (x.as_slice(), y.as_slice());
    let o = out.as_mut_slice();
    o.fill(0.0);
    for j in 0..n {
        for k in 0..n {
            let ykj = if transpose_y {
                ys[j + k * n]
            } else {
                ys[k + j * n]
            };
            if ykj != 0.0 {
                let (xk, oj) = (&xs[k * n..(k + 1) * n], &mut o[j * n..(j + 1) * n]);
                for (oi, xi) in oj.iter_mut().zip(xk) {
                    *oi += xi * ykj;
                }
            }
        }
    }
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
        if let Some((order, parents)) = &st.recursive {
            // Column j of B = (I - A)^-1 is the unit shock at j passed down the paths.
            let n = self.b.nrows();
            let (a, b) = (self.a.as_slice(), self.b.as_mut_slice());
            for j in 0..n {
                let col = &mut b[j * n..(j + 1) * n];
                col.fill(0.0);
                col[j] = 1.0;
                for &i in order {
                    let mut v = col[i];
                    for &k in &parents[i] {
                        v += a[i + k * n] * col[k];
                    }
                    col[i] = v;
                }
            }
        } else {
            self.scratch.fill_with_identity();
            self.scratch -= &self.a;
            self.b.copy_from(&self.scratch);
            if !invert_in_place(&mut self.b, &mut self.scratch) {
                return Err(SemError::NotIdentified {
                    detail: "the regression paths form a singular system (I - B is not invertible)"
                        .to_string(),
                });
            }
        }
        small_product(&self.b, &self.pmat, &mut self.bp, false);
        small_product(&self.bp, &self.b, &mut self.c, true);
        let p = st.p();
        for j in 0..p {
            for i in 0..p {
                self.sigma[(i, j)] = self.c[(i, j)];
            }
        }
        Ok(())
    }

    /// Delta = d vech(Sigma) / d theta (full free parameters), at the last `evaluate`.
    /// Each column is a symmetric outer-product form in a column of B and a row of C.
    pub fn compute_delta(&mut self, st: &Structure) {
        let p = st.p();
        let n = self.b.nrows();
        self.delta.fill(0.0);
        let (b, c) = (self.b.as_slice(), self.c.as_slice());
        let pstar = self.delta.nrows();
        let delta = self.delta.as_mut_slice();
        for &(_, slot, source) in &st.entries {
            let Source::Free(k) = source else { continue };
            let column = &mut delta[k * pstar..(k + 1) * pstar];
            // d Sigma = u v' + v u' (u = B[:, to], v = C[from, :] for a path; u = B[:, i],
            // v = B[:, j] for a covariance; u v' alone for a variance).
            let (u, v, single) = match slot {
                Slot::Path { to, from } => (&b[to * n..to * n + p], (from, true), false),
                Slot::Cov { i, j } => (&b[i * n..i * n + p], (j, false), i == j),
            };
            let v_at = |r: usize| -> f64 {
                match v {
                    (from, true) => c[from + r * n],
                    (j, false) => b[j * n + r],
                }
            };
            let mut row = 0;
            for cc in 0..p {
                let (u_c, v_c) = (u[cc], v_at(cc));
                for (r, &u_r) in u.iter().enumerate().skip(cc) {
                    let d = if single {
                        u_r * u_c
                    } else {
                        u_r * v_c + v_at(r) * u_c
                    };
                    column[row] += d;
                    row += 1;
                }
            }
        }
    }
}
