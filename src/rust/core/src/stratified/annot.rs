//! Annotation files (`<prefix><chr>.annot.gz`, thick with CHR/BP/SNP/CM or thin with only
//! annotation columns) and allele frequencies (`<frq><chr>.frq`): the cross-products
//! `annot' annot` over SNPs with 0.05 < MAF < 0.95, and which annotations are binary.

use super::error::StratifiedError;
use super::files::{self, FileKind};
use super::read::AnnotLd;
use crate::io::{Record, TableReader};
use crate::ldsc::ld_scores::FastMap;
use crate::ldsc::parse::parse_number;
use crate::parallel::in_order;
use nalgebra::DMatrix;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// What the annotation files give.
pub struct AnnotSummary {
    /// Annotation names (annotation-file column names; one-column extra prefixes are renamed
    /// to the prefix).
    pub names: Vec<String>,
    /// `sum over chromosomes of annot' annot`, `p x p` column-major.
    pub cross: Vec<f64>,
    /// Whether every value of the annotation is 0 or 1 (over the SNPs used).
    pub binary: Vec<bool>,
}

struct AnnotTable {
    names: Vec<String>,
    snps: Vec<Box<str>>,
    values: Vec<f64>,
}

const POSITION: [&str; 4] = ["CHR", "BP", "SNP", "CM"];

fn read_annot(path: &Path, thin_snps: &[Box<str>]) -> Result<AnnotTable, StratifiedError> {
    let mut reader = TableReader::open(path)?;
    let header: Vec<String> = reader
        .header()
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    let snp_col = header.iter().position(|h| h == "SNP");
    let cols: Vec<usize> = (0..header.len())
        .filter(|&i| snp_col.is_none() || !POSITION.contains(&header[i].as_str()))
        .collect();
    let mut out = AnnotTable {
        names: cols.iter().map(|&i| header[i].clone()).collect(),
        snps: Vec::new(),
        values: Vec::new(),
    };
    let mut record = Record::default();
    let mut row = 0usize;
    while reader.next_record(&mut record)? {
        match snp_col {
            Some(c) => out
                .snps
                .push(record.get(c).map(str::trim).unwrap_or("").into()),
            None => {
                let snp = thin_snps
                    .get(row)
                    .ok_or_else(|| thin_mismatch(path, thin_snps.len()))?;
                out.snps.push(snp.clone());
            }
        }
        for &c in &cols {
            let text = record.get(c).unwrap_or("");
            let v = parse_number(text)
                .filter(|v| v.is_finite())
                .ok_or_else(|| StratifiedError::BadValue {
                    path: path.to_path_buf(),
                    line: record.line_number(),
                    column: header[c].clone(),
                    value: text.to_owned(),
                })?;
            out.values.push(v);
        }
        row += 1;
    }
    if snp_col.is_none() && row != thin_snps.len() {
        return Err(thin_mismatch(path, thin_snps.len()));
    }
    Ok(out)
}

fn thin_mismatch(path: &Path, expected: usize) -> StratifiedError {
    StratifiedError::RowsMisaligned {
        path: path.to_path_buf(),
        detail: format!("this thin annotation file (no SNP column) must have one row per SNP of its LD-score file ({expected} rows)"),
    }
}

/// SNPs of a `.frq` file with 0.05 < MAF < 0.95, with their multiplicity.
fn read_frq(path: &Path) -> Result<FastMap<Box<str>, u32>, StratifiedError> {
    let mut reader = TableReader::open(path)?;
    let header: Vec<String> = reader
        .header()
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    let find = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| StratifiedError::MissingColumn {
                path: path.to_path_buf(),
                column: name.into(),
            })
    };
    let (snp, maf) = (find("SNP")?, find("MAF")?);
    let mut out: FastMap<Box<str>, u32> = FastMap::default();
    let mut record = Record::default();
    while reader.next_record(&mut record)? {
        let Some(f) = record.get(maf).and_then(parse_number) else {
            continue;
        };
        if f > 0.05 && f < 0.95 {
            let id = record.get(snp).map(str::trim).unwrap_or("");
            *out.entry(id.into()).or_insert(0) += 1;
        }
    }
    Ok(out)
}

struct ChromResult {
    names: Vec<String>,
    cross: DMatrix<f64>,
    binary: Vec<bool>,
}

