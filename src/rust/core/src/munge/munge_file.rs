//! GenomicSEM's `munge()` for one file: QC a raw GWAS file against the HapMap3 list and turn
//! it into LDSC's `SNP N Z A1 A2` table, step by step as the original does, with its log.

use super::alleles::{align, Alignment};
use super::columns::{Field, Rules};
use super::error::MungeError;
use super::log::{check_p_range, retain_logged, retain_warned, Log};
use super::raw::{read_raw, RawGwas, ReadSpec};
use super::reference::Reference;
use crate::parallel::CancelToken;
use crate::rmath::{chisq1_upper_sqrt, format_r15, median, round_half_even};
use std::path::Path;

pub struct MungeOptions {
    /// `N` for this file, overriding its N column.
    pub n: Option<f64>,
    pub info_filter: f64,
    pub maf_filter: f64,
    /// `column.names`: field -> the user's column name.
    pub column_names: Vec<(Field, String)>,
}

/// One output line; `snp == None` is an all-missing line (GenomicSEM writes those for SNPs
/// with a missing INFO value when the file has no MAF column).
#[derive(Debug, Clone, PartialEq)]
pub struct MungedRow {
    pub snp: Option<String>,
    pub n: f64,
    pub z: f64,
    pub a1: String,
    pub a2: String,
}

pub struct Munged {
    pub rows: Vec<MungedRow>,
    pub n_is_integer: bool,
    pub log: Log,
    /// Values that were not numbers, per column, treated as missing.
    pub malformed: Vec<(String, usize)>,
    pub overlong_rows: usize,
    /// SNP ids written more than once (GenomicSEM keeps every duplicated row).
    pub repeated_snps: usize,
}

/// Row of the merged table: a file row and the HapMap3 row it matched.
struct Merged {
    file: usize,
    reference: usize,
    effect: f64,
    drop: bool,
}

pub fn munge_file(
    path: &Path,
    label: &str,
    hm3: &Reference,
    hm3_label: &str,
    options: &MungeOptions,
    cancel: &CancelToken,
) -> Result<Munged, MungeError> {
    let mut log = Log::default();
    log.line(format!("Munging file: {label}"));
    let checks = [Field::P, Field::A1, Field::A2, Field::Effect, Field::Snp];
    let warn = [
        Field::P,
        Field::A1,
        Field::A2,
        Field::Effect,
        Field::Snp,
        Field::N,
    ];
    let keep = hm3.finder();
    let spec = ReadSpec {
        rules: Rules {
            user: &options.column_names,
            n_provided: options.n.is_some(),
            check_single: &checks,
            warn_missing: &warn,
            stop_missing: &[],
            refuse_z_as_effect: false,
        },
        double_half_neff: true,
        keep_other_alleles: false,
        keep_snp: &keep,
    };
    let mut raw = read_raw(path, label, &spec, &mut log, cancel, None)?;
    require(
        &raw,
        label,
        &[Field::A1, Field::A2, Field::Effect, Field::P],
    )?;
    if options.n.is_none() && !raw.has(Field::N) {
        return Err(MungeError::NoSampleSize {
            file: label.to_owned(),
            need: "munge",
        });
    }
    if let Some(n) = options.n {
        log.line(format!(
            "Using provided N ({}) for file:{label}",
            format_r15(n)
        ));
        raw.n = vec![n; raw.len()];
        raw.n_is_integer = false;
    }
    for maf in raw.maf.iter_mut() {
        if *maf > 0.5 {
            *maf = 1.0 - *maf;
        }
    }

    log.line(format!(
        "Merging file:{label} with the reference file:{hm3_label}"
    ));
    let before = raw.rows_in_file as i64;
    log.line(format!(
        "{before} rows present in the full {label} summary statistics file."
    ));
    let mut rows = merge_sorted(&raw, hm3);
    log.line(format!(
        "{} rows were removed from the {label} summary statistics file as the rs-ids for these rows were not present in the reference file.",
        before - rows.len() as i64
    ));
    retain_logged(
        &mut rows,
        &mut log,
        |r| raw.p[r.file].is_none_or(|p| p.value.is_nan()),
        |n| {
            format!("{n} rows were removed from the {label} summary statistics file due to missing values in the P-value column")
        },
    );
    retain_logged(
        &mut rows,
        &mut log,
        |r| raw.effect[r.file].is_nan(),
        |n| {
            format!("{n} rows were removed from the {label} summary statistics file due to missing values in the effect column")
        },
    );
    remove_unusable(&mut rows, &raw, label, &mut log);
    if rows.is_empty() {
        return Err(MungeError::NoRowsLeft {
            file: label.to_owned(),
            step: "merging with the reference and removing missing values".to_owned(),
        });
    }
    let mut effects: Vec<f64> = rows.iter().map(|r| raw.effect[r.file]).collect();
    if round_half_even(median(&mut effects)) == 1.0 {
        rows.iter_mut().for_each(|r| r.effect = r.effect.ln());
        log.line(format!(
            "The effect column was determined to be coded as an odds ratio (OR) for the {label} summary statistics file. Please ensure this is correct."
        ));
    }
    align_rows(&mut rows, hm3, &raw, label, &mut log);

    check_p_range(
        rows.iter().filter_map(|r| raw.p[r.file]).map(|p| p.value),
        &mut log,
    );
    let output = filter_and_emit(&rows, &raw, hm3, options, label, &mut log);
    if output.iter().all(|r| r.snp.is_none()) {
        return Err(MungeError::NoRowsLeft {
            file: label.to_owned(),
            step: "allele matching and the INFO and MAF filters".to_owned(),
        });
    }
    log.line(format!(
        "{}SNPs are left in the summary statistics file {label} after QC.",
        output.len()
    ));
    let repeated_snps = output
        .windows(2)
        .filter(|w| w[0].snp.is_some() && w[0].snp == w[1].snp)
        .count();
    Ok(Munged {
        repeated_snps,
        rows: output,
        n_is_integer: raw.n_is_integer,
        log,
        malformed: std::mem::take(&mut raw.malformed),
        overlong_rows: raw.overlong_rows,
    })
}

