//! One cell of the stratified genetic covariance matrix: the heritability of a trait or the
//! genetic covariance of two, partitioned over the annotations (`cats`), with block-jackknife
//! pseudo-values for the sampling covariances.

use super::error::StratifiedError;
use super::regression::{cov, fit_blocks, BlockFit};
use crate::ldsc::merge::r_merge;
use crate::ldsc::regression::jackknife_blocks;
use crate::ldsc::trait_data::TraitData;
use crate::ldsc::LdscError;
use crate::rmath::{mean_by, median, r_sum};

/// The annotation LD scores a regression uses (kept annotations only).
pub struct Regressors<'a> {
    /// Row-major LD table, `width` columns.
    pub l2: &'a [f64],
    pub width: usize,
    /// Columns used, in order.
    pub keep: &'a [usize],
    /// M_5_50 of the kept annotations.
    pub m: &'a [f64],
    /// Sum of `m` (GenomicSEM's `M.tot`).
    pub m_tot: f64,
    pub n_blocks: usize,
}

impl Regressors<'_> {
    fn row(&self, ld_row: u32, out: &mut [f64]) -> f64 {
        let base = ld_row as usize * self.width;
        let mut tot = 0.0;
        for (o, &c) in out.iter_mut().zip(self.keep) {
            *o = self.l2[base + c];
            tot += *o;
        }
        tot
    }

    fn x_tot(&self, ld_row: u32) -> f64 {
        let base = ld_row as usize * self.width;
        self.keep.iter().map(|&c| self.l2[base + c]).sum()
    }
}

/// What one cell contributes to the output and the log.
#[derive(Debug, Clone)]
pub struct CellFit {
    pub trait_a: usize,
    pub trait_b: usize,
    pub n_snps: usize,
    /// Per-annotation coefficient times M (`cats`).
    pub cats: Vec<f64>,
    /// Pseudo-values of `cats`, `n_blocks x p` row-major.
    pub pseudo: Vec<f64>,
    pub total: f64,
    pub total_se: f64,
    pub intercept: f64,
    pub intercept_se: f64,
    /// Mean chi-square (heritability) or mean Z1*Z2 (covariance).
    pub mean_stat: f64,
    pub median_chi2: Option<f64>,
    pub n_bar: f64,
}

/// sqrt of GenomicSEM's regression weight (`initial.w`).
fn root_weight(x_tot: f64, wld: f64, n: f64, tot_agg: f64, m_tot: f64) -> f64 {
    let ld = x_tot.max(1.0);
    let c = tot_agg * n / m_tot;
    let base = 1.0 + c * ld;
    ((1.0 / (2.0 * (base * base))) * (1.0 / wld.max(1.0))).sqrt()
}

fn tot_agg(m_tot: f64, mean_chi: f64, mean_ld_n: f64) -> f64 {
    ((m_tot * (mean_chi - 1.0)) / mean_ld_n).clamp(0.0, 1.0)
}

fn too_few(what: String, n: usize, n_blocks: usize) -> StratifiedError {
    LdscError::TooFewSnps {
        what,
        n_snps: n,
        n_blocks,
    }
    .into()
}

fn finish(
    fit: BlockFit,
    r: &Regressors,
    cell: (usize, usize),
    n: usize,
    n_bar: f64,
    mean_stat: f64,
    median_chi2: Option<f64>,
) -> CellFit {
    let p = r.keep.len();
    let b = r.n_blocks as f64;
    let cats: Vec<f64> = (0..p).map(|i| fit.reg[i] / n_bar * r.m[i]).collect();
    let pseudo_tau = |j: usize| -> Vec<f64> {
        fit.deleted
            .iter()
            .map(|d| b * fit.reg[j] - (b - 1.0) * d[j])
            .collect()
    };
    let intercept_pseudo = pseudo_tau(p);
    // sum(cat.cov) = var(sum_i m_i * pseudo_i) / B / N.bar^2.
    let weighted: Vec<f64> = (0..fit.deleted.len())
        .map(|k| {
            (0..p)
                .map(|i| r.m[i] * (b * fit.reg[i] - (b - 1.0) * fit.deleted[k][i]))
                .sum()
        })
        .collect();
    let total_var = cov(&weighted, &weighted) / b / (n_bar * n_bar);
    let mut pseudo = Vec::with_capacity(fit.deleted.len() * p);
    for d in &fit.deleted {
        pseudo.extend((0..p).map(|i| b * cats[i] - (b - 1.0) * (d[i] / n_bar) * r.m[i]));
    }
    CellFit {
        trait_a: cell.0,
        trait_b: cell.1,
        n_snps: n,
        total: r_sum(cats.iter().copied()),
        total_se: total_var.sqrt(),
        intercept: fit.reg[p],
        intercept_se: (cov(&intercept_pseudo, &intercept_pseudo) / b).sqrt(),
        cats,
        pseudo,
        mean_stat,
        median_chi2,
        n_bar,
    }
}