fn chromosome(
    ld: &[String],
    annot_paths: &[PathBuf],
    frq_path: &Path,
    thin: &[&[Box<str>]],
) -> Result<ChromResult, StratifiedError> {
    let frq = read_frq(frq_path)?;
    let base = read_annot(&annot_paths[0], thin[0])?;
    let mut names = base.names.clone();
    let mut extras = Vec::new();
    for (p, path) in annot_paths.iter().enumerate().skip(1) {
        let t = read_annot(path, thin[p])?;
        let mut row_of: FastMap<&str, usize> = FastMap::default();
        for (r, s) in t.snps.iter().enumerate() {
            row_of.entry(s).or_insert(r);
        }
        if t.names.len() == 1 {
            names.push(ld[p].clone());
        } else {
            names.extend(t.names.iter().cloned());
        }
        let rows: Vec<Option<usize>> = base
            .snps
            .iter()
            .map(|s| row_of.get(&**s).copied())
            .collect();
        extras.push((t.names.len(), rows, t.values));
    }
    let width = names.len();
    let w0 = base.names.len();
    let mut rows: Vec<f64> = Vec::new();
    let mut count = 0usize;
    'row: for (i, s) in base.snps.iter().enumerate() {
        let Some(&c) = frq.get(s) else { continue };
        let start = rows.len();
        rows.extend_from_slice(&base.values[i * w0..(i + 1) * w0]);
        for (w, map, values) in &extras {
            match map[i] {
                Some(r) => rows.extend_from_slice(&values[r * w..(r + 1) * w]),
                None => {
                    rows.truncate(start);
                    continue 'row;
                }
            }
        }
        for _ in 1..c {
            rows.extend_from_within(start..start + width);
        }
        count += c as usize;
    }
    if count == 0 {
        return Err(StratifiedError::RowsMisaligned {
            path: annot_paths[0].clone(),
            detail: format!(
                "none of its SNPs is in '{}' with 0.05 < MAF < 0.95",
                frq_path.display()
            ),
        });
    }
    let binary = (0..width)
        .map(|j| (0..count).all(|r| matches!(rows[r * width + j], v if v == 0.0 || v == 1.0)))
        .collect();
    // rows is row-major count x width, i.e. column-major width x count: a' a = t t'.
    let t = DMatrix::from_column_slice(width, count, &rows);
    Ok(ChromResult {
        names,
        cross: &t * t.transpose(),
        binary,
    })
}

/// Cross-products and binary flags over all chromosomes of `ld_scores.chromosomes`.
pub fn annotation_summary(
    ld: &[String],
    frq: &str,
    ld_scores: &AnnotLd,
) -> Result<AnnotSummary, StratifiedError> {
    let chroms = &ld_scores.chromosomes;
    let mut annot_paths: Vec<Vec<PathBuf>> = Vec::with_capacity(ld.len());
    for prefix in ld {
        let found = files::find(prefix, FileKind::Annot, "ld")?;
        annot_paths.push(files::pair(
            chroms,
            "LD scores",
            &found,
            prefix,
            FileKind::Annot,
        )?);
    }
    let frq_found = files::find(frq, FileKind::Frq, "frq")?;
    let frq_paths = files::pair(chroms, "LD scores", &frq_found, frq, FileKind::Frq)?;
    let results = in_order(
        (0..chroms.len())
            .into_par_iter()
            .map(|c| {
                let paths: Vec<PathBuf> = annot_paths.iter().map(|p| p[c].clone()).collect();
                let thin: Vec<&[Box<str>]> = ld_scores
                    .snps_by_chr
                    .iter()
                    .map(|p| p[c].as_slice())
                    .collect();
                chromosome(ld, &paths, &frq_paths[c], &thin)
            })
            .collect::<Vec<_>>(),
    )?;
    let first = &results[0];
    for (c, r) in results.iter().enumerate().skip(1) {
        if r.names != first.names {
            return Err(StratifiedError::ColumnsDiffer {
                path: annot_paths[0][c].clone(),
                first: annot_paths[0][0].clone(),
            });
        }
    }
    if first.names.len() != ld_scores.names.len() {
        return Err(StratifiedError::AnnotationCount {
            prefix: ld.join(", "),
            ld_scores: ld_scores.names.len(),
            m: ld_scores.m.len(),
            annot: Some(first.names.len()),
        });
    }
    let p = first.names.len();
    let mut cross = DMatrix::<f64>::zeros(p, p);
    let mut binary = vec![true; p];
    for r in &results {
        cross += &r.cross;
        binary.iter_mut().zip(&r.binary).for_each(|(b, &x)| *b &= x);
    }
    Ok(AnnotSummary {
        names: first.names.clone(),
        cross: cross.as_slice().to_vec(),
        binary,
    })
}
