//! One cell of the genetic covariance matrix: heritability (j == k) or genetic covariance
//! (j != k), with R ldsc's weights, including its cross-trait quirk (L1): the regressors of
//! a covariance cell are weighted by `weights_cov`, like the response.

use super::error::LdscError;
use super::merge::r_merge;
use super::regression::{fit_with_jackknife, jackknife_blocks, JackknifeFit};
use super::trait_data::TraitData;
use crate::rmath::{mean_by, median, r_sum, QCHISQ_HALF_DF1};

/// Estimates of one cell, on the observed scale.
#[derive(Debug, Clone)]
pub struct CellEstimate {
    /// Traits of the cell (0-based; `trait_a <= trait_b`).
    pub trait_a: usize,
    pub trait_b: usize,
    /// SNPs in the regression.
    pub n_snps: usize,
    /// Observed-scale h2 or genetic covariance (`reg.tot`).
    pub estimate: f64,
    /// Its jackknife standard error (`tot.se`).
    pub se: f64,
    pub intercept: f64,
    pub intercept_se: f64,
    /// Mean chi-square (heritability) or mean Z*Z (covariance).
    pub mean_chi2: f64,
    /// `median(chi2) / qchisq(0.5, 1)`; heritability cells only.
    pub lambda_gc: Option<f64>,
    /// `mean(N)`, or `sqrt(mean(N_j) * mean(N_k))` for covariances.
    pub n_bar: f64,
    /// Slope pseudo-values (the cell's column of R's `V.hold`).
    pub slope_pseudo: Vec<f64>,
}

/// Per-SNP regression weight `sqrt(1 / (2 (1 + c ld)^2) / max(wLD, 1))` of one trait.
fn initial_weights<'a>(
    l2: &'a [f64],
    wld: &'a [f64],
    n: &'a [f64],
    chi2_mean: f64,
    ld_n_mean: f64,
    m: f64,
) -> impl Fn(usize) -> f64 + 'a {
    let tot_agg = ((m * (chi2_mean - 1.0)) / ld_n_mean).clamp(0.0, 1.0);
    move |i| {
        let ld = l2[i].max(1.0);
        let w_ld = wld[i].max(1.0);
        let c = tot_agg * n[i] / m;
        let base = 1.0 + c * ld;
        let het_w = 1.0 / (2.0 * (base * base));
        let oc_w = 1.0 / w_ld;
        (het_w * oc_w).sqrt()
    }
}

fn finish(
    fit: JackknifeFit,
    (trait_a, trait_b): (usize, usize),
    n_snps: usize,
    n_bar: f64,
    m: f64,
    mean_chi2: f64,
    lambda_gc: Option<f64>,
) -> CellEstimate {
    let estimate = fit.slope / n_bar * m;
    let coef_var = fit.slope_variance / (n_bar * n_bar);
    CellEstimate {
        trait_a,
        trait_b,
        n_snps,
        estimate,
        se: (coef_var * (m * m)).sqrt(),
        intercept: fit.intercept,
        intercept_se: fit.intercept_variance.sqrt(),
        mean_chi2,
        lambda_gc,
        n_bar,
        slope_pseudo: fit.slope_pseudo,
    }
}

fn blocks_for(
    n: usize,
    n_blocks: usize,
    what: impl Fn() -> String,
) -> Result<Vec<(usize, usize)>, LdscError> {
    jackknife_blocks(n, n_blocks).ok_or_else(|| LdscError::TooFewSnps {
        what: what(),
        n_snps: n,
        n_blocks,
    })
}

/// Whether two rows of a trait have equal contents (then R's merge order among them cannot
/// change a result); `with_ld` also compares the LD scores carried by the rows.
fn same_rows(t: &TraitData, with_ld: bool) -> impl Fn(u32, u32) -> bool + '_ {
    move |a: u32, b: u32| {
        let (a, b) = (a as usize, b as usize);
        let bits = |v: &[f64]| v[a].to_bits() == v[b].to_bits();
        bits(&t.n)
            && bits(&t.z)
            && t.a1[a] == t.a1[b]
            && (!with_ld || (bits(&t.l2) && bits(&t.wld)))
    }
}

