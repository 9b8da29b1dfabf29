//! The LD-score folder simLDSC reads (`<chr>.l2.ldscore.gz` rows bound in chromosome order,
//! `<chr>.l2.M_5_50` summed) and the summary-statistics files it writes.

use super::SimError;
use crate::io::{open_text, Record, TableReader};
use crate::rmath::format_r15_into;
use std::io::{BufRead, Write};
use std::path::Path;

/// The LD-score rows as they will be written: numeric columns reprinted as R prints doubles
/// (readr reads them as doubles and write.table prints 15 significant digits), text as is.
#[derive(Debug, Clone, Default)]
pub struct LdTable {
    pub header: Vec<String>,
    /// One string per row: the LD-score columns joined by tabs.
    pub lines: Vec<String>,
    pub snp: Vec<String>,
    pub l2: Vec<f64>,
    /// Sum of M_5_50 over the chromosomes.
    pub m: f64,
}

fn is_na(text: &str) -> bool {
    text.is_empty() || text == "NA"
}

/// Reads chromosomes 1..=`chr` of `folder`.
pub fn read_ld_folder(folder: &Path, chr: u32) -> Result<LdTable, SimError> {
    let mut table = LdTable::default();
    let mut fields: Vec<Vec<String>> = Vec::new();
    for c in 1..=chr {
        let path = folder.join(format!("{c}.l2.ldscore.gz"));
        let shown = path.display().to_string();
        let mut reader = TableReader::open(&path)?;
        if table.header.is_empty() {
            table.header = reader.header().to_vec();
        }
        let header = reader.header().to_vec();
        let l2 = header
            .iter()
            .position(|h| h == "L2")
            .ok_or_else(|| SimError::NoL2 {
                file: shown.clone(),
            })?;
        let snp = header.iter().position(|h| h == "SNP");
        let mut record = Record::default();
        while reader.next_record(&mut record)? {
            let row: Vec<String> = (0..header.len())
                .map(|i| record.get(i).unwrap_or("NA").to_string())
                .collect();
            let value = record.get(l2).unwrap_or("");
            table.l2.push(
                value
                    .trim()
                    .parse::<f64>()
                    .map_err(|_| SimError::BadNumber {
                        file: shown.clone(),
                        line: record.line_number(),
                        value: value.to_string(),
                    })?,
            );
            table
                .snp
                .push(snp.and_then(|i| record.get(i)).unwrap_or("").to_string());
            fields.push(row);
        }
        let m_path = folder.join(format!("{c}.l2.M_5_50"));
        let mut text = String::new();
        for line in open_text(&m_path)?.lines() {
            let line = line.map_err(|e| SimError::Write {
                file: m_path.display().to_string(),
                detail: e.to_string(),
            })?;
            text.push_str(&line);
            text.push(' ');
        }
        for value in text.split([' ', '\t', ',']).filter(|v| !v.is_empty()) {
            table.m += value.parse::<f64>().map_err(|_| SimError::BadNumber {
                file: m_path.display().to_string(),
                line: 1,
                value: value.to_string(),
            })?;
        }
    }
    // A column every value of which is a number (or NA) is a double column in R.
    let ncol = table.header.len();
    let numeric: Vec<bool> = (0..ncol)
        .map(|j| {
            fields
                .iter()
                .all(|row| is_na(&row[j]) || row[j].trim().parse::<f64>().is_ok())
        })
        .collect();
    let mut scratch = String::new();
    table.lines = fields
        .iter()
        .map(|row| {
            let mut line = String::new();
            for (j, value) in row.iter().enumerate() {
                if j > 0 {
                    line.push('\t');
                }
                match value.trim().parse::<f64>() {
                    Ok(x) if numeric[j] => format_r15_into(x, &mut line, &mut scratch),
                    _ if is_na(value) => line.push_str("NA"),
                    _ => line.push_str(value),
                }
            }
            line
        })
        .collect();
    Ok(table)
}

/// Writes one simulated GWAS: the LD-score columns, then Z, N and A1 = "A" (tab-separated, no
/// quotes, as write.table), gzip-compressed when `gzip`.
pub fn write_gwas(
    path: &Path,
    gzip: bool,
    table: &LdTable,
    z: impl Iterator<Item = f64>,
    n: f64,
) -> Result<(), SimError> {
    let err = |e: std::io::Error| SimError::Write {
        file: path.display().to_string(),
        detail: e.to_string(),
    };
    let file = std::io::BufWriter::new(std::fs::File::create(path).map_err(err)?);
    if gzip {
        let mut encoder = flate2::write::GzEncoder::new(file, flate2::Compression::new(6));
        write_rows(&mut encoder, table, z, n).map_err(err)?;
        encoder.finish().map_err(err)?.flush().map_err(err)?;
    } else {
        let mut file = file;
        write_rows(&mut file, table, z, n).map_err(err)?;
        file.flush().map_err(err)?;
    }
    Ok(())
}

fn write_rows<W: Write>(
    out: &mut W,
    table: &LdTable,
    z: impl Iterator<Item = f64>,
    n: f64,
) -> std::io::Result<()> {
    let mut n_text = String::new();
    let mut scratch = String::new();
    format_r15_into(n, &mut n_text, &mut scratch);
    let mut line = String::new();
    line.push_str(&table.header.join("\t"));
    line.push_str("\tZ\tN\tA1\n");
    out.write_all(line.as_bytes())?;
    for (row, z) in table.lines.iter().zip(z) {
        line.clear();
        line.push_str(row);
        line.push('\t');
        if z.is_nan() {
            line.push_str("NA");
        } else {
            format_r15_into(z, &mut line, &mut scratch);
        }
        line.push('\t');
        line.push_str(&n_text);
        line.push_str("\tA\n");
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}
