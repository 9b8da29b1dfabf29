//! Reading the stratified LD scores of every `ld` prefix (all annotation L2 columns), their
//! M_5_50 counts, and the weight LD scores of `wld`, into one table whose rows are the SNPs
//! present in every prefix.

use super::error::StratifiedError;
use super::files::{self, ChromFile, FileKind};
use crate::io::{open_text, Record, TableReader};
use crate::ldsc::ld_scores::{FastMap, SnpIndex};
use crate::ldsc::parse::parse_number;
use crate::parallel::in_order;
use rayon::prelude::*;
use std::io::BufRead;
use std::path::{Path, PathBuf};

/// The annotation LD scores after binding the chromosomes and joining the prefixes.
pub struct AnnotLd {
    /// L2 column names; a prefix with one column gets the prefix itself as its name.
    pub names: Vec<String>,
    pub keys: Vec<u32>,
    pub chr: Vec<f64>,
    pub bp: Vec<f64>,
    /// Row-major, `keys.len() x names.len()`.
    pub l2: Vec<f64>,
    /// Summed M_5_50 per annotation.
    pub m: Vec<f64>,
    /// Chromosomes of the first prefix (the one annotation files are paired with).
    pub chromosomes: Vec<ChromFile>,
    /// Per prefix, per chromosome of `chromosomes`: that LD-score file's SNPs in file order
    /// (thin annotation files are aligned with them).
    pub snps_by_chr: Vec<Vec<Vec<Box<str>>>>,
}

/// One LD-score file.
struct RawLd {
    names: Vec<String>,
    snps: Vec<Box<str>>,
    chr: Vec<f64>,
    bp: Vec<f64>,
    values: Vec<f64>,
}

const NOT_L2: [&str; 5] = ["CHR", "SNP", "BP", "CM", "MAF"];

fn bad(path: &Path, record: &Record, column: &str, value: &str) -> StratifiedError {
    StratifiedError::BadValue {
        path: path.to_path_buf(),
        line: record.line_number(),
        column: column.to_owned(),
        value: value.to_owned(),
    }
}

fn column(header: &[String], name: &str, path: &Path) -> Result<usize, StratifiedError> {
    header
        .iter()
        .position(|h| h.trim() == name)
        .ok_or_else(|| StratifiedError::MissingColumn {
            path: path.to_path_buf(),
            column: name.to_owned(),
        })
}

fn number(path: &Path, record: &Record, col: usize, name: &str) -> Result<f64, StratifiedError> {
    let text = record.get(col).unwrap_or("");
    parse_number(text)
        .filter(|v| v.is_finite())
        .ok_or_else(|| bad(path, record, name, text))
}

/// `weights_only` keeps SNP and the last non-CM/MAF column.
fn read_ld_file(
    path: &Path,
    with_position: bool,
    weights_only: bool,
) -> Result<RawLd, StratifiedError> {
    let mut reader = TableReader::open(path)?;
    let header: Vec<String> = reader
        .header()
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    let snp = column(&header, "SNP", path)?;
    let pos = if with_position {
        Some((column(&header, "CHR", path)?, column(&header, "BP", path)?))
    } else {
        None
    };
    let value_cols: Vec<usize> = if weights_only {
        let last = header
            .iter()
            .rposition(|h| h != "CM" && h != "MAF" && h != "SNP");
        vec![last.ok_or_else(|| StratifiedError::MissingColumn {
            path: path.to_path_buf(),
            column: "L2".into(),
        })?]
    } else {
        (0..header.len())
            .filter(|&i| !NOT_L2.contains(&header[i].as_str()))
            .collect()
    };
    let mut out = RawLd {
        names: value_cols.iter().map(|&i| header[i].clone()).collect(),
        snps: Vec::new(),
        chr: Vec::new(),
        bp: Vec::new(),
        values: Vec::new(),
    };
    let mut record = Record::default();
    while reader.next_record(&mut record)? {
        let id = record.get(snp).map(str::trim).unwrap_or("");
        if id.is_empty() || id == "NA" {
            return Err(bad(path, &record, "SNP", id));
        }
        out.snps.push(id.into());
        if let Some((c, b)) = pos {
            out.chr.push(number(path, &record, c, "CHR")?);
            out.bp.push(number(path, &record, b, "BP")?);
        }
        for &c in &value_cols {
            out.values.push(number(path, &record, c, &header[c])?);
        }
    }
    Ok(out)
}

/// Column sums of a whitespace-separated M_5_50 file (`read.table(header = FALSE)`).
fn read_m(path: &Path) -> Result<Vec<f64>, StratifiedError> {
    let reader = open_text(path)?;
    let mut sums: Vec<f64> = Vec::new();
    for (i, line) in reader.lines().enumerate() {
        let line = line.map_err(|e| crate::io::IoError::Unreadable {
            path: path.to_path_buf(),
            detail: e.to_string(),
        })?;
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.is_empty() {
            continue;
        }
        if sums.is_empty() {
            sums = vec![0.0; fields.len()];
        }
        if fields.len() != sums.len() {
            return Err(StratifiedError::RowsMisaligned {
                path: path.to_path_buf(),
                detail: format!(
                    "line {} has {} values, line 1 has {}",
                    i + 1,
                    fields.len(),
                    sums.len()
                ),
            });
        }
        for (s, f) in sums.iter_mut().zip(fields) {
            *s += parse_number(f).filter(|v| v.is_finite()).ok_or_else(|| {
                StratifiedError::BadValue {
                    path: path.to_path_buf(),
                    line: i as u64 + 1,
                    column: "M_5_50".into(),
                    value: f.to_owned(),
                }
            })?;
        }
    }
    Ok(sums)
}

