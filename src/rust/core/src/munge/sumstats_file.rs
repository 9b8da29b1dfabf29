//! GenomicSEM's `sumstats()` for one file: QC against the reference panel, Z from P, the
//! OLS / linear-probability / logistic rescaling to standardised betas, with its log.

use super::alleles::{align, Alignment};
use super::columns::{Field, Rules};
use super::duplicates::{hash_id, DuplicateCounter};
use super::error::MungeError;
use super::log::{retain_logged, Log};
use super::raw::{read_raw, RawGwas, ReadSpec};
use super::reference::Reference;
use super::sumstats_scale::{rescale, Scaled};
use crate::parallel::CancelToken;
use crate::rmath::{format_r15, median, round_half_even};
use std::path::Path;

pub struct SumstatsOptions {
    pub n: Option<f64>,
    pub keep_indel: bool,
    pub ols: bool,
    pub linprob: bool,
    pub se_logit: bool,
    /// `betas[i]` is a character value: the OLS betas are already standardised.
    pub betas_given: bool,
    pub info_filter: f64,
    pub direct_filter: bool,
    pub trait_name: String,
}

/// A row of the joined table while it is being filtered.
pub(super) struct Row {
    pub file: usize,
    pub reference: usize,
    pub effect: f64,
    pub se: f64,
    pub var_snp: f64,
}

/// One trait's output: (reference row, beta, se) in reference order.
pub struct TraitOutput {
    pub rows: Vec<(usize, f64, f64)>,
    pub log: Log,
    pub malformed: Vec<(String, usize)>,
    pub overlong_rows: usize,
}

