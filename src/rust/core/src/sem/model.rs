//! A compiled model: parsed once, index maps between the caller's variable order and lavaan's
//! built once, then fitted many times into preallocated buffers (the per-SNP loop's entry
//! point is [`Model::refit`]).

use nalgebra::DMatrix;

use super::constraints::Reduction;
use super::error::SemError;
use super::estimate::{Estimator, FitInfo, Fitter};
use super::linalg::invert_in_place;
use super::matrices::{vech_index, Source, Structure};
use super::partable::{ParOp, ParTable, PartableOptions};
use super::start::start_values;
use super::weight::{fill_ml_weight, MlWeightWork};

#[derive(Debug, Clone)]
pub struct Model {
    pub pt: ParTable,
    pub fitter: Fitter,
    /// For each observed variable in lavaan's order, its index among the caller's variables.
    pub ov_in_input: Vec<usize>,
    /// Number of the caller's variables (k).
    pub n_input: usize,
    /// Sample covariance in lavaan's order (buffer).
    pub sample: DMatrix<f64>,
    /// For each vech moment in lavaan's order, its index in the caller's vech order.
    moments: Vec<usize>,
}

impl Model {
    /// Parses `model` and maps its observed variables onto `input_names` (the columns of S).
    /// GenomicSEM's lavaan calls use fixed.x = FALSE under DWLS and TRUE under ML.
    pub fn new(
        model: &str,
        input_names: &[String],
        estimator: Estimator,
        std_lv: bool,
    ) -> Result<Model, SemError> {
        let options = PartableOptions {
            std_lv,
            fixed_x: estimator == Estimator::Ml,
        };
        let pt = ParTable::from_model(model, options)?;
        Model::from_partable(pt, input_names, estimator)
    }

    pub fn from_partable(
        pt: ParTable,
        input_names: &[String],
        estimator: Estimator,
    ) -> Result<Model, SemError> {
        let missing: Vec<String> = pt
            .names
            .ov
            .iter()
            .filter(|v| !input_names.contains(v))
            .cloned()
            .collect();
        if !missing.is_empty() {
            return Err(SemError::UnknownVariables { names: missing });
        }
        let ov_in_input = pt
            .names
            .ov
            .iter()
            .filter_map(|v| input_names.iter().position(|n| n == v))
            .collect();
        let st = Structure::new(&pt)?;
        let red = Reduction::new(&pt)?;
        let npar = red.n_vars;
        if npar > st.pstar() {
            return Err(SemError::NotIdentified {
                detail: format!(
                    "{npar} free parameters but only {} sample moments (df < 0)",
                    st.pstar()
                ),
            });
        }
        let p = st.p();
        let mut model = Model {
            fitter: Fitter::new(st, red, estimator),
            pt,
            ov_in_input,
            n_input: input_names.len(),
            sample: DMatrix::zeros(p, p),
            moments: Vec::new(),
        };
        model.moments = model.moment_map();
        Ok(model)
    }

    pub fn estimator(&self) -> Estimator {
        self.fitter.estimator
    }

    /// For each vech moment in lavaan's order, its index in the caller's vech order (k vars).
    pub fn moment_map(&self) -> Vec<usize> {
        let p = self.ov_in_input.len();
        let mut out = vec![0; p * (p + 1) / 2];
        for c in 0..p {
            for r in c..p {
                out[vech_index(p, r, c)] =
                    vech_index(self.n_input, self.ov_in_input[r], self.ov_in_input[c]);
            }
        }
        out
    }

    /// [`Model::moment_map`], computed once.
    pub fn moments(&self) -> &[usize] {
        &self.moments
    }

    /// GenomicSEM's DWLS weights 1 / diag(V) in lavaan's moment order, from the diagonal of V
    /// in the caller's vech order (k(k+1)/2 values). Allocates nothing.
    pub fn fill_dwls_weights(&self, v_diag: &[f64], w: &mut [f64]) -> Result<(), SemError> {
        let kst = self.n_input * (self.n_input + 1) / 2;
        if v_diag.len() != kst || w.len() != self.moments.len() {
            return Err(SemError::BadInput {
                what: format!(
                    "expected {kst} variances and room for {} weights",
                    self.moments.len()
                ),
            });
        }
        for (wa, &m) in w.iter_mut().zip(&self.moments) {
            *wa = 1.0 / v_diag[m];
        }
        Ok(())
    }

