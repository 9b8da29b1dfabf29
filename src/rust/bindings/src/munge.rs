//! `munge()`: R vectors in, per-file reports out.

use crate::convert::{named_list, optional_int};
use crate::errors::{core_error, reply, RError, RResult};
use crate::{interrupt, threads};
use extendr_api::prelude::*;
use gsem_core::error::Classed;
use gsem_core::munge::{munge_all, Field, Log, MungeJob, MungeOptions, MungeReport};
use std::path::{Path, PathBuf};

/// @noRd
#[extendr]
#[allow(clippy::too_many_arguments)]
fn rs_munge_files(
    inputs: Vec<String>,
    labels: Vec<String>,
    outputs: Vec<String>,
    hm3: &str,
    hm3_label: &str,
    n: &[f64],
    info_filter: f64,
    maf_filter: f64,
    column_fields: Vec<String>,
    column_names: Vec<String>,
    requested_threads: Robj,
) -> Robj {
    reply((|| {
        // One file per thread at most: more threads would only wait (and spin) for work.
        let (threads, _) = threads::resolve(optional_int(&requested_threads, "cores")?)?;
        let threads = threads.min(inputs.len()).max(1);
        let column_names = user_columns(&column_fields, &column_names)?;
        let jobs: Vec<MungeJob> = (0..inputs.len())
            .map(|i| MungeJob {
                input: PathBuf::from(&inputs[i]),
                label: labels.get(i).cloned().unwrap_or_default(),
                output: PathBuf::from(outputs.get(i).cloned().unwrap_or_default()),
                options: MungeOptions {
                    n: n.get(i).copied().filter(|x| !x.is_nan()),
                    info_filter,
                    maf_filter,
                    column_names: column_names.clone(),
                },
            })
            .collect();
        let reports = interrupt::run(threads, |cancel| {
            munge_all(&jobs, Path::new(hm3), hm3_label, cancel)
        })?
        .map_err(core_error)?;
        let items: Vec<Robj> = reports
            .into_iter()
            .map(|r| match r {
                Ok(report) => report_to_r(report),
                Err(e) => error_to_r(&e),
            })
            .collect::<RResult<_>>()?;
        Ok(List::from_values(items).into())
    })())
}

fn user_columns(fields: &[String], names: &[String]) -> RResult<Vec<(Field, String)>> {
    fields
        .iter()
        .zip(names)
        .map(|(f, n)| {
            Field::from_name(f)
                .map(|field| (field, n.clone()))
                .ok_or_else(|| RError::argument(format!("Unknown key '{f}' in `column.names`.")))
        })
        .collect()
}

pub fn log_to_r(log: &Log) -> RResult<Robj> {
    let (messages, printed): (Vec<String>, Vec<bool>) = log.messages.iter().cloned().unzip();
    named_list(vec![
        ("messages", messages.into()),
        ("printed", printed.into()),
        ("warnings", log.warnings.clone().into()),
    ])
}

fn report_to_r(report: MungeReport) -> RResult<Robj> {
    let (columns, counts): (Vec<String>, Vec<f64>) = report
        .malformed
        .into_iter()
        .map(|(c, n)| (c, n as f64))
        .unzip();
    named_list(vec![
        ("ok", true.into()),
        ("log", log_to_r(&report.log)?),
        ("rows", (report.rows_written as f64).into()),
        ("malformed_columns", columns.into()),
        ("malformed_counts", counts.into()),
        ("overlong_rows", (report.overlong_rows as f64).into()),
        ("repeated_snps", (report.repeated_snps as f64).into()),
    ])
}

pub fn error_to_r<E: Classed>(err: &E) -> RResult<Robj> {
    named_list(vec![
        ("ok", false.into()),
        ("class", err.class().into()),
        ("message", err.to_string().into()),
    ])
}

extendr_module! {
    mod munge;
    fn rs_munge_files;
}