pub fn sumstats_file(
    path: &Path,
    label: &str,
    reference: &Reference,
    ref_label: &str,
    o: &SumstatsOptions,
    cancel: &CancelToken,
) -> Result<TraitOutput, MungeError> {
    let mut log = Log::default();
    log.line(format!("Preparing summary statistics for file: {label}"));
    // SE is required unless the transformation computes it (linprob) or does not use it (OLS).
    let needs_se = !o.linprob && (o.se_logit || !o.ols);
    let stop = if needs_se {
        vec![Field::Effect, Field::Snp, Field::Se]
    } else {
        vec![Field::Effect, Field::Snp]
    };
    let checks = [Field::P, Field::A1, Field::A2, Field::Effect, Field::Snp];
    let warn = [Field::P, Field::A1, Field::A2, Field::N];
    let keep = reference.finder();
    let spec = ReadSpec {
        rules: Rules {
            user: &[],
            n_provided: false,
            check_single: &checks,
            warn_missing: &warn,
            stop_missing: &stop,
            refuse_z_as_effect: !o.linprob && !o.ols,
        },
        double_half_neff: false,
        keep_other_alleles: o.keep_indel,
        keep_snp: &keep,
    };
    let mut counter = DuplicateCounter::default();
    let mut observe = |snp: &str, direction: Option<&str>| {
        counter.add(snp, o.direct_filter && !direction_ok(direction))
    };
    let mut raw = read_raw(path, label, &spec, &mut log, cancel, Some(&mut observe))?;
    let missing: Vec<String> = [Field::Effect, Field::P, Field::A1, Field::A2]
        .iter()
        .filter(|f| !raw.has(**f))
        .map(|f| f.name().to_owned())
        .collect();
    if !missing.is_empty() {
        return Err(MungeError::MissingColumns {
            file: label.to_owned(),
            missing,
            found: raw.header.clone(),
        });
    }
    if let Some(n) = o.n {
        let what = if o.ols {
            "the total sample size."
        } else {
            "the sum of effective sample sizes if the linprob argument is being used to back out logistic betas."
        };
        log.line(format!(
            "Using user provided N of {} for {label} . Please note that this should reflect {what}",
            format_r15(n)
        ));
        raw.n = vec![n; raw.len()];
    }
    let (repeated, duplicate_rows, direction_removed) = counter.finish();
    log.line(format!("{duplicate_rows} rows were removed from the {label} summary statistics file due to entries that were duplicated for rsID. These are removed as they likely reflect multiallelic variants."));
    if o.keep_indel {
        log.line("Keeping variants other than SNPs, this may cause problems when alligning alleles across traits and the reference file".to_owned());
    }
    let has_direction = raw.has(Field::Direction);
    if o.direct_filter {
        if has_direction {
            log.line(format!("{direction_removed}rows were removed from the{label}summary statistics file due to missingness across 50% or more of contributing cohorts as determined by missing info in the direction column."));
        } else {
            log.line("No DIRECTION column, cannot filter on missingness by conributing cohorts, which may influence results".to_owned());
        }
    }
    log.line(format!(
        "Merging file: {label} with the reference file: {ref_label}"
    ));
    let present = raw.rows_in_file
        - duplicate_rows
        - if o.direct_filter && has_direction {
            direction_removed
        } else {
            0
        };
    log.line(format!(
        "{present} rows present in the full {label} summary statistics file."
    ));
    let keep_row = |file: usize| {
        (repeated.is_empty() || repeated.binary_search(&hash_id(raw.snp.get(file))).is_err())
            && (!o.direct_filter || !has_direction || direction_ok(raw.direction[file].as_deref()))
    };
    let mut rows = join_reference(&raw, reference, keep_row);
    log.line(format!("{} rows were removed from the {label} summary statistics file as the rsIDs for these SNPs were not present in the reference file.", present as i64 - rows.len() as i64));
    retain_logged(
        &mut rows,
        &mut log,
        |r| raw.p[r.file].is_none_or(|p| p.value.is_nan()),
        |n| {
            format!("{n}rows were removed from the {label} summary statistics file due to missing values in the P-value column")
        },
    );
    retain_logged(
        &mut rows,
        &mut log,
        |r| r.effect.is_nan(),
        |n| {
            format!("{n}rows were removed from the {label} summary statistics file due to missing values in the effect column")
        },
    );
    if needs_se {
        // Not in GenomicSEM, which turned such rows into zero or negative standard errors.
        retain_logged(
            &mut rows,
            &mut log,
            |r| r.se <= 0.0,
            |n| {
                format!("{n} rows were removed from the {label} summary statistics file due to standard errors that are zero or negative")
            },
        );
    }
    snp_variance(&mut rows, &raw, reference, label, &mut log);
    if rows.is_empty() {
        return Err(MungeError::NoRowsLeft {
            file: label.to_owned(),
            step: "merging with the reference and removing missing values".to_owned(),
        });
    }
    let first = rows[0].effect;
    let mut effects: Vec<f64> = rows.iter().map(|r| r.effect).collect();
    if round_half_even(median(&mut effects)) == 1.0 {
        rows.iter_mut().for_each(|r| r.effect = r.effect.ln());
    }
    if first != rows[0].effect {
        log.line(format!("The effect column was determined to be coded as an odds ratio (OR) for the {label} summary statistics file based on the median of the effect column being close to 1. Please ensure the interpretation of this column as an OR is correct."));
    } else {
        log.line(format!("The effect column was determined NOT to be coded as an odds ratio (OR) for the {label} summary statistics file based on the median of the effect column being close to 0."));
    }
    // `effect != 0` is NA for NaN effects (log of a negative OR), which subset() drops too.
    retain_logged(
        &mut rows,
        &mut log,
        |r| r.effect.is_nan() || r.effect == 0.0,
        |n| {
            format!("{n}rows were removed from the{label}summary statistics file due to effect values estimated at exactly 0 as this causes problems for matrix inversion necessary for later Genomic SEM analyses.")
        },
    );
    let Scaled {
        rows: scaled,
        mean_abs_z,
    } = rescale(rows, &raw, reference, o, label, &mut log, align_row)?;
    log.line(format!("{} SNPs are left in the summary statistics file {label} after QC and merging with the reference file.", scaled.len()));
    if scaled.is_empty() {
        return Err(MungeError::NoRowsLeft {
            file: label.to_owned(),
            step: "QC and merging with the reference file".to_owned(),
        });
    }
    if mean_abs_z > 5.0 {
        let text = format!("The average value of estimate over standard error (i.e., Z) is > 5 for {}. This suggests a column was misinterpreted or arguments were misspecified. Please post on the google group if you are unable to figure out the issue.", o.trait_name);
        log.quiet_line(format!("WARNING: {text}"));
        log.warning(text);
    }
    Ok(TraitOutput {
        rows: scaled,
        log,
        malformed: std::mem::take(&mut raw.malformed),
        overlong_rows: raw.overlong_rows,
    })
}

