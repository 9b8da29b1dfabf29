//! Stratified LD-score regression: GenomicSEM's `s_ldsc()` without R.
//!
//! [`s_ldsc`] reads the annotation LD scores of every `ld` prefix, their M_5_50 counts,
//! the annotation and frequency files (for the overlap matrix), and the weights; merges each
//! munged trait with them exactly as `ldsc()` does; runs one multiple regression per cell with
//! a block jackknife; and assembles per-annotation `S`, `V`, `S_Tau`, `V_Tau`. The R side
//! shapes the lists and writes the log from the per-trait and per-cell figures returned here.

mod annot;
mod assemble;
mod cells;
mod error;
mod files;
mod read;
mod regression;

pub use cells::CellFit;
pub use error::StratifiedError;

use crate::ldsc::ld_scores::{LdReference, LdTable, SnpIndex, WeightTable};
use crate::ldsc::liability::liability_factor;
use crate::ldsc::trait_data::{prepare_trait, TraitSummary};
use crate::ldsc::{sumstats, LdscError};
use crate::parallel::{in_order, CancelToken};
use rayon::prelude::*;
use std::path::PathBuf;

/// The arguments of R's `s_ldsc()`, checked by the R side.
#[derive(Debug, Clone)]
pub struct StratifiedOptions {
    pub traits: Vec<PathBuf>,
    pub sample_prev: Vec<Option<f64>>,
    pub population_prev: Vec<Option<f64>>,
    /// `ld` prefixes as given.
    pub ld: Vec<String>,
    pub wld: String,
    pub frq: String,
    pub n_blocks: usize,
    pub exclude_cont: bool,
}

/// Everything `s_ldsc()` returns, plus what its log reports.
#[derive(Debug, Clone)]
pub struct StratifiedResult {
    pub n_traits: usize,
    /// Prefixes in reading order (the one ending in "baseline" first).
    pub ld_order: Vec<String>,
    /// SNPs and annotations of the LD scores before exclusions (for the log).
    pub n_ld_snps: usize,
    pub n_annotations_read: usize,
    pub n_weight_snps: usize,
    /// Kept annotations: L2 names, annotation-file names, M_5_50 sums, binary flags.
    pub l2_names: Vec<String>,
    pub annot_names: Vec<String>,
    pub m: Vec<f64>,
    pub binary: Vec<bool>,
    pub s: Vec<Vec<f64>>,
    pub v: Vec<Vec<f64>>,
    pub s_tau: Vec<Vec<f64>>,
    pub v_tau: Vec<Vec<f64>>,
    pub i: Vec<f64>,
    pub n: Vec<f64>,
    pub liability_converted: Vec<bool>,
    pub n_blocks: usize,
    pub traits: Vec<TraitSummary>,
    pub cells: Vec<CellFit>,
}

/// GenomicSEM's reading order: the single prefix ending in "baseline" first, then the rest.
pub fn ld_order(ld: &[String]) -> Vec<String> {
    let base: Vec<usize> = (0..ld.len())
        .filter(|&i| ld[i].ends_with("baseline"))
        .collect();
    if base.len() == 1 {
        let mut out = vec![ld[base[0]].clone()];
        out.extend(
            ld.iter()
                .enumerate()
                .filter(|&(i, _)| i != base[0])
                .map(|(_, s)| s.clone()),
        );
        out
    } else {
        ld.to_vec()
    }
}

