//! `s_ldsc()`: checked R arguments in, per-annotation matrices (column-major vectors) and the
//! per-trait and per-cell figures the R side writes to the log out.

use crate::convert::{named_list, optional_int};
use crate::errors::{core_error, reply, RResult};
use crate::{interrupt, threads};
use extendr_api::prelude::*;
use gsem_core::stratified::{s_ldsc, StratifiedOptions, StratifiedResult};
use std::path::PathBuf;

/// Prevalences are doubles with NA for "not given".
/// @noRd
#[extendr]
#[allow(clippy::too_many_arguments)]
fn rs_s_ldsc(
    traits: Vec<String>,
    sample_prev: &[f64],
    population_prev: &[f64],
    ld: Vec<String>,
    wld: &str,
    frq: &str,
    n_blocks: f64,
    exclude_cont: bool,
    requested_threads: Robj,
) -> Robj {
    reply((|| {
        let (threads, _) = threads::resolve(optional_int(&requested_threads, "cores")?)?;
        let given = |x: &f64| Some(*x).filter(|v| !v.is_nan());
        let options = StratifiedOptions {
            traits: traits.iter().map(PathBuf::from).collect(),
            sample_prev: sample_prev.iter().map(given).collect(),
            population_prev: population_prev.iter().map(given).collect(),
            ld,
            wld: wld.to_owned(),
            frq: frq.to_owned(),
            n_blocks: n_blocks as usize,
            exclude_cont,
        };
        let result =
            interrupt::run(threads, |cancel| s_ldsc(&options, cancel))?.map_err(core_error)?;
        result_to_r(&result)
    })())
}

fn matrices(list: &[Vec<f64>]) -> Robj {
    List::from_values(list.iter().map(|v| Robj::from(v.clone()))).into()
}

fn result_to_r(r: &StratifiedResult) -> RResult<Robj> {
    let traits = named_list(vec![
        (
            "rows_read",
            r.traits
                .iter()
                .map(|t| t.rows_read as f64)
                .collect::<Vec<_>>()
                .into(),
        ),
        (
            "rows_merged",
            r.traits
                .iter()
                .map(|t| t.rows_merged as f64)
                .collect::<Vec<_>>()
                .into(),
        ),
        (
            "chisq_max",
            r.traits
                .iter()
                .map(|t| t.chisq_max)
                .collect::<Vec<_>>()
                .into(),
        ),
        (
            "rows_removed",
            r.traits
                .iter()
                .map(|t| t.rows_removed as f64)
                .collect::<Vec<_>>()
                .into(),
        ),
        (
            "rows_used",
            r.traits
                .iter()
                .map(|t| t.rows_used as f64)
                .collect::<Vec<_>>()
                .into(),
        ),
    ])?;
    let c = &r.cells;
    let cells = named_list(vec![
        (
            "a",
            c.iter()
                .map(|f| f.trait_a as f64 + 1.0)
                .collect::<Vec<_>>()
                .into(),
        ),
        (
            "b",
            c.iter()
                .map(|f| f.trait_b as f64 + 1.0)
                .collect::<Vec<_>>()
                .into(),
        ),
        (
            "n_snps",
            c.iter().map(|f| f.n_snps as f64).collect::<Vec<_>>().into(),
        ),
        (
            "total",
            c.iter().map(|f| f.total).collect::<Vec<_>>().into(),
        ),
        (
            "total_se",
            c.iter().map(|f| f.total_se).collect::<Vec<_>>().into(),
        ),
        (
            "intercept",
            c.iter().map(|f| f.intercept).collect::<Vec<_>>().into(),
        ),
        (
            "intercept_se",
            c.iter().map(|f| f.intercept_se).collect::<Vec<_>>().into(),
        ),
        (
            "mean_stat",
            c.iter().map(|f| f.mean_stat).collect::<Vec<_>>().into(),
        ),
        (
            "median_chi2",
            c.iter()
                .map(|f| f.median_chi2.unwrap_or(f64::NAN))
                .collect::<Vec<_>>()
                .into(),
        ),
    ])?;
    named_list(vec![
        ("k", (r.n_traits as f64).into()),
        ("ld_order", r.ld_order.clone().into()),
        ("n_ld_snps", (r.n_ld_snps as f64).into()),
        ("n_annotations_read", (r.n_annotations_read as f64).into()),
        ("n_weight_snps", (r.n_weight_snps as f64).into()),
        ("l2_names", r.l2_names.clone().into()),
        ("annot_names", r.annot_names.clone().into()),
        ("m", r.m.clone().into()),
        ("binary", r.binary.clone().into()),
        ("S", matrices(&r.s)),
        ("V", matrices(&r.v)),
        ("S_Tau", matrices(&r.s_tau)),
        ("V_Tau", matrices(&r.v_tau)),
        ("I", r.i.clone().into()),
        ("N", r.n.clone().into()),
        ("liability_converted", r.liability_converted.clone().into()),
        ("n_blocks", (r.n_blocks as f64).into()),
        ("traits", traits),
        ("cells", cells),
    ])
}

extendr_module! {
    mod stratified;
    fn rs_s_ldsc;
}
