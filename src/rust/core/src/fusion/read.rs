//! Reading one FUSION `.dat` file into gene rows with effect and SE.

use super::{clamp_perm_p, effect_se, z_from_perm, FusionError};
use crate::io::{Record, TableReader};
use std::path::Path;

/// How one file's trait was measured.
#[derive(Debug, Clone, Copy)]
pub struct FusionOptions {
    pub binary: bool,
    pub n: f64,
    pub perm: bool,
}

/// One file's genes in file order; missing text is `None` and missing numbers NaN.
#[derive(Debug, Clone, Default)]
pub struct FusionTable {
    pub panel: Vec<Option<String>>,
    pub gene: Vec<Option<String>>,
    pub hsq: Vec<f64>,
    pub beta: Vec<f64>,
    pub se: Vec<f64>,
}

/// GenomicSEM's panel name: the last two components of the weight file path (`A/B`) when the
/// path ends in `/A/B` with both non-empty, else the path unchanged.
pub fn panel_of(file: &str) -> String {
    let Some((head, last)) = file.rsplit_once('/') else {
        return file.to_string();
    };
    if last.is_empty() {
        return file.to_string();
    }
    let Some((_, second)) = head.rsplit_once('/') else {
        return file.to_string();
    };
    if second.is_empty() {
        return file.to_string();
    }
    format!("{second}/{last}")
}

fn is_missing(text: &str) -> bool {
    matches!(text, "" | "." | "NA")
}

struct Columns {
    file: usize,
    id: usize,
    hsq: usize,
    z: usize,
    perm: Option<(usize, usize)>,
}

fn find_columns(header: &[String], path: &str, perm: bool) -> Result<Columns, FusionError> {
    let find = |name: &str| header.iter().position(|h| h == name);
    let mut wanted = vec!["FILE", "ID", "HSQ", "TWAS.Z"];
    if perm {
        wanted.extend(["PERM.PV", "PERM.N"]);
    }
    let missing: Vec<String> = wanted
        .iter()
        .filter(|w| find(w).is_none())
        .map(|w| w.to_string())
        .collect();
    match (find("FILE"), find("ID"), find("HSQ"), find("TWAS.Z")) {
        (Some(file), Some(id), Some(hsq), Some(z)) if missing.is_empty() => Ok(Columns {
            file,
            id,
            hsq,
            z,
            perm: match (find("PERM.PV"), find("PERM.N")) {
                (Some(p), Some(n)) if perm => Some((p, n)),
                _ => None,
            },
        }),
        _ => Err(FusionError::MissingColumns {
            file: path.to_string(),
            missing,
        }),
    }
}

fn text(record: &Record, i: usize) -> Option<String> {
    record.get(i).filter(|t| !is_missing(t)).map(str::to_string)
}

fn number(record: &Record, i: usize, path: &str, column: &str) -> Result<f64, FusionError> {
    match record.get(i) {
        None => Ok(f64::NAN),
        Some(t) if is_missing(t) => Ok(f64::NAN),
        Some(t) => t
            .trim()
            .parse::<f64>()
            .map_err(|_| FusionError::NotNumeric {
                file: path.to_string(),
                column: column.to_string(),
                line: record.line_number(),
                value: t.to_string(),
            }),
    }
}

/// Reads `path` and computes every gene's effect and SE (see the module docs).
pub fn read_fusion_file(path: &Path, opts: FusionOptions) -> Result<FusionTable, FusionError> {
    let shown = path.display().to_string();
    let mut reader = TableReader::open(path)?;
    let cols = find_columns(reader.header(), &shown, opts.perm)?;
    let mut out = FusionTable::default();
    let mut record = Record::default();
    while reader.next_record(&mut record)? {
        let hsq = number(&record, cols.hsq, &shown, "HSQ")?;
        let mut z = number(&record, cols.z, &shown, "TWAS.Z")?;
        if let Some((p_col, n_col)) = cols.perm {
            let n = number(&record, n_col, &shown, "PERM.N")?;
            let p = clamp_perm_p(number(&record, p_col, &shown, "PERM.PV")?, n);
            z = z_from_perm(z, p);
        }
        let (beta, se) = effect_se(z, hsq, opts.n, opts.binary, opts.perm);
        out.panel
            .push(text(&record, cols.file).map(|f| panel_of(&f)));
        out.gene.push(text(&record, cols.id));
        out.hsq.push(hsq);
        out.beta.push(beta);
        out.se.push(se);
    }
    Ok(out)
}
