//! Multivariable LD-score regression: GenomicSEM's `ldsc()` without R.
//!
//! [`ldsc`] reads the LD-score folder and the munged trait files, runs one weighted
//! regression with a block jackknife per cell of the genetic covariance matrix (in parallel
//! on the caller's rayon pool), and assembles `S`, `V`, `I`, `N`, `m` exactly as the original
//! does, including its quirks (cross-trait weighting of the regressors, per-pair SNP sets,
//! A1-only alignment, R's merge order for duplicated rsIDs). [`log::render_log`] writes the
//! original's log text from the result.

mod assemble;
mod cells;
mod error;
pub(crate) mod ld_scores;
pub(crate) mod liability;
pub mod log;
pub(crate) mod merge;
pub(crate) mod parse;
pub(crate) mod regression;
pub(crate) mod sumstats;
pub(crate) mod trait_data;

pub use cells::CellEstimate;
pub use error::LdscError;
pub use ld_scores::ChromosomeSelection;
pub use trait_data::TraitSummary;

use crate::parallel::{in_order, CancelToken};
use rayon::prelude::*;
use std::path::PathBuf;

/// The arguments of R's `ldsc()`, already checked for type by the R side.
#[derive(Debug, Clone)]
pub struct LdscOptions {
    /// Munged summary-statistics files (`traits`).
    pub traits: Vec<PathBuf>,
    /// `sample.prev`, one per trait; `None` for NA.
    pub sample_prev: Vec<Option<f64>>,
    /// `population.prev`, one per trait; `None` for NA.
    pub population_prev: Vec<Option<f64>>,
    /// LD-score folder (`ld`).
    pub ld: PathBuf,
    /// Weight LD-score folder (`wld`), read only when `sep_weights`.
    pub wld: PathBuf,
    pub sep_weights: bool,
    /// Highest chromosome (`chr`, default 22).
    pub chr: u32,
    /// `n.blocks` (default 200); replaced by `(k+1)(k+2)/2 + 1` for more than 18 traits.
    pub n_blocks: usize,
    pub select: ChromosomeSelection,
    /// `chisq.max`; `None` for R's NA, i.e. `max(0.001 * max(N), 80)` per trait.
    pub chisq_max: Option<f64>,
    /// `stand`: whether R returns `S_Stand`/`V_Stand` (they are computed whenever possible).
    pub stand: bool,
}

impl LdscOptions {
    /// Options with R's defaults for everything but the trait files and folders.
    pub fn new(traits: Vec<PathBuf>, ld: PathBuf, wld: PathBuf) -> Self {
        let k = traits.len();
        LdscOptions {
            traits,
            sample_prev: vec![None; k],
            population_prev: vec![None; k],
            ld,
            wld,
            sep_weights: false,
            chr: 22,
            n_blocks: 200,
            select: ChromosomeSelection::All,
            chisq_max: None,
            stand: false,
        }
    }
}

/// Warnings R's `ldsc()` raises; the R side re-raises them with these messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LdscWarning {
    SingleTrait,
    ManyBlocks { n_blocks: usize },
    NonPositiveHeritability,
}

impl LdscWarning {
    pub fn message(&self) -> &'static str {
        match self {
            LdscWarning::SingleTrait => "Our version of ldsc requires 2 or more traits. Please include an additional trait.",
            LdscWarning::ManyBlocks { .. } => "The number of blocks needed to estimate V is > 1000, which may result in sampling dependencies across the blocks used to estimate standard errors and can bias results.",
            LdscWarning::NonPositiveHeritability => "Your genetic covariance matrix includes traits estimated to have a negative heritability.",
        }
    }
}

/// Everything `ldsc()` returns, plus what its log reports.
#[derive(Debug, Clone)]
pub struct LdscResult {
    pub n_traits: usize,
    /// `S` (liability scale where prevalences are given), `k x k` column-major.
    pub s: Vec<f64>,
    /// `V`, `kst x kst` column-major, vech order.
    pub v: Vec<f64>,
    /// `I`, `k x k` column-major: intercepts (diagonal) and cross-trait intercepts.
    pub i: Vec<f64>,
    /// `N` (the 1 x kst matrix of R), vech order.
    pub n: Vec<f64>,
    /// `m`: sum of M_5_50 over the chromosomes read.
    pub m: f64,
    /// `S_Stand`/`V_Stand`; `None` when some heritability is not positive (R then has no
    /// standardized matrices, and `stand = TRUE` fails after the log is written).
    pub s_stand: Option<Vec<f64>>,
    pub v_stand: Option<Vec<f64>>,
    /// Blocks actually used.
    pub n_blocks: usize,
    /// Liability conversion factor per trait (1 when not converted).
    pub liability_factors: Vec<f64>,
    /// Whether both prevalences were given for each trait (R then converts, and says so).
    pub liability_converted: Vec<bool>,
    pub traits: Vec<TraitSummary>,
    /// Cells in vech order (R's loop order).
    pub cells: Vec<CellEstimate>,
    pub warnings: Vec<LdscWarning>,
}