pub fn heritability(
    j: usize,
    t: &TraitData,
    label: &str,
    r: &Regressors,
) -> Result<CellFit, StratifiedError> {
    let n = t.len();
    let what = || format!("the heritability of '{label}'");
    let blocks = jackknife_blocks(n, r.n_blocks).ok_or_else(|| too_few(what(), n, r.n_blocks))?;
    let chi = |i: usize| t.z[i] * t.z[i];
    let x_tot: Vec<f64> = t.ld_rows.iter().map(|&row| r.x_tot(row)).collect();
    let agg = tot_agg(r.m_tot, mean_by(n, chi), mean_by(n, |i| x_tot[i] * t.n[i]));
    let iw: Vec<f64> = (0..n)
        .map(|i| root_weight(x_tot[i], t.wld[i], t.n[i], agg, r.m_tot))
        .collect();
    let total = r_sum(iw.iter().copied());
    let n_bar = mean_by(n, |i| t.n[i]);
    let fit = fit_blocks(&blocks, r.keep.len(), |i, x| {
        r.row(t.ld_rows[i], x);
        x.iter_mut().for_each(|v| *v = (*v * t.n[i]) / n_bar);
        (iw[i] / total, chi(i))
    })
    .ok_or_else(|| StratifiedError::Ldsc(LdscError::SingularRegression { what: what() }))?;
    let mut chis: Vec<f64> = (0..n).map(chi).collect();
    let med = median(&mut chis);
    Ok(finish(fit, r, (j, j), n, n_bar, mean_by(n, chi), Some(med)))
}

fn same_rows(t: &TraitData, with_ld: bool) -> impl Fn(u32, u32) -> bool + '_ {
    move |a: u32, b: u32| {
        let (a, b) = (a as usize, b as usize);
        t.n[a].to_bits() == t.n[b].to_bits()
            && t.z[a].to_bits() == t.z[b].to_bits()
            && t.a1[a] == t.a1[b]
            && (!with_ld
                || (t.ld_rows[a] == t.ld_rows[b] && t.wld[a].to_bits() == t.wld[b].to_bits()))
    }
}

pub fn covariance(
    (j, k): (usize, usize),
    (tj, tk): (&TraitData, &TraitData),
    (label_j, label_k): (&str, &str),
    key_space: usize,
    r: &Regressors,
) -> Result<CellFit, StratifiedError> {
    let pairs = r_merge(
        &tj.keys,
        &tk.keys,
        key_space,
        same_rows(tj, true),
        same_rows(tk, false),
    );
    let n = pairs.len();
    let what = || format!("the genetic covariance of '{label_j}' and '{label_k}'");
    let blocks = jackknife_blocks(n, r.n_blocks).ok_or_else(|| too_few(what(), n, r.n_blocks))?;
    let (x, y) = (
        |i: usize| pairs[i].0 as usize,
        |i: usize| pairs[i].1 as usize,
    );
    let zz: Vec<f64> = (0..n)
        .map(|i| {
            let same_allele = tj.alleles[tj.a1[x(i)] as usize] == tk.alleles[tk.a1[y(i)] as usize];
            let zx = if same_allele { tj.z[x(i)] } else { -tj.z[x(i)] };
            tk.z[y(i)] * zx
        })
        .collect();
    let x_tot: Vec<f64> = (0..n).map(|i| r.x_tot(tj.ld_rows[x(i)])).collect();
    let agg1 = tot_agg(
        r.m_tot,
        mean_by(n, |i| tj.z[x(i)] * tj.z[x(i)]),
        mean_by(n, |i| x_tot[i] * tj.n[x(i)]),
    );
    let agg2 = tot_agg(
        r.m_tot,
        mean_by(n, |i| tk.z[y(i)] * tk.z[y(i)]),
        mean_by(n, |i| x_tot[i] * tk.n[y(i)]),
    );
    let summed: Vec<f64> = (0..n)
        .map(|i| {
            let wld = tj.wld[x(i)];
            root_weight(x_tot[i], wld, tj.n[x(i)], agg1, r.m_tot)
                + root_weight(x_tot[i], wld, tk.n[y(i)], agg2, r.m_tot)
        })
        .collect();
    let total = r_sum(summed.iter().copied());
    let fit = fit_blocks(&blocks, r.keep.len(), |i, xr| {
        r.row(tj.ld_rows[x(i)], xr);
        (summed[i] / total, zz[i])
    })
    .ok_or_else(|| StratifiedError::Ldsc(LdscError::SingularRegression { what: what() }))?;
    let n_bar = (mean_by(n, |i| tj.n[x(i)]) * mean_by(n, |i| tk.n[y(i)])).sqrt();
    Ok(finish(
        fit,
        r,
        (j, k),
        n,
        n_bar,
        mean_by(n, |i| zz[i]),
        None,
    ))
}
