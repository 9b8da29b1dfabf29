//! Streaming a raw GWAS file into the columns GenomicSEM uses, keeping only the rows whose SNP
//! a caller wants (those in the reference), so memory follows the output, not the input.

use super::alleles::AlleleColumn;
use super::columns::{interpret, Field, Interpretation, Rules};
use super::error::MungeError;
use super::log::Log;
use super::values::{parse_number, parse_p, PValue};
use crate::collections::StrColumn;
use crate::io::{Record, TableReader};
use crate::parallel::CancelToken;
use std::path::Path;

/// Rows of one raw file that passed the caller's SNP filter, column by column. A column the
/// file does not have is an empty vector; missing numbers are NaN, missing text `None`.
#[derive(Debug)]
pub struct RawGwas {
    /// The file's column names as written.
    pub header: Vec<String>,
    pub snp: StrColumn,
    pub a1: AlleleColumn,
    pub a2: AlleleColumn,
    pub effect: Vec<f64>,
    pub p: Vec<Option<PValue>>,
    pub n: Vec<f64>,
    pub info: Vec<f64>,
    pub maf: Vec<f64>,
    pub se: Vec<f64>,
    pub direction: Vec<Option<Box<str>>>,
    /// What `keep_snp` returned for each row kept (sumstats: its first reference row).
    pub reference_row: Vec<usize>,
    /// Data rows in the file, and rows with more fields than the header.
    pub rows_in_file: usize,
    pub overlong_rows: usize,
    /// Values that were not numbers, per column, treated as missing.
    pub malformed: Vec<(String, usize)>,
    pub has: Vec<Field>,
    /// Every N value was written as a whole number, so R reads the column as integer (and
    /// writes 100000 rather than 1e+05).
    pub n_is_integer: bool,
}

impl RawGwas {
    pub fn len(&self) -> usize {
        self.snp.len()
    }

    pub fn has(&self, field: Field) -> bool {
        self.has.contains(&field)
    }
}

/// Sees the SNP id and DIRECTION text of every row (sumstats counts duplicates with it).
pub type RowObserver<'a> = &'a mut dyn FnMut(&str, Option<&str>);

/// Options of the reading step.
pub struct ReadSpec<'a> {
    pub rules: Rules<'a>,
    /// munge doubles NEFFDIV2 / NEFF_HALF columns into NEFF.
    pub double_half_neff: bool,
    /// Keep alleles other than A, C, G, T (sumstats' `keep.indel`).
    pub keep_other_alleles: bool,
    /// Rows are skipped (but counted) unless this accepts their SNP id by returning a row
    /// number of the caller's reference, kept with the row.
    pub keep_snp: &'a dyn Fn(&str) -> Option<usize>,
}

/// Read the rows `spec.keep_snp` accepts. `observe`, when given, sees the SNP id and the
/// DIRECTION text of every row, kept or not.
pub fn read_raw(
    path: &Path,
    label: &str,
    spec: &ReadSpec,
    log: &mut Log,
    cancel: &CancelToken,
    mut observe: Option<RowObserver>,
) -> Result<RawGwas, MungeError> {
    let mut reader = TableReader::open(path)?;
    let mut header: Vec<String> = reader.header().iter().map(|h| h.to_uppercase()).collect();
    let mut scale = vec![1.0; header.len()];
    if spec.double_half_neff {
        for half in ["NEFFDIV2", "NEFF_HALF"] {
            if let Some(i) = header.iter().position(|h| h == half) {
                log.line(format!(
                    "Found an {half} column for sample size. \n\nPlease note that this is likely effective sample \
                     size cut in half. The function is automatically doubling this value. This should only be used \
                     for liability h^2 conversion for binary traits and that it should reflect the sum of effective \
                     sample sizes across cohorts."
                ));
                header[i] = "NEFF".to_owned();
                scale[i] = 2.0;
            }
        }
    }
    let names = interpret(&header, &spec.rules, label, log);
    if !names.missing_required.is_empty() {
        return Err(MungeError::MissingColumns {
            file: label.to_owned(),
            missing: names
                .missing_required
                .iter()
                .map(|f| f.name().to_owned())
                .collect(),
            found: reader.header().to_vec(),
        });
    }
    let Some(snp_col) = names.column(Field::Snp) else {
        return Err(MungeError::MissingColumns {
            file: label.to_owned(),
            missing: vec!["SNP".to_owned()],
            found: reader.header().to_vec(),
        });
    };
    let layout = Layout::new(&names, &scale, snp_col);
    let direction_col = names.column(Field::Direction);
    let mut raw = RawGwas {
        header: reader.header().to_vec(),
        snp: StrColumn::default(),
        a1: AlleleColumn::new(spec.keep_other_alleles),
        a2: AlleleColumn::new(spec.keep_other_alleles),
        effect: Vec::new(),
        p: Vec::new(),
        n: Vec::new(),
        info: Vec::new(),
        maf: Vec::new(),
        se: Vec::new(),
        direction: Vec::new(),
        reference_row: Vec::new(),
        rows_in_file: 0,
        overlong_rows: 0,
        malformed: Vec::new(),
        has: layout.present(),
        n_is_integer: true,
    };
    let mut malformed = vec![0usize; Field::ALL.len()];
    let mut record = Record::default();
    let width = header.len();
    while reader.next_unsplit(&mut record)? {
        raw.rows_in_file += 1;
        if raw.rows_in_file.is_multiple_of(65_536) {
            cancel.check()?;
        }
        // Most rows of a large file are not in the reference: look at the SNP id (and the
        // direction) without splitting the line, and split only the rows kept.
        let snp_range = match record.peek_range(snp_col) {
            Some(range) => range,
            None => {
                record.split_fields();
                record.range(snp_col).unwrap_or((0, 0))
            }
        };
        let snp = record.text(snp_range);
        if let Some(observe) = observe.as_mut() {
            observe(
                snp,
                direction_col
                    .and_then(|c| field_of(&record, c))
                    .and_then(text_value),
            );
        }
        let Some(reference_row) = (spec.keep_snp)(snp) else {
            continue;
        };
        raw.reference_row.push(reference_row);
        record.split_fields();
        raw.overlong_rows += usize::from(record.len() > width);
        layout.push_row(&record, &mut raw, &mut malformed);
    }
    raw.malformed = Field::ALL
        .iter()
        .zip(malformed)
        .filter(|(_, count)| *count > 0)
        .map(|(f, count)| (f.name().to_owned(), count))
        .collect();
    Ok(raw)
}

