//! SAIGE-style sparse GRM: a Matrix Market coordinate file (`.mtx`, as written by R's
//! `Matrix::writeMM`) and an id file with one id per line, in the matrix's row order.

use super::lines::{for_each_line, read_id_columns};
use super::{Grm, GrmError};
use std::path::Path;

/// Read a sparse GRM into a dense symmetric matrix. `symmetric` files store one triangle;
/// `general` files may store both triangles or only one (which is then mirrored).
pub fn read_sparse_grm(mtx_path: &Path, id_path: &Path) -> Result<Grm, GrmError> {
    let ids = read_one_id_per_line(id_path)?;
    let m = ids.len();
    let entries = read_coordinate_entries(mtx_path, m)?;
    let mut values = vec![0.0f64; m * m];
    let mut seen = vec![false; m * m];
    let has_upper = entries.iter().any(|&(i, j, _)| i < j);
    let has_lower = entries.iter().any(|&(i, j, _)| i > j);
    let mirror = !(has_upper && has_lower);
    for &(i, j, v) in &entries {
        let malformed = |detail: String| GrmError::Malformed {
            path: mtx_path.to_path_buf(),
            line: 0,
            detail,
        };
        if seen[i + j * m] {
            return Err(malformed(format!(
                "entry ({}, {}) appears twice",
                i + 1,
                j + 1
            )));
        }
        seen[i + j * m] = true;
        values[i + j * m] = v;
        if mirror {
            values[j + i * m] = v;
        }
    }
    if !mirror {
        super::check_symmetric(&values, m, 0.0)?;
    }
    Ok(Grm {
        family_ids: ids.clone(),
        individual_ids: ids,
        values,
        n_snps: None,
    })
}

fn read_one_id_per_line(path: &Path) -> Result<Vec<String>, GrmError> {
    let mut columns = read_id_columns(path, 1, true, "expected one id per line")?;
    Ok(columns.pop().unwrap_or_default())
}

/// Parse the header, size line and entries; returns 0-based (row, col, value) triples.
fn read_coordinate_entries(path: &Path, m: usize) -> Result<Vec<(usize, usize, f64)>, GrmError> {
    let malformed = |line: u64, detail: String| GrmError::Malformed {
        path: path.to_path_buf(),
        line,
        detail,
    };
    let mut size: Option<usize> = None;
    let mut entries = Vec::new();
    let line_number = for_each_line(path, |line_number, line| {
        let text = line.trim();
        if line_number == 1 {
            return check_banner(text).map_err(|d| malformed(1, d));
        }
        if text.is_empty() || text.starts_with('%') {
            return Ok(());
        }
        let fields: Vec<&str> = text.split_whitespace().collect();
        match size {
            None => {
                let dims = parse_size_line(&fields).map_err(|d| malformed(line_number, d))?;
                if dims.0 != m || dims.1 != m {
                    return Err(malformed(
                        line_number,
                        format!(
                            "the matrix is {} x {} but the id file lists {} ids",
                            dims.0, dims.1, m
                        ),
                    ));
                }
                size = Some(dims.2);
                entries.reserve(dims.2);
            }
            Some(_) => {
                let entry = parse_entry(&fields, m).map_err(|d| malformed(line_number, d))?;
                if !entry.2.is_finite() {
                    return Err(GrmError::NonFinite {
                        path: path.to_path_buf(),
                        row: entry.0,
                        col: entry.1,
                    });
                }
                entries.push(entry);
            }
        }
        Ok(())
    })?;
    match size {
        None => Err(malformed(
            line_number,
            "the size line (rows cols entries) is missing".into(),
        )),
        Some(nnz) if nnz != entries.len() => Err(malformed(
            line_number,
            format!(
                "the size line announces {} entries but {} were found",
                nnz,
                entries.len()
            ),
        )),
        Some(_) => Ok(entries),
    }
}

fn check_banner(text: &str) -> Result<(), String> {
    let words: Vec<String> = text
        .split_whitespace()
        .map(str::to_ascii_lowercase)
        .collect();
    let ok = words.len() >= 5
        && words[0] == "%%matrixmarket"
        && words[1] == "matrix"
        && words[2] == "coordinate"
        && (words[3] == "real" || words[3] == "integer")
        && (words[4] == "symmetric" || words[4] == "general");
    if ok {
        Ok(())
    } else {
        Err(format!(
            "expected the banner '%%MatrixMarket matrix coordinate real symmetric' (or general), \
             found '{text}'"
        ))
    }
}

fn parse_size_line(fields: &[&str]) -> Result<(usize, usize, usize), String> {
    let parse = |s: &str| {
        s.parse::<usize>()
            .map_err(|_| format!("'{s}' is not a count"))
    };
    match fields {
        [r, c, nnz] => Ok((parse(r)?, parse(c)?, parse(nnz)?)),
        _ => Err("expected the size line 'rows cols entries'".into()),
    }
}

fn parse_entry(fields: &[&str], m: usize) -> Result<(usize, usize, f64), String> {
    let index = |s: &str| match s.parse::<usize>() {
        Ok(k) if k >= 1 && k <= m => Ok(k - 1),
        _ => Err(format!("index '{s}' is not between 1 and {m}")),
    };
    match fields {
        [i, j, v] => {
            let value = v
                .parse::<f64>()
                .map_err(|_| format!("'{v}' is not a number"))?;
            Ok((index(i)?, index(j)?, value))
        }
        _ => Err("expected an entry 'row col value'".into()),
    }
}