/// `str_count(DIRECTION, "?") / nchar(DIRECTION) < .5`; a missing direction fails.
fn direction_ok(direction: Option<&str>) -> bool {
    direction.is_some_and(|d| (d.matches('?').count() as f64) / (d.chars().count() as f64) < 0.5)
}

/// dplyr's `inner_join(ref, file, by = "SNP")`: reference order, every matching file row.
/// Repeated ids were removed from the file before, so each id has at most one file row.
fn join_reference(raw: &RawGwas, reference: &Reference, keep: impl Fn(usize) -> bool) -> Vec<Row> {
    // The read already found each row's reference row: pair them and put the pairs in
    // reference order. No hashing, memory in proportion to the rows kept, and a file sorted
    // like the reference is one ascending run, which the stable sort only checks.
    let mut rows: Vec<Row> = (0..raw.len())
        .filter(|&file| keep(file))
        .flat_map(|file| {
            let first = raw.reference_row[file];
            std::iter::once(first)
                .chain(reference.same_after(first))
                .map(move |reference_row| Row {
                    file,
                    reference: reference_row,
                    effect: raw.effect[file],
                    se: raw.se.get(file).copied().unwrap_or(f64::NAN),
                    var_snp: f64::NAN,
                })
        })
        .collect();
    rows.sort_by_key(|r| r.reference);
    rows
}

/// varSNP from the file's MAF when it has one (folded, 0 and 1 dropped), else the reference's.
fn snp_variance(
    rows: &mut Vec<Row>,
    raw: &RawGwas,
    reference: &Reference,
    label: &str,
    log: &mut Log,
) {
    if raw.has(Field::Maf) {
        let fold = |m: f64| if m > 0.5 { 1.0 - m } else { m };
        retain_logged(
            rows,
            log,
            |r| {
                let m = fold(raw.maf[r.file]);
                m.is_nan() || m == 0.0 || m == 1.0
            },
            |n| {
                format!("{n} rows were removed from the {label} summary statistics file due to allele frequencies printed as exactly 1 or 0")
            },
        );
        for r in rows.iter_mut() {
            let m = fold(raw.maf[r.file]);
            r.var_snp = 2.0 * m * (1.0 - m);
        }
    } else {
        let maf_col = reference.maf.unwrap_or(0);
        for r in rows.iter_mut() {
            let m: f64 = reference.columns[maf_col]
                .get(r.reference)
                .parse()
                .unwrap_or(f64::NAN);
            r.var_snp = 2.0 * m * (1.0 - m);
        }
    }
}

/// Flip the effect to the reference A1 (three-valued logic as in munge); `None` drops the row.
pub(super) fn align_row(
    r: &mut Row,
    raw: &RawGwas,
    reference: &Reference,
    dropped: &mut (usize, usize),
) -> bool {
    match align(
        reference.allele1(r.reference),
        reference.allele2(r.reference),
        raw.a1.get(r.file),
        raw.a2.get(r.file),
    ) {
        Alignment::Keep { flip } => {
            match flip {
                Some(true) => r.effect = -r.effect,
                Some(false) => {}
                None => r.effect = f64::NAN,
            }
            true
        }
        Alignment::DropA1 => {
            dropped.0 += 1;
            false
        }
        Alignment::DropA2 => {
            dropped.1 += 1;
            false
        }
    }
}