fn read_all(
    paths: &[PathBuf],
    with_position: bool,
    weights_only: bool,
) -> Result<Vec<RawLd>, StratifiedError> {
    in_order(
        paths
            .par_iter()
            .map(|p| read_ld_file(p, with_position, weights_only))
            .collect::<Vec<_>>(),
    )
}

/// Read every prefix of `ld` (`ld[0]` is the one annotation files are paired with).
pub fn read_annot_ld(ld: &[String], index: &mut SnpIndex) -> Result<AnnotLd, StratifiedError> {
    let chromosomes = files::find(&ld[0], FileKind::LdScore, "ld")?;
    let mut out = AnnotLd {
        names: Vec::new(),
        keys: Vec::new(),
        chr: Vec::new(),
        bp: Vec::new(),
        l2: Vec::new(),
        m: Vec::new(),
        chromosomes: chromosomes.clone(),
        snps_by_chr: Vec::new(),
    };
    for (p, prefix) in ld.iter().enumerate() {
        let ld_files = files::pair(
            &chromosomes,
            "LD scores",
            &files::find(prefix, FileKind::LdScore, "ld")?,
            prefix,
            FileKind::LdScore,
        )?;
        let m_files = files::pair(
            &chromosomes,
            "LD scores",
            &files::find(prefix, FileKind::M550, "ld")?,
            prefix,
            FileKind::M550,
        )?;
        let parts = read_all(&ld_files, p == 0, false)?;
        let names = parts[0].names.clone();
        for (part, path) in parts.iter().zip(&ld_files).skip(1) {
            if part.names != names {
                return Err(StratifiedError::ColumnsDiffer {
                    path: path.clone(),
                    first: ld_files[0].clone(),
                });
            }
        }
        let mut m = vec![0.0; 0];
        for path in &m_files {
            let sums = read_m(path)?;
            if m.is_empty() {
                m = sums;
            } else if sums.len() != m.len() {
                return Err(StratifiedError::ColumnsDiffer {
                    path: path.clone(),
                    first: m_files[0].clone(),
                });
            } else {
                m.iter_mut().zip(sums).for_each(|(a, b)| *a += b);
            }
        }
        if m.len() != names.len() {
            return Err(StratifiedError::AnnotationCount {
                prefix: prefix.clone(),
                ld_scores: names.len(),
                m: m.len(),
                annot: None,
            });
        }
        let names = if p > 0 && names.len() == 1 {
            vec![prefix.clone()]
        } else {
            names
        };
        join_prefix(&mut out, parts, names.len(), index, p == 0);
        out.names.extend(names);
        out.m.extend(m);
    }
    Ok(out)
}

/// Bind one prefix's chromosomes; the first prefix becomes the table, later ones are joined
/// by SNP (rows missing from a later prefix are dropped, as R's `merge` drops them).
fn join_prefix(
    out: &mut AnnotLd,
    parts: Vec<RawLd>,
    width: usize,
    index: &mut SnpIndex,
    first: bool,
) {
    let mut snps_by_chr = Vec::with_capacity(parts.len());
    if first {
        for part in parts {
            out.keys.extend(part.snps.iter().map(|s| index.intern(s)));
            out.chr.extend(part.chr);
            out.bp.extend(part.bp);
            out.l2.extend(part.values);
            snps_by_chr.push(part.snps);
        }
        out.snps_by_chr.push(snps_by_chr);
        return;
    }
    let old_width = out.names.len();
    let mut row_of: FastMap<u32, (usize, usize)> = FastMap::default();
    for (c, part) in parts.iter().enumerate() {
        for (r, s) in part.snps.iter().enumerate() {
            row_of.entry(index.intern(s)).or_insert((c, r));
        }
    }
    let n = out.keys.len();
    let mut keep = Vec::with_capacity(n);
    let mut l2 = Vec::with_capacity(n * (old_width + width));
    for i in 0..n {
        if let Some(&(c, r)) = row_of.get(&out.keys[i]) {
            keep.push(i);
            l2.extend_from_slice(&out.l2[i * old_width..(i + 1) * old_width]);
            l2.extend_from_slice(&parts[c].values[r * width..(r + 1) * width]);
        }
    }
    out.keys = keep.iter().map(|&i| out.keys[i]).collect();
    out.chr = keep.iter().map(|&i| out.chr[i]).collect();
    out.bp = keep.iter().map(|&i| out.bp[i]).collect();
    out.l2 = l2;
    for part in parts {
        snps_by_chr.push(part.snps);
    }
    out.snps_by_chr.push(snps_by_chr);
}

/// The weight LD scores: SNP keys and the last column of every `wld` file.
pub fn read_weights(
    wld: &str,
    index: &mut SnpIndex,
) -> Result<(Vec<u32>, Vec<f64>), StratifiedError> {
    let found = files::find(wld, FileKind::LdScore, "wld")?;
    let paths: Vec<PathBuf> = found.into_iter().map(|f| f.path).collect();
    let parts = read_all(&paths, false, true)?;
    let mut keys = Vec::new();
    let mut values = Vec::new();
    for part in parts {
        keys.extend(part.snps.iter().map(|s| index.intern(s)));
        values.extend(part.values);
    }
    Ok((keys, values))
}