    /// V (caller's vech order) reordered and subset to lavaan's moment order.
    pub fn reorder_v(&self, v: &DMatrix<f64>) -> Result<DMatrix<f64>, SemError> {
        let kst = self.n_input * (self.n_input + 1) / 2;
        if v.nrows() != kst || v.ncols() != kst {
            return Err(SemError::BadInput {
                what: format!("V must be {kst} x {kst} for {} variables", self.n_input),
            });
        }
        let map = self.moment_map();
        Ok(DMatrix::from_fn(map.len(), map.len(), |a, b| {
            v[(map[a], map[b])]
        }))
    }

    /// `lhs op rhs` of every free parameter, in free-parameter order.
    pub fn free_names(&self) -> Vec<String> {
        self.pt
            .rows
            .iter()
            .filter(|r| r.free > 0)
            .map(|r| format!("`{} {} {}`", r.lhs, r.op.symbol(), r.rhs))
            .collect()
    }

    /// Copies the caller's k x k S (column-major slice) into lavaan's order.
    fn load_sample(&mut self, s: &[f64]) -> Result<(), SemError> {
        let k = self.n_input;
        if s.len() != k * k || s.iter().any(|x| !x.is_finite()) {
            return Err(SemError::BadInput {
                what: format!("S must be a finite {k} x {k} matrix"),
            });
        }
        for (c, &sc) in self.ov_in_input.iter().enumerate() {
            for (r, &sr) in self.ov_in_input.iter().enumerate() {
                self.sample[(r, c)] = s[sc * k + sr];
            }
        }
        Ok(())
    }

    /// Lavaan-like starting values for the current sample.
    pub fn default_start(&self) -> Vec<f64> {
        start_values(&self.pt, &self.sample)
    }

    /// Fits from lavaan-like starting values.
    pub fn fit(&mut self, s: &[f64], w: &[f64]) -> Result<FitInfo, SemError> {
        self.load_sample(s)?;
        let start = self.default_start();
        self.fitter.fit(&self.sample, w, &start)
    }

    /// Refits to a new S (k x k column-major, caller's order) with DWLS weights `w` (lavaan's
    /// moment order; ignored for ML) from `start` (full free parameters, e.g. the previous
    /// solution). Allocates nothing.
    pub fn refit(&mut self, s: &[f64], w: &[f64], start: &[f64]) -> Result<FitInfo, SemError> {
        self.load_sample(s)?;
        self.fitter.fit(&self.sample, w, start)
    }

    /// Evaluates the model at given free parameters (no fitting), e.g. to inspect Delta or the
    /// implied covariance at someone else's estimates.
    pub fn evaluate_at(&mut self, s: &[f64], theta: &[f64]) -> Result<(), SemError> {
        self.load_solution(s, theta)?;
        self.fitter
            .ws
            .evaluate(&self.fitter.st, theta, &self.sample)
    }

    /// Evaluates the model at the sample and estimates of [`Model::load_solution`].
    pub fn evaluate_loaded(&mut self) -> Result<(), SemError> {
        let fitter = &mut self.fitter;
        fitter.ws.evaluate(&fitter.st, &fitter.theta, &self.sample)
    }

    /// Takes the sample and the estimates `theta` without evaluating the model: enough for the
    /// row values (`row_values_into`); `evaluate_at` must follow before `implied` or `delta`
    /// are read, which otherwise still describe the previous evaluation.
    pub fn load_solution(&mut self, s: &[f64], theta: &[f64]) -> Result<(), SemError> {
        self.load_sample(s)?;
        if theta.len() != self.fitter.theta.len() {
            return Err(SemError::BadInput {
                what: format!(
                    "expected {} free parameters, got {}",
                    self.fitter.theta.len(),
                    theta.len()
                ),
            });
        }
        self.fitter.theta.copy_from_slice(theta);
        Ok(())
    }