/// Heritability of trait `j`.
pub fn heritability(
    j: usize,
    t: &TraitData,
    label: &str,
    m: f64,
    n_blocks: usize,
) -> Result<CellEstimate, LdscError> {
    let n = t.len();
    let what = || format!("the heritability of '{label}'");
    let blocks = blocks_for(n, n_blocks, what)?;
    let chi2 = |i: usize| t.z[i] * t.z[i];
    let mean_chi2 = mean_by(n, chi2);
    let ld_n_mean = mean_by(n, |i| t.l2[i] * t.n[i]);
    let initial = initial_weights(&t.l2, &t.wld, &t.n, mean_chi2, ld_n_mean, m);
    let iw: Vec<f64> = (0..n).map(&initial).collect();
    let total = r_sum(iw.iter().copied());
    let fit = fit_with_jackknife(&blocks, |i| (t.l2[i], iw[i] / total, chi2(i)))
        .ok_or_else(|| LdscError::SingularRegression { what: what() })?;
    let mut scratch = Vec::new();
    let lambda_gc = {
        scratch.clear();
        scratch.extend((0..n).map(chi2));
        median(&mut scratch)
    } / QCHISQ_HALF_DF1;
    let n_bar = mean_by(n, |i| t.n[i]);
    Ok(finish(fit, (j, j), n, n_bar, m, mean_chi2, Some(lambda_gc)))
}

/// Genetic covariance of traits `j < k`: rows of `merge(y_j, y_k, by = "SNP")`, Z_j flipped
/// where the effect alleles differ.
pub fn covariance(
    (j, k): (usize, usize),
    (tj, tk): (&TraitData, &TraitData),
    (label_j, label_k): (&str, &str),
    key_space: usize,
    m: f64,
    n_blocks: usize,
) -> Result<CellEstimate, LdscError> {
    let pairs = r_merge(
        &tj.keys,
        &tk.keys,
        key_space,
        same_rows(tj, true),
        same_rows(tk, false),
    );
    let n = pairs.len();
    let what = || format!("the genetic covariance of '{label_j}' and '{label_k}'");
    let blocks = blocks_for(n, n_blocks, what)?;
    let (x, y) = (
        |i: usize| pairs[i].0 as usize,
        |i: usize| pairs[i].1 as usize,
    );
    let same_allele: Vec<bool> = pairs
        .iter()
        .map(|&(a, b)| {
            tj.alleles[tj.a1[a as usize] as usize] == tk.alleles[tk.a1[b as usize] as usize]
        })
        .collect();
    let zz = |i: usize| {
        let zx = tj.z[x(i)];
        let zx = if same_allele[i] { zx } else { -zx };
        tk.z[y(i)] * zx
    };
    let l2 = |i: usize| tj.l2[x(i)];
    let chi1_mean = mean_by(n, |i| tj.z[x(i)] * tj.z[x(i)]);
    let chi2_mean = mean_by(n, |i| tk.z[y(i)] * tk.z[y(i)]);
    let ld_n1 = mean_by(n, |i| l2(i) * tj.n[x(i)]);
    let ld_n2 = mean_by(n, |i| l2(i) * tk.n[y(i)]);
    let l2v: Vec<f64> = (0..n).map(l2).collect();
    let wldv: Vec<f64> = (0..n).map(|i| tj.wld[x(i)]).collect();
    let n1: Vec<f64> = (0..n).map(|i| tj.n[x(i)]).collect();
    let n2: Vec<f64> = (0..n).map(|i| tk.n[y(i)]).collect();
    let w1 = initial_weights(&l2v, &wldv, &n1, chi1_mean, ld_n1, m);
    let w2 = initial_weights(&l2v, &wldv, &n2, chi2_mean, ld_n2, m);
    let summed: Vec<f64> = (0..n).map(|i| w1(i) + w2(i)).collect();
    let total = r_sum(summed.iter().copied());
    let fit = fit_with_jackknife(&blocks, |i| (l2v[i], summed[i] / total, zz(i)))
        .ok_or_else(|| LdscError::SingularRegression { what: what() })?;
    let n_bar = (mean_by(n, |i| n1[i]) * mean_by(n, |i| n2[i])).sqrt();
    let mean_zz = mean_by(n, zz);
    Ok(finish(fit, (j, k), n, n_bar, m, mean_zz, None))
}
