//! Munging several files: the HapMap3 list is read once, files are processed in parallel on
//! the caller's pool, and each file's outcome (log or error) is reported separately.

use super::error::MungeError;
use super::log::Log;
use super::munge_file::{munge_file, MungeOptions};
use super::reference::Reference;
use super::write::write_sumstats_gz;
use crate::parallel::CancelToken;
use rayon::prelude::*;
use std::path::PathBuf;

pub struct MungeJob {
    pub input: PathBuf,
    /// The file name as the user gave it, used in the log.
    pub label: String,
    pub output: PathBuf,
    pub options: MungeOptions,
}

/// What happened to one file.
pub struct MungeReport {
    pub log: Log,
    pub rows_written: usize,
    pub malformed: Vec<(String, usize)>,
    pub overlong_rows: usize,
    pub repeated_snps: usize,
}

pub fn munge_all(
    jobs: &[MungeJob],
    hm3_path: &std::path::Path,
    hm3_label: &str,
    cancel: &CancelToken,
) -> Result<Vec<Result<MungeReport, MungeError>>, MungeError> {
    let hm3 = Reference::read(hm3_path, false)?;
    Ok(jobs
        .par_iter()
        .map(|job| {
            cancel.check()?;
            let munged = munge_file(
                &job.input,
                &job.label,
                &hm3,
                hm3_label,
                &job.options,
                cancel,
            )?;
            write_sumstats_gz(&job.output, &munged)?;
            Ok(MungeReport {
                rows_written: munged.rows.len(),
                malformed: munged.malformed,
                overlong_rows: munged.overlong_rows,
                repeated_snps: munged.repeated_snps,
                log: munged.log,
            })
        })
        .collect())
}