    /// The estimator's objective (DWLS r'Wr or the ML discrepancy) at given free parameters.
    pub fn objective_at(&mut self, s: &[f64], w: &[f64], theta: &[f64]) -> Result<f64, SemError> {
        self.load_sample(s)?;
        self.fitter.objective_at(&self.sample, w, theta)
    }

    /// Estimates of the free parameters after the last fit.
    pub fn theta(&self) -> &[f64] {
        &self.fitter.theta
    }

    /// Delta at the last fit (pstar x n_free, lavaan's moment order).
    pub fn delta(&mut self) -> &DMatrix<f64> {
        self.fitter.ws.compute_delta(&self.fitter.st);
        &self.fitter.ws.delta
    }

    /// Model-implied covariance in lavaan's order after the last fit.
    pub fn implied(&self) -> &DMatrix<f64> {
        &self.fitter.ws.sigma
    }

    /// Model-implied covariance of all variables (observed, then latent) after the last fit.
    pub fn implied_all(&self) -> &DMatrix<f64> {
        &self.fitter.ws.c
    }

    /// lavaan's ML weight at the implied Sigma, with the moments among exogenous observed
    /// variables zeroed when fixed.x is on.
    pub fn ml_weight(&self) -> Result<DMatrix<f64>, SemError> {
        let mut work = MlWeightWork::new(self.implied().nrows());
        self.ml_weight_into(&mut work)?;
        Ok(work.w)
    }

    /// [`Model::ml_weight`] into `work.w`, allocating nothing (per-SNP loops).
    pub fn ml_weight_into(&self, work: &mut MlWeightWork) -> Result<(), SemError> {
        let sigma = self.implied();
        work.inv.copy_from(sigma);
        if !invert_in_place(&mut work.inv, &mut work.scratch) {
            return Err(SemError::NotPositiveDefinite {
                what: "model-implied covariance matrix".to_string(),
            });
        }
        let p = sigma.nrows();
        let w = &mut work.w;
        fill_ml_weight(&work.inv, w);
        let ov = &self.pt.names.ov;
        let is_exo = |i: usize| self.pt.rows.iter().any(|r| r.exo && r.lhs == ov[i]);
        for c in 0..p {
            for r in c..p {
                if is_exo(r) && is_exo(c) {
                    let a = vech_index(p, r, c);
                    w.row_mut(a).fill(0.0);
                    w.column_mut(a).fill(0.0);
                }
            }
        }
        Ok(())
    }

    /// GenomicSEM's fallback for models that fail to converge: a lower bound on every free
    /// residual variance of an observed variable (`Ti ~~ a*Ti; a > lower`).
    pub fn bound_residual_variances(&mut self, lower: f64) {
        let ov = &self.pt.names.ov;
        for row in &self.pt.rows {
            if row.op == ParOp::Covary
                && row.lhs == row.rhs
                && row.free > 0
                && ov.contains(&row.lhs)
            {
                let v = self.fitter.red.var_of[row.free - 1];
                self.fitter.red.lower[v] = self.fitter.red.lower[v].max(lower);
            }
        }
    }

    /// Changes the value of a fixed parameter row in place (no reallocation), e.g. the
    /// per-SNP fixed loadings of commonfactorGWAS's Q model. False if `row` is not fixed.
    pub fn set_fixed_value(&mut self, row: usize, value: f64) -> bool {
        for entry in self.fitter.st.entries.iter_mut() {
            if entry.0 == row {
                if let Source::Fixed(_) = entry.2 {
                    entry.2 = Source::Fixed(value);
                    self.pt.rows[row].ustart = Some(value);
                    return true;
                }
            }
        }
        false
    }

    /// Number of free parameters as lavaan counts `npar` (ties count once).
    pub fn npar(&self) -> usize {
        self.fitter.red.n_vars
    }

    /// lavaan's degrees of freedom: moments minus npar.
    pub fn df(&self) -> i64 {
        self.fitter.st.pstar() as i64 - self.npar() as i64
    }
}