/// Rows that would write a plausible-looking but wrong line: a sample size that is not a
/// positive finite number (ldsc would weight by it), or a P of exactly 0 (an infinite Z; P
/// values that underflowed from text such as 1e-400 keep their exact log and are kept). Each
/// removal is logged and raised as a warning with its count; GenomicSEM wrote them as is.
fn remove_unusable(rows: &mut Vec<Merged>, raw: &RawGwas, label: &str, log: &mut Log) {
    retain_warned(
        rows,
        log,
        |r| !raw.n.get(r.file).is_some_and(|n| n.is_finite() && *n > 0.0),
        |n| {
            format!("{n} row(s) were removed from the {label} summary statistics file because their sample size (N) is missing, zero, negative or infinite.")
        },
    );
    retain_warned(
        rows,
        log,
        |r| raw.p[r.file].is_some_and(|p| p.ln() == f64::NEG_INFINITY),
        |n| {
            format!("{n} row(s) were removed from the {label} summary statistics file because their P value is exactly 0, which gives an infinite Z (GenomicSEM writes Z = Inf); give P with its exponent (e.g. 1e-400) to keep them.")
        },
    );
}

fn require(raw: &RawGwas, label: &str, fields: &[Field]) -> Result<(), MungeError> {
    let missing: Vec<String> = fields
        .iter()
        .filter(|f| !raw.has(**f))
        .map(|f| f.name().to_owned())
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(MungeError::MissingColumns {
        file: label.to_owned(),
        missing,
        found: raw.header.clone(),
    })
}

/// R's `merge(ref, file, by = "SNP")`: every pair of matching rows, sorted by SNP id. Ties
/// (repeated SNPs) keep reference order, then file order, as a stable merge would.
fn merge_sorted(raw: &RawGwas, hm3: &Reference) -> Vec<Merged> {
    // The first 8 bytes as a big-endian number order like the bytes and settle most
    // comparisons without touching the strings.
    let prefix = |s: &str| {
        let mut word = [0u8; 8];
        let n = s.len().min(8);
        word[..n].copy_from_slice(&s.as_bytes()[..n]);
        u64::from_be_bytes(word)
    };
    let mut keys: Vec<(u64, &str, usize, usize)> = (0..raw.len())
        .flat_map(|file| {
            let snp = raw.snp.get(file);
            let first = raw.reference_row[file];
            std::iter::once(first)
                .chain(hm3.same_after(first))
                .map(move |reference| (prefix(snp), snp, reference, file))
        })
        .collect();
    keys.sort_unstable();
    keys.into_iter()
        .map(|(_, _, reference, file)| Merged {
            file,
            reference,
            effect: raw.effect[file],
            drop: false,
        })
        .collect()
}