pub fn s_ldsc(
    options: &StratifiedOptions,
    cancel: &CancelToken,
) -> Result<StratifiedResult, StratifiedError> {
    let k = options.traits.len();
    if k == 0 {
        return Err(LdscError::NoTraits.into());
    }
    let n_blocks = if k > 18 {
        (k + 1) * (k + 2) / 2 + 1
    } else {
        options.n_blocks
    };
    if n_blocks < 2 {
        return Err(LdscError::TooFewBlocks { n_blocks }.into());
    }
    let ld = ld_order(&options.ld);
    let mut index = SnpIndex::default();
    let x = read::read_annot_ld(&ld, &mut index)?;
    if x.names.len() < 2 {
        return Err(StratifiedError::SingleAnnotation { n: x.names.len() });
    }
    let (w_keys, w_values) = read::read_weights(&options.wld, &mut index)?;
    cancel.check()?;
    let annotations = annot::annotation_summary(&ld, &options.frq, &x)?;
    cancel.check()?;
    let p_all = x.names.len();
    let keep: Vec<usize> = (0..p_all)
        .filter(|&i| !options.exclude_cont || annotations.binary[i])
        .collect();
    if keep.is_empty() {
        return Err(StratifiedError::NoBinaryAnnotation);
    }
    if !keep.iter().any(|&i| x.names[i] == "baseL2") {
        return Err(StratifiedError::NoBase);
    }
    let m: Vec<f64> = keep.iter().map(|&i| x.m[i]).collect();
    let p = keep.len();
    let cross: Vec<f64> = (0..p * p)
        .map(|c| annotations.cross[keep[c % p] + keep[c / p] * p_all])
        .collect();
    let overlap = assemble::overlap(&cross, &m);
    let n_ld_snps = x.keys.len();
    let n_weight_snps = w_keys.len();
    let base_col = x.names.iter().position(|n| n == "baseL2").unwrap_or(0);
    let reference = LdReference {
        index,
        ld: LdTable {
            keys: x.keys.clone(),
            chr: x.chr.clone(),
            bp: x.bp.clone(),
            l2: (0..n_ld_snps).map(|r| x.l2[r * p_all + base_col]).collect(),
            last: Vec::new(),
        },
        separate_weights: Some(WeightTable {
            keys: w_keys,
            wld: w_values,
        }),
        m: m.iter().sum(),
    };
    let traits = in_order(
        options
            .traits
            .par_iter()
            .map(|path| {
                cancel.check()?;
                let raw = sumstats::read_trait(path, &reference.index)?;
                let data = prepare_trait(raw, &reference, None);
                if data.summary.rows_merged == 0 {
                    return Err(LdscError::NoOverlap { path: path.clone() });
                }
                Ok(data)
            })
            .collect::<Vec<_>>(),
    )?;
    let labels: Vec<String> = options
        .traits
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let regressors = cells::Regressors {
        l2: &x.l2,
        width: p_all,
        keep: &keep,
        m: &m,
        m_tot: crate::rmath::r_sum(m.iter().copied()),
        n_blocks,
    };
    let positions: Vec<(usize, usize)> = (0..k).flat_map(|a| (a..k).map(move |b| (a, b))).collect();
    let key_space = reference.index.len();
    let fits = in_order(
        positions
            .par_iter()
            .map(|&(a, b)| {
                cancel.check()?;
                if a == b {
                    cells::heritability(a, &traits[a], &labels[a], &regressors)
                } else {
                    cells::covariance(
                        (a, b),
                        (&traits[a], &traits[b]),
                        (&labels[a], &labels[b]),
                        key_space,
                        &regressors,
                    )
                }
            })
            .collect::<Vec<_>>(),
    )?;
    let factors: Vec<f64> = (0..k)
        .map(|j| liability_factor(options.sample_prev[j], options.population_prev[j]))
        .collect();
    let lists = assemble::assemble(&fits, k, &overlap, n_blocks, &factors);
    let mut i_mat = vec![0.0; k * k];
    for f in &fits {
        i_mat[f.trait_a + f.trait_b * k] = f.intercept;
        i_mat[f.trait_b + f.trait_a * k] = f.intercept;
    }
    let given = |v: Option<f64>| v.is_some_and(|x| !x.is_nan());
    Ok(StratifiedResult {
        n_traits: k,
        ld_order: ld,
        n_ld_snps,
        n_annotations_read: p_all,
        n_weight_snps,
        l2_names: keep.iter().map(|&i| x.names[i].clone()).collect(),
        annot_names: keep.iter().map(|&i| annotations.names[i].clone()).collect(),
        m,
        binary: keep.iter().map(|&i| annotations.binary[i]).collect(),
        s: lists.s,
        v: lists.v,
        s_tau: lists.s_tau,
        v_tau: lists.v_tau,
        i: i_mat,
        n: fits.iter().map(|f| f.n_bar).collect(),
        liability_converted: (0..k)
            .map(|j| given(options.sample_prev[j]) && given(options.population_prev[j]))
            .collect(),
        n_blocks,
        traits: traits.into_iter().map(|t| t.summary).collect(),
        cells: fits,
    })
}