impl LdscResult {
    /// `S_Stand` and `V_Stand`; `None` when some heritability is not positive (then R's
    /// `stand = TRUE` fails after writing the log: the R side should raise its error).
    pub fn standardized(&self) -> Option<(&[f64], &[f64])> {
        match (&self.s_stand, &self.v_stand) {
            (Some(s), Some(v)) => Some((s, v)),
            _ => None,
        }
    }
}

/// Run multivariable LD-score regression. Parallel over traits and cells on the current
/// rayon pool; `cancel` is checked between cells.
pub fn ldsc(options: &LdscOptions, cancel: &CancelToken) -> Result<LdscResult, LdscError> {
    let k = options.traits.len();
    validate(options)?;
    let mut warnings = Vec::new();
    if k == 1 {
        warnings.push(LdscWarning::SingleTrait);
    }
    let n_blocks = if k > 18 {
        (k + 1) * (k + 2) / 2 + 1
    } else {
        options.n_blocks
    };
    if k > 18 && n_blocks > 1000 {
        warnings.push(LdscWarning::ManyBlocks { n_blocks });
    }
    if n_blocks < 2 {
        return Err(LdscError::TooFewBlocks { n_blocks });
    }
    let chromosomes = options.select.chromosomes(options.chr);
    let wld = options.sep_weights.then_some(options.wld.as_path());
    let reference = ld_scores::read_ld_reference(&options.ld, wld, &chromosomes)?;
    cancel.check()?;
    let traits: Vec<trait_data::TraitData> = in_order(
        options
            .traits
            .par_iter()
            .map(|path| {
                cancel.check()?;
                let raw = sumstats::read_trait(path, &reference.index)?;
                let data = trait_data::prepare_trait(raw, &reference, options.chisq_max);
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
    let positions = assemble::vech_positions(k);
    let key_space = reference.index.len();
    let m = reference.m;
    let cells: Vec<CellEstimate> = in_order(
        positions
            .par_iter()
            .map(|&(b, a)| {
                cancel.check()?;
                if a == b {
                    cells::heritability(a, &traits[a], &labels[a], m, n_blocks)
                } else {
                    cells::covariance(
                        (a, b),
                        (&traits[a], &traits[b]),
                        (&labels[a], &labels[b]),
                        key_space,
                        m,
                        n_blocks,
                    )
                }
            })
            .collect::<Vec<_>>(),
    )?;
    let factors: Vec<f64> = (0..k)
        .map(|j| liability::liability_factor(options.sample_prev[j], options.population_prev[j]))
        .collect();
    let assembled = assemble::assemble(&cells, k, m, n_blocks, &factors);
    if assembled.s_stand.is_none() {
        warnings.push(LdscWarning::NonPositiveHeritability);
    }
    Ok(LdscResult {
        n_traits: k,
        s: assembled.s,
        v: assembled.v,
        i: assembled.i,
        n: assembled.n,
        m,
        s_stand: assembled.s_stand,
        v_stand: assembled.v_stand,
        n_blocks,
        liability_factors: factors,
        liability_converted: (0..k)
            .map(|j| {
                let given = |v: Option<f64>| v.is_some_and(|x| !x.is_nan());
                given(options.sample_prev[j]) && given(options.population_prev[j])
            })
            .collect(),
        traits: traits.into_iter().map(|t| t.summary).collect(),
        cells,
        warnings,
    })
}

fn validate(options: &LdscOptions) -> Result<(), LdscError> {
    let k = options.traits.len();
    if k == 0 {
        return Err(LdscError::NoTraits);
    }
    for (argument, values) in [
        ("sample.prev", &options.sample_prev),
        ("population.prev", &options.population_prev),
    ] {
        if values.len() != k {
            return Err(LdscError::PrevalenceLength {
                argument,
                got: values.len(),
                expected: k,
            });
        }
        for (trait_index, value) in values.iter().enumerate() {
            if let Some(v) = *value {
                let valid = v.is_nan() || (v > 0.0 && v < 1.0);
                if !valid {
                    return Err(LdscError::PrevalenceRange {
                        argument,
                        trait_index,
                        value: v,
                    });
                }
            }
        }
    }
    if k <= 18 && options.n_blocks < 2 {
        return Err(LdscError::TooFewBlocks {
            n_blocks: options.n_blocks,
        });
    }
    Ok(())
}
