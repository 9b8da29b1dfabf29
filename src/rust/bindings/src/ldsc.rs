//! `ldsc()`: checked R arguments in, plain matrices (as column-major vectors), warnings and
//! the log lines out. R shapes the matrices and writes the log.

use crate::convert::{named_list, optional_int};
use crate::errors::{core_error, reply, RError, RResult};
use crate::{interrupt, threads};
use extendr_api::prelude::*;
use gsem_core::ldsc::log::{render_results, LogLabels};
use gsem_core::ldsc::{ldsc, ChromosomeSelection, LdscOptions, LdscResult, LdscWarning};
use std::path::PathBuf;

/// `select` arrives as a kind ("all", "odd", "even", "list") and, for "list", the
/// chromosome numbers. Prevalences are doubles with NA for "not given"; `chisq_max` is empty
/// for R's NA (extendr refuses NA for a scalar double).
/// `trait_names` is empty when the user gave none.
/// @noRd
#[extendr]
#[allow(clippy::too_many_arguments)]
fn rs_ldsc(
    traits: Vec<String>,
    labels: Vec<String>,
    sample_prev: &[f64],
    population_prev: &[f64],
    ld: &str,
    wld: &str,
    trait_names: Vec<String>,
    sep_weights: bool,
    chr: f64,
    n_blocks: f64,
    select_kind: &str,
    select_list: &[f64],
    chisq_max: &[f64],
    stand: bool,
    began_at: &str,
    requested_threads: Robj,
) -> Robj {
    reply((|| {
        let (threads, _) = threads::resolve(optional_int(&requested_threads, "cores")?)?;
        let given = |x: &f64| Some(*x).filter(|v| !v.is_nan());
        let mut options = LdscOptions::new(
            traits.iter().map(PathBuf::from).collect(),
            PathBuf::from(ld),
            PathBuf::from(wld),
        );
        options.sample_prev = sample_prev.iter().map(given).collect();
        options.population_prev = population_prev.iter().map(given).collect();
        options.sep_weights = sep_weights;
        options.chr = whole_number(chr, "chr")?;
        options.n_blocks = whole_number(n_blocks, "n.blocks")? as usize;
        options.select = selection(select_kind, select_list)?;
        options.chisq_max = chisq_max.first().and_then(given);
        options.stand = stand;
        let result =
            interrupt::run(threads, |cancel| ldsc(&options, cancel))?.map_err(core_error)?;
        let labels = LogLabels {
            trait_files: labels,
            trait_names: (!trait_names.is_empty()).then_some(trait_names),
            began_at: began_at.to_owned(),
            finished_at: String::new(),
            elapsed_seconds: 0.0,
        };
        result_to_r(&result, &labels)
    })())
}

fn whole_number(x: f64, what: &str) -> RResult<u32> {
    if x.is_finite() && x >= 0.0 && x.fract() == 0.0 && x <= u32::MAX as f64 {
        Ok(x as u32)
    } else {
        Err(RError::argument(format!(
            "`{what}` must be a positive whole number, not {x}."
        )))
    }
}

fn selection(kind: &str, list: &[f64]) -> RResult<ChromosomeSelection> {
    Ok(match kind {
        "all" => ChromosomeSelection::All,
        "odd" => ChromosomeSelection::Odd,
        "even" => ChromosomeSelection::Even,
        "list" => ChromosomeSelection::List(
            list.iter()
                .map(|&c| whole_number(c, "select"))
                .collect::<RResult<_>>()?,
        ),
        other => {
            return Err(RError::internal(format!(
                "unknown chromosome selection '{other}'"
            )))
        }
    })
}

fn warning_kind(w: &LdscWarning) -> &'static str {
    match w {
        LdscWarning::SingleTrait => "single_trait",
        LdscWarning::ManyBlocks { .. } => "many_blocks",
        LdscWarning::NonPositiveHeritability => "negative_h2",
    }
}

fn result_to_r(result: &LdscResult, labels: &LogLabels) -> RResult<Robj> {
    let lines = render_results(result, labels);
    let (messages, printed): (Vec<String>, Vec<bool>) = lines
        .into_iter()
        .map(|l| (l.text + "\n", l.console))
        .unzip();
    let log = named_list(vec![
        ("messages", messages.into()),
        ("printed", printed.into()),
        ("warnings", Vec::<String>::new().into()),
    ])?;
    let optional =
        |m: &Option<Vec<f64>>| m.as_ref().map_or_else(|| ().into(), |v| v.clone().into());
    named_list(vec![
        ("k", (result.n_traits as f64).into()),
        ("S", result.s.clone().into()),
        ("V", result.v.clone().into()),
        ("I", result.i.clone().into()),
        ("N", result.n.clone().into()),
        ("m", result.m.into()),
        ("S_Stand", optional(&result.s_stand)),
        ("V_Stand", optional(&result.v_stand)),
        (
            "warning_kinds",
            result
                .warnings
                .iter()
                .map(warning_kind)
                .collect::<Vec<_>>()
                .into(),
        ),
        (
            "warning_messages",
            result
                .warnings
                .iter()
                .map(|w| w.message())
                .collect::<Vec<_>>()
                .into(),
        ),
        ("log", log),
    ])
}

extendr_module! {
    mod ldsc;
    fn rs_ldsc;
}
