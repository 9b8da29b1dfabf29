//! `sumstats()`: R vectors in, the joined table and per-file reports out.

use crate::convert::{flags, named_list, optional_int};
use crate::errors::{core_error, reply, RResult};
use crate::munge::{error_to_r, log_to_r};
use crate::{interrupt, threads};
use extendr_api::prelude::*;
use gsem_core::munge::{
    join_traits, prepare_reference, sumstats_traits, typed_column, SumstatsJob, SumstatsOptions,
    TraitOutput, TypedColumn,
};
use std::path::{Path, PathBuf};

/// Per-trait flags arrive as logical vectors of the same length as `inputs`.
/// @noRd
#[extendr]
#[allow(clippy::too_many_arguments)]
fn rs_sumstats_files(
    inputs: Vec<String>,
    labels: Vec<String>,
    trait_names: Vec<String>,
    reference: &str,
    reference_label: &str,
    n: &[f64],
    se_logit: Logicals,
    ols: Logicals,
    linprob: Logicals,
    betas_given: Logicals,
    info_filter: f64,
    maf_filter: f64,
    keep_indel: bool,
    ambig: bool,
    direct_filter: bool,
    requested_threads: Robj,
) -> Robj {
    reply((|| {
        // One file per thread at most: more threads would only wait (and spin) for work.
        let (threads, _) = threads::resolve(optional_int(&requested_threads, "cores")?)?;
        let threads = threads.min(inputs.len()).max(1);
        let (se_logit, ols, linprob, betas_given) = (
            flags(&se_logit),
            flags(&ols),
            flags(&linprob),
            flags(&betas_given),
        );
        let flag = |v: &Vec<bool>, i: usize| v.get(i).copied().unwrap_or(false);
        let jobs: Vec<SumstatsJob> = (0..inputs.len())
            .map(|i| SumstatsJob {
                input: PathBuf::from(&inputs[i]),
                label: labels.get(i).cloned().unwrap_or_default(),
                options: SumstatsOptions {
                    n: n.get(i).copied().filter(|x| !x.is_nan()),
                    keep_indel,
                    ols: flag(&ols, i),
                    linprob: flag(&linprob, i),
                    se_logit: flag(&se_logit, i),
                    betas_given: flag(&betas_given, i),
                    info_filter,
                    direct_filter,
                    trait_name: trait_names.get(i).cloned().unwrap_or_default(),
                },
            })
            .collect();
        let outcome = interrupt::run(threads, |cancel| {
            let panel = prepare_reference(Path::new(reference), maf_filter, ambig)?;
            let traits = sumstats_traits(&jobs, &panel, reference_label, cancel);
            Ok::<_, gsem_core::munge::MungeError>((panel, traits))
        })?
        .map_err(core_error)?;
        let (panel, traits) = outcome;
        let mut reports = Vec::with_capacity(traits.len());
        let mut outputs: Vec<TraitOutput> = Vec::with_capacity(traits.len());
        for result in traits {
            match result {
                Ok(output) => {
                    reports.push(report_to_r(&output)?);
                    outputs.push(output);
                }
                Err(e) => {
                    reports.push(error_to_r(&e)?);
                    return named_list(vec![
                        ("ok", false.into()),
                        ("reports", List::from_values(reports).into()),
                    ]);
                }
            }
        }
        let table = join_traits(panel, &outputs);
        let columns: Vec<Robj> = table
            .reference
            .columns
            .iter()
            .map(|column| match typed_column(column, &table.rows) {
                TypedColumn::Integer(v) => {
                    Integers::from_values(v.into_iter().map(|x| x.map_or(Rint::na(), Rint::from)))
                        .into()
                }
                TypedColumn::Double(v) => v.into(),
                TypedColumn::Text(v) => v.into(),
            })
            .collect();
        named_list(vec![
            ("ok", true.into()),
            ("reports", List::from_values(reports).into()),
            ("reference_rows", (table.reference.len() as f64).into()),
            ("header", table.reference.header.clone().into()),
            ("columns", List::from_values(columns).into()),
            (
                "beta",
                List::from_values(table.beta.into_iter().map(Robj::from)).into(),
            ),
            (
                "se",
                List::from_values(table.se.into_iter().map(Robj::from)).into(),
            ),
        ])
    })())
}

fn report_to_r(output: &TraitOutput) -> RResult<Robj> {
    let (columns, counts): (Vec<String>, Vec<f64>) = output
        .malformed
        .iter()
        .map(|(c, n)| (c.clone(), *n as f64))
        .unzip();
    named_list(vec![
        ("ok", true.into()),
        ("log", log_to_r(&output.log)?),
        ("rows", (output.rows.len() as f64).into()),
        ("malformed_columns", columns.into()),
        ("malformed_counts", counts.into()),
        ("overlong_rows", (output.overlong_rows as f64).into()),
    ])
}

extendr_module! {
    mod sumstats;
    fn rs_sumstats_files;
}