fn align_rows(rows: &mut Vec<Merged>, hm3: &Reference, raw: &RawGwas, label: &str, log: &mut Log) {
    let (mut dropped_a1, mut dropped_a2) = (0usize, 0usize);
    for r in rows.iter_mut() {
        match align(
            hm3.allele1(r.reference),
            hm3.allele2(r.reference),
            raw.a1.get(r.file),
            raw.a2.get(r.file),
        ) {
            Alignment::Keep { flip: Some(true) } => r.effect = -r.effect,
            Alignment::Keep { flip: Some(false) } => {}
            Alignment::Keep { flip: None } => r.effect = f64::NAN,
            Alignment::DropA1 => (r.drop, dropped_a1) = (true, dropped_a1 + 1),
            Alignment::DropA2 => (r.drop, dropped_a2) = (true, dropped_a2 + 1),
        }
    }
    rows.retain(|r| !r.drop);
    if dropped_a1 > 0 {
        log.line(format!("{dropped_a1} row(s) were removed from the {label} summary statistics file due to the effect allele (A1) column not matching A1 or A2 in the reference file."));
    }
    if dropped_a2 > 0 {
        log.line(format!("{dropped_a2} row(s) were removed from the {label} summary statistics file due to the other allele (A2) column not matching A1 or A2 in the reference file."));
    }
}

/// Z, then the INFO and MAF filters with their NA semantics, then the output lines.
fn filter_and_emit(
    rows: &[Merged],
    raw: &RawGwas,
    hm3: &Reference,
    options: &MungeOptions,
    label: &str,
    log: &mut Log,
) -> Vec<MungedRow> {
    // (row, is an all-NA line)
    let mut kept: Vec<(&Merged, bool)> = rows.iter().map(|r| (r, false)).collect();
    if raw.has(Field::Info) {
        let before = kept.len();
        kept.retain_mut(|(r, na)| {
            let info = raw.info[r.file];
            *na = info.is_nan();
            *na || info >= options.info_filter
        });
        log.line(format!(
            "{} rows were removed from the {label} summary statistics file due to INFO values below the designated threshold of{}",
            before - kept.len(),
            format_r15(options.info_filter)
        ));
    } else {
        log.line("No INFO column, cannot filter on INFO, which may influence results".to_owned());
    }
    if raw.has(Field::Maf) {
        let before = kept.len();
        kept.retain(|(r, na)| !*na && raw.maf[r.file] >= options.maf_filter);
        log.line(format!(
            "{} rows were removed from the {label} summary statistics file due to missing MAF information or MAFs below the designated threshold of{}",
            before - kept.len(),
            format_r15(options.maf_filter)
        ));
    } else {
        log.line("No MAF column, cannot filter on MAF, which may influence results".to_owned());
    }
    kept.into_iter()
        .map(|(r, na)| {
            if na {
                return MungedRow {
                    snp: None,
                    n: f64::NAN,
                    z: f64::NAN,
                    a1: String::new(),
                    a2: String::new(),
                };
            }
            let p = raw.p[r.file].unwrap_or(super::values::PValue::new(f64::NAN));
            let z = sign(r.effect) * chisq1_upper_sqrt(p.value, || p.ln());
            MungedRow {
                snp: Some(raw.snp.get(r.file).to_owned()),
                n: raw.n.get(r.file).copied().unwrap_or(f64::NAN),
                z,
                a1: hm3.allele1(r.reference).to_owned(),
                a2: hm3.allele2(r.reference).to_owned(),
            }
        })
        .collect()
}

/// R's sign(): -1, 0 or 1, NaN for NaN.
fn sign(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else {
        x * 0.0
    }
}