/// Column positions of the fields present, and the factor applied to each (NEFF doubling).
struct Layout {
    snp: usize,
    /// (field, column index, factor, slot in the malformed counts)
    columns: Vec<(Field, usize, f64, usize)>,
}

impl Layout {
    fn new(names: &Interpretation, scale: &[f64], snp: usize) -> Self {
        // A column still named Z is never used: GenomicSEM reads Z only when it renamed it to
        // the effect column.
        let columns = Field::ALL
            .into_iter()
            .enumerate()
            .filter(|(_, f)| !matches!(f, Field::Snp | Field::Z))
            .filter_map(|(slot, f)| {
                names
                    .column(f)
                    .map(|i| (f, i, scale.get(i).copied().unwrap_or(1.0), slot))
            })
            .collect();
        Layout { snp, columns }
    }

    fn present(&self) -> Vec<Field> {
        std::iter::once(Field::Snp)
            .chain(self.columns.iter().map(|c| c.0))
            .collect()
    }

    fn push_row(&self, record: &Record, raw: &mut RawGwas, malformed: &mut [usize]) {
        raw.snp.push(record.get(self.snp).unwrap_or(""));
        for &(field, col, factor, slot) in &self.columns {
            let text = record.get(col).unwrap_or("");
            match field {
                Field::A1 => raw.a1.push(text_value(text)),
                Field::A2 => raw.a2.push(text_value(text)),
                Field::Direction => raw.direction.push(text_value(text).map(Box::from)),
                Field::P => raw.p.push(parse_p(text).unwrap_or_else(|_| {
                    malformed[slot] += 1;
                    None
                })),
                _ => {
                    let value = parse_number(text).unwrap_or_else(|_| {
                        malformed[slot] += 1;
                        None
                    });
                    if field == Field::N
                        && value.is_some()
                        && (factor != 1.0 || !is_integer_literal(text))
                    {
                        raw.n_is_integer = false;
                    }
                    let value = value.map_or(f64::NAN, |v| v * factor);
                    match field {
                        Field::Effect => raw.effect.push(value),
                        Field::N => raw.n.push(value),
                        Field::Info => raw.info.push(value),
                        Field::Maf => raw.maf.push(value),
                        Field::Se => raw.se.push(value),
                        _ => {}
                    }
                }
            }
        }
    }
}

fn text_value(text: &str) -> Option<&str> {
    (!super::values::is_missing(text)).then_some(text)
}

/// Field `col` of a line, whether or not it has been split.
fn field_of(record: &Record, col: usize) -> Option<&str> {
    record.peek(col).or_else(|| record.get(col))
}

/// Whether R's `type.convert()` would read this as an integer.
fn is_integer_literal(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) && text.parse::<i32>().is_ok()
}
