//! Reading munged summary statistics (`SNP N Z A1 [A2 ...]`) as ldsc does:
//! `na.omit(read_delim(file, "\t"))`, so a row with a missing value in ANY column is dropped.

use super::error::LdscError;
use super::ld_scores::{FastMap, SnpIndex};
use super::merge::NO_KEY;
use super::parse::{column_index, is_missing, parse_number};
use crate::io::{Record, TableReader};
use std::path::Path;

/// The rows of one trait file that survive `na.omit`, in file order.
pub struct TraitSumstats {
    /// Data lines in the file.
    pub rows_in_file: usize,
    /// SNP id in the LD reference, or [`NO_KEY`] if the SNP is in no LD file.
    pub keys: Vec<u32>,
    pub n: Vec<f64>,
    pub z: Vec<f64>,
    /// Effect allele, as an index into `alleles`.
    pub a1: Vec<u32>,
    pub alleles: Vec<Box<str>>,
}

impl TraitSumstats {
    /// Rows after `na.omit` (what ldsc's log calls "Out of ... SNPs").
    pub fn rows(&self) -> usize {
        self.keys.len()
    }
}

pub fn read_trait(path: &Path, index: &SnpIndex) -> Result<TraitSumstats, LdscError> {
    let mut reader = TableReader::open(path)?;
    let header = reader.header().to_vec();
    let snp = column_index(&header, "SNP", path)?;
    let n_col = column_index(&header, "N", path)?;
    let z_col = column_index(&header, "Z", path)?;
    let a1_col = column_index(&header, "A1", path)?;
    let width = header.len();
    let mut out = TraitSumstats {
        rows_in_file: 0,
        keys: Vec::new(),
        n: Vec::new(),
        z: Vec::new(),
        a1: Vec::new(),
        alleles: Vec::new(),
    };
    let mut allele_codes: FastMap<Box<str>, u32> = FastMap::default();
    let mut last_allele: Option<u32> = None;
    let mut record = Record::default();
    while reader.next_record(&mut record)? {
        out.rows_in_file += 1;
        if record.len() < width || (0..width).any(|i| record.get(i).is_none_or(is_missing)) {
            continue;
        }
        let (Some(n), Some(z)) = (
            record.get(n_col).and_then(parse_number),
            record.get(z_col).and_then(parse_number),
        ) else {
            continue;
        };
        if n.is_nan() || z.is_nan() {
            continue;
        }
        if !(n.is_finite() && n > 0.0) {
            return Err(LdscError::BadValue {
                path: path.to_path_buf(),
                line: record.line_number(),
                column: "N (a sample size, which must be positive and finite)".to_owned(),
                value: record.get(n_col).unwrap_or("").to_owned(),
            });
        }
        let a1 = record.get(a1_col).map(str::trim).unwrap_or("");
        let repeated = last_allele.filter(|&c| &*out.alleles[c as usize] == a1);
        let code = match repeated.or_else(|| allele_codes.get(a1).copied()) {
            Some(c) => c,
            None => {
                let c = out.alleles.len() as u32;
                out.alleles.push(a1.into());
                allele_codes.insert(a1.into(), c);
                c
            }
        };
        last_allele = Some(code);
        let key = record
            .get(snp)
            .map(str::trim)
            .and_then(|s| index.get(s))
            .unwrap_or(NO_KEY);
        out.keys.push(key);
        out.n.push(n);
        out.z.push(z);
        out.a1.push(code);
    }
    Ok(out)
}
