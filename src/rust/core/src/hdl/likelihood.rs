//! The two HDL likelihoods (up to constants, as minus twice the log-likelihood) over the
//! eigen-projected effects `bstar = V' bhat` of a set of LD pieces. Each term is evaluated in
//! the order GenomicSEM's R expressions use; the two sums go through a [`SumFn`] so that the
//! bindings can hand over R's own long-double accumulation and match R to the last bit.

/// `sum()` of a vector; [`crate::rmath::r_sum`] approximates R's, the bindings pass R's exact one.
pub type SumFn<'a> = &'a (dyn Fn(&[f64]) -> f64 + Sync);

/// Fixed inputs of the heritability likelihood.
pub struct H2Data<'a> {
    pub n: f64,
    pub m: f64,
    pub nref: f64,
    pub lam: &'a [f64],
    pub bstar: &'a [f64],
    /// Lower clamp of the eigenvalue variances.
    pub lim: f64,
    pub sum: SumFn<'a>,
}

/// Variance of each projected effect under heritability `h2` and intercept `int`.
#[inline]
fn lam_h2(h2: f64, int: f64, lam: f64, m: f64, nref: f64, n: f64, lim: f64) -> f64 {
    let v = h2 / m * (lam * lam) - h2 * lam / nref + int * lam / n;
    if v < lim {
        lim
    } else {
        v
    }
}

/// Minus twice the log-likelihood of `(h2, intercept)`.
pub fn h2_objective(param: &[f64], d: &H2Data<'_>) -> f64 {
    let (h2, int) = (param[0], param[1]);
    let mut logs = Vec::with_capacity(d.lam.len());
    let mut quads = Vec::with_capacity(d.lam.len());
    for (&lam, &b) in d.lam.iter().zip(d.bstar) {
        let v = lam_h2(h2, int, lam, d.m, d.nref, d.n, d.lim);
        logs.push(v.ln());
        quads.push(b * b / v);
    }
    (d.sum)(&logs) + (d.sum)(&quads)
}

/// Fixed inputs of the genetic-covariance likelihood (trait 2 given trait 1).
pub struct GcovData<'a> {
    /// `(h2, intercept)` of each trait, fitted first.
    pub h11: [f64; 2],
    pub h22: [f64; 2],
    pub m: f64,
    pub n1: f64,
    pub n2: f64,
    /// Overlapping sample size (the smallest N of either trait).
    pub n0: f64,
    pub nref: f64,
    pub lam: &'a [f64],
    pub bstar1: &'a [f64],
    pub bstar2: &'a [f64],
    pub lim: f64,
    pub sum: SumFn<'a>,
}

/// The genetic-covariance likelihood with the parts that do not depend on the parameters
/// (each trait's own variances) computed once per fit; the values are the same.
pub struct GcovObjective<'a> {
    d: GcovData<'a>,
    lam11: Vec<f64>,
    lam22: Vec<f64>,
}

impl<'a> GcovObjective<'a> {
    pub fn new(d: GcovData<'a>) -> Self {
        let lam11 = d
            .lam
            .iter()
            .map(|&l| lam_h2(d.h11[0], d.h11[1], l, d.m, d.nref, d.n1, d.lim))
            .collect();
        let lam22 = d
            .lam
            .iter()
            .map(|&l| lam_h2(d.h22[0], d.h22[1], l, d.m, d.nref, d.n2, d.lim))
            .collect();
        Self { d, lam11, lam22 }
    }

    /// Minus twice the conditional log-likelihood of `(h12, intercept)`.
    pub fn value(&self, param: &[f64]) -> f64 {
        let d = &self.d;
        let (h12, int) = (param[0], param[1]);
        let p1 = d.n0 / d.n1;
        let p2 = d.n0 / d.n2;
        let n = d.lam.len();
        let mut logs = Vec::with_capacity(n);
        let mut quads = Vec::with_capacity(n);
        for i in 0..n {
            let (lam, b1, b2) = (d.lam[i], d.bstar1[i], d.bstar2[i]);
            let (lam11, lam22) = (self.lam11[i], self.lam22[i]);
            let lam12 = if d.n0 > 0.0 {
                h12 / d.m * lam * lam + p1 * p2 * int * lam / d.n0
            } else {
                h12 / d.m * lam * lam
            };
            let u = b2 - lam12 / lam11 * b1;
            let mut cond = lam22 - lam12 * lam12 / lam11;
            if cond < d.lim {
                cond = d.lim;
            }
            logs.push(cond.ln());
            quads.push(u * u / cond);
        }
        (d.sum)(&logs) + (d.sum)(&quads)
    }
}
