//! The contract of R's `optim(par, fn, method = "L-BFGS-B", lower, upper)` with default
//! controls, split so that this crate needs no R: the minimiser itself is passed in (the
//! bindings hand over R's `lbfgsb()`), while the finite-difference gradient `optim()` builds
//! around `fn` when no gradient is given lives here.

/// What a bounded minimiser evaluates.
pub trait Objective {
    fn value(&mut self, x: &[f64]) -> f64;
    fn gradient(&mut self, x: &[f64], g: &mut [f64]);
}

/// The result of one minimisation, as `optim()` reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct Minimum {
    pub par: Vec<f64>,
    pub value: f64,
    /// 0 converged, 1 iteration limit, 51 warning, 52 error (`optim()`'s codes).
    pub convergence: i32,
}

/// A box-constrained minimiser with `optim()`'s L-BFGS-B defaults (m = 5, factr = 1e7,
/// pgtol = 0, maxit = 100): objective, start, lower, upper.
pub type Minimizer<'a> = &'a dyn Fn(&mut dyn Objective, &[f64], &[f64], &[f64]) -> Minimum;

/// `optim()`'s default finite-difference step (`ndeps`).
pub const NDEPS: f64 = 1e-3;

/// A function with `optim()`'s numerical gradient: central differences of step `NDEPS`,
/// shortened on the side where a step would leave the box. Non-finite values (where R's
/// `optim()` stops with an error) are recorded and replaced by a huge finite one, because
/// R's minimiser may not be handed a non-finite value; the caller checks [`Self::failed`].
/// With a pool, the 2n points of a gradient are evaluated in parallel (same values).
pub struct FiniteDifference<'a, F: Fn(&[f64]) -> f64 + Sync> {
    f: F,
    lower: &'a [f64],
    upper: &'a [f64],
    failed: bool,
    pool: Option<&'a rayon::ThreadPool>,
}

const NON_FINITE_STANDIN: f64 = 1e300;

impl<'a, F: Fn(&[f64]) -> f64 + Sync> FiniteDifference<'a, F> {
    pub fn new(
        f: F,
        lower: &'a [f64],
        upper: &'a [f64],
        pool: Option<&'a rayon::ThreadPool>,
    ) -> Self {
        Self {
            f,
            lower,
            upper,
            failed: false,
            pool,
        }
    }

    pub fn failed(&self) -> bool {
        self.failed
    }

    fn finite(&mut self, v: f64) -> f64 {
        if v.is_finite() {
            v
        } else {
            self.failed = true;
            NON_FINITE_STANDIN
        }
    }
}

impl<F: Fn(&[f64]) -> f64 + Sync> Objective for FiniteDifference<'_, F> {
    fn value(&mut self, x: &[f64]) -> f64 {
        let v = (self.f)(x);
        self.finite(v)
    }

    fn gradient(&mut self, x: &[f64], g: &mut [f64]) {
        // Points x + step e_i and x - step e_i, steps shortened at the bounds as optim() does.
        let mut points = Vec::with_capacity(2 * x.len());
        let mut widths = Vec::with_capacity(x.len());
        for i in 0..x.len() {
            let (mut up_step, mut down_step) = (NDEPS, NDEPS);
            let mut up = x[i] + NDEPS;
            if up > self.upper[i] {
                up = self.upper[i];
                up_step = up - x[i];
            }
            let mut down = x[i] - NDEPS;
            if down < self.lower[i] {
                down = self.lower[i];
                down_step = x[i] - down;
            }
            let mut p = x.to_vec();
            p[i] = up;
            points.push(p.clone());
            p[i] = down;
            points.push(p);
            widths.push(up_step + down_step);
        }
        let f = &self.f;
        let values: Vec<f64> = match self.pool {
            Some(pool) if pool.current_num_threads() > 1 => {
                use rayon::prelude::*;
                pool.install(|| points.par_iter().map(|p| f(p)).collect())
            }
            _ => points.iter().map(|p| f(p)).collect(),
        };
        for i in 0..x.len() {
            let above = self.finite(values[2 * i]);
            let below = self.finite(values[2 * i + 1]);
            g[i] = (above - below) / widths[i];
            if !g[i].is_finite() {
                self.failed = true;
                g[i] = 0.0;
            }
        }
    }
}

/// `optim(start, f, method = "L-BFGS-B", lower, upper)`: the minimum, or `None` where R
/// would have stopped on a non-finite value.
pub fn optim_lbfgsb(
    minimizer: Minimizer<'_>,
    f: impl Fn(&[f64]) -> f64 + Sync,
    start: &[f64],
    lower: &[f64],
    upper: &[f64],
    pool: Option<&rayon::ThreadPool>,
) -> Option<Minimum> {
    let mut objective = FiniteDifference::new(f, lower, upper, pool);
    let minimum = minimizer(&mut objective, start, lower, upper);
    (!objective.failed()).then_some(minimum)
}
