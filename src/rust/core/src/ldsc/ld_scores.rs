//! Reading LD-score folders: `<chr>.l2.ldscore.gz` tables (rows bound in chromosome order),
//! separate weight tables, and the `<chr>.l2.M_5_50` SNP counts.

use super::error::LdscError;
use super::parse::{column_index, parse_number};
use crate::io::{open_text, Record, TableReader};
use crate::parallel::in_order;
use rayon::prelude::*;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::BufRead;
use std::path::{Path, PathBuf};

/// Which chromosomes to read (`select` in R).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChromosomeSelection {
    /// `select = FALSE`: chromosomes 1..=chr.
    All,
    /// `select = "ODD"`: 1, 3, ... up to chr.
    Odd,
    /// `select = "EVEN"`: 2, 4, ... up to chr.
    Even,
    /// Numeric `select`: these chromosomes, in this order.
    List(Vec<u32>),
}

impl ChromosomeSelection {
    pub fn chromosomes(&self, chr: u32) -> Vec<u32> {
        match self {
            ChromosomeSelection::All => (1..=chr).collect(),
            ChromosomeSelection::Odd => (1..=chr).step_by(2).collect(),
            ChromosomeSelection::Even => (2..=chr).step_by(2).collect(),
            ChromosomeSelection::List(list) => list.clone(),
        }
    }
}

/// A fast multiply-rotate hash for rsIDs (SipHash dominated the run time; the keys are
/// not attacker-controlled).
#[derive(Default, Clone, Copy)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(c);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(K);
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word) ^ rest.len() as u64)
                .wrapping_mul(K);
        }
    }

    fn finish(&self) -> u64 {
        // Fold high bits down: hashbrown takes its bucket index from the low bits.
        self.0 ^ (self.0 >> 29)
    }
}

pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<IdHasher>>;

/// Interned SNP identifiers: every distinct rsID of the LD and weight files gets a dense id.
#[derive(Default)]
pub struct SnpIndex {
    ids: FastMap<Box<str>, u32>,
}

impl SnpIndex {
    pub(crate) fn intern(&mut self, snp: &str) -> u32 {
        let next = self.ids.len() as u32;
        *self.ids.entry(snp.into()).or_insert(next)
    }

    pub fn get(&self, snp: &str) -> Option<u32> {
        self.ids.get(snp).copied()
    }

    /// Number of distinct SNPs: every id is below this.
    pub fn len(&self) -> usize {
        self.ids.len()
    }
}

/// The LD-score table after R's `rbind` over chromosomes, without `CM` and `MAF`.
#[derive(Default)]
pub struct LdTable {
    pub keys: Vec<u32>,
    pub chr: Vec<f64>,
    pub bp: Vec<f64>,
    pub l2: Vec<f64>,
    /// The table's last column, which is the weight LD score unless `sep_weights`.
    pub last: Vec<f64>,
}

/// The weight LD scores (`wLD`): the last column of the weights table.
#[derive(Default)]
pub struct WeightTable {
    pub keys: Vec<u32>,
    pub wld: Vec<f64>,
}

/// Everything read from the `ld` (and `wld`) folders.
pub struct LdReference {
    pub index: SnpIndex,
    pub ld: LdTable,
    /// `None` when the LD table's own last column is the weight.
    pub separate_weights: Option<WeightTable>,
    /// Sum of `M_5_50` over the selected chromosomes.
    pub m: f64,
}

impl LdReference {
    /// Keys and weights of the table merged first (R's `w`).
    pub fn weights(&self) -> (&[u32], &[f64]) {
        match &self.separate_weights {
            Some(w) => (&w.keys, &w.wld),
            None => (&self.ld.keys, &self.ld.last),
        }
    }
}

/// Columns the LD table loses before anything else (R: `x$CM <- NULL; x$MAF <- NULL`).
const DROPPED: [&str; 2] = ["CM", "MAF"];

/// Read the LD scores, weights and M for the selected chromosomes.
pub fn read_ld_reference(
    ld: &Path,
    wld: Option<&Path>,
    chromosomes: &[u32],
) -> Result<LdReference, LdscError> {
    if chromosomes.is_empty() {
        return Err(LdscError::NoChromosomes);
    }
    let ld_files = existing_files(ld, chromosomes, "l2.ldscore.gz", "ld")?;
    let m_files = existing_files(ld, chromosomes, "l2.M_5_50", "ld")?;
    let w_files = match wld {
        Some(folder) => Some(existing_files(folder, chromosomes, "l2.ldscore.gz", "wld")?),
        None => None,
    };
    let ld_parts: Vec<RawLd> = in_order(
        ld_files
            .par_iter()
            .map(|p| read_ld_file(p, true))
            .collect::<Vec<_>>(),
    )?;
    let w_parts: Option<Vec<RawLd>> = match &w_files {
        Some(files) => Some(in_order(
            files
                .par_iter()
                .map(|p| read_ld_file(p, false))
                .collect::<Vec<_>>(),
        )?),
        None => None,
    };
    let mut m = 0.0;
    for path in &m_files {
        m += read_m(path)?;
    }
    let mut index = SnpIndex::default();
    let mut table = LdTable::default();
    for part in ld_parts {
        table.keys.extend(part.snps.iter().map(|s| index.intern(s)));
        table.chr.extend(part.chr);
        table.bp.extend(part.bp);
        table.l2.extend(part.l2);
        table.last.extend(part.last);
    }
    let separate_weights = w_parts.map(|parts| {
        let mut w = WeightTable::default();
        for part in parts {
            w.keys.extend(part.snps.iter().map(|s| index.intern(s)));
            w.wld.extend(part.last);
        }
        w
    });
    Ok(LdReference {
        index,
        ld: table,
        separate_weights,
        m,
    })
}

fn existing_files(
    folder: &Path,
    chromosomes: &[u32],
    suffix: &str,
    argument: &'static str,
) -> Result<Vec<PathBuf>, LdscError> {
    chromosomes
        .iter()
        .map(|c| {
            let path = folder.join(format!("{c}.{suffix}"));
            if path.is_file() {
                Ok(path)
            } else {
                Err(LdscError::MissingLdFile {
                    path,
                    folder_argument: argument,
                })
            }
        })
        .collect()
}

/// One chromosome's table; `full` also keeps CHR, BP and L2 (weights need only SNP and
/// the last column).
#[derive(Default)]
struct RawLd {
    snps: Vec<Box<str>>,
    chr: Vec<f64>,
    bp: Vec<f64>,
    l2: Vec<f64>,
    last: Vec<f64>,
}

fn read_ld_file(path: &Path, full: bool) -> Result<RawLd, LdscError> {
    let mut reader = TableReader::open(path)?;
    let header = reader.header().to_vec();
    let snp = column_index(&header, "SNP", path)?;
    let last = header
        .iter()
        .rposition(|h| !DROPPED.contains(&h.trim()))
        .ok_or_else(|| LdscError::MissingColumn {
            path: path.to_path_buf(),
            column: "L2".to_owned(),
        })?;
    let numeric: Vec<(usize, &str)> = if full {
        vec![
            (column_index(&header, "CHR", path)?, "CHR"),
            (column_index(&header, "BP", path)?, "BP"),
            (column_index(&header, "L2", path)?, "L2"),
            (last, header[last].as_str()),
        ]
    } else {
        vec![(last, header[last].as_str())]
    };
    let mut out = RawLd::default();
    let mut record = Record::default();
    let mut values = [0.0f64; 4];
    while reader.next_record(&mut record)? {
        let snp_value = record.get(snp).map(str::trim).unwrap_or("");
        if snp_value.is_empty() || snp_value == "NA" {
            return Err(bad_value(path, &record, "SNP", snp_value));
        }
        for (slot, &(col, name)) in values.iter_mut().zip(&numeric) {
            let text = record.get(col).unwrap_or("");
            *slot = parse_number(text)
                .filter(|v| v.is_finite())
                .ok_or_else(|| bad_value(path, &record, name, text))?;
        }
        out.snps.push(snp_value.into());
        if full {
            out.chr.push(values[0]);
            out.bp.push(values[1]);
            out.l2.push(values[2]);
            out.last.push(values[3]);
        } else {
            out.last.push(values[0]);
        }
    }
    Ok(out)
}

fn bad_value(path: &Path, record: &Record, column: &str, value: &str) -> LdscError {
    LdscError::BadValue {
        path: path.to_path_buf(),
        line: record.line_number(),
        column: column.to_owned(),
        value: value.to_owned(),
    }
}

/// `sum(read_csv(file, col_names = FALSE))`: every comma-separated number in the file.
fn read_m(path: &Path) -> Result<f64, LdscError> {
    let reader = open_text(path)?;
    let mut total = 0.0;
    for (i, line) in reader.lines().enumerate() {
        let line = line.map_err(|e| crate::io::IoError::Unreadable {
            path: path.to_path_buf(),
            detail: e.to_string(),
        })?;
        if line.trim().is_empty() {
            continue;
        }
        for field in line.split(',') {
            let count = parse_number(field).filter(|m| m.is_finite() && *m >= 0.0);
            total += count.ok_or_else(|| LdscError::BadValue {
                path: path.to_path_buf(),
                line: i as u64 + 1,
                column: "M_5_50 (a SNP count)".to_owned(),
                value: field.to_owned(),
            })?;
        }
    }
    // An empty or all-zero count would silently rescale every heritability.
    if total <= 0.0 {
        return Err(LdscError::BadValue {
            path: path.to_path_buf(),
            line: 1,
            column: "M_5_50 (the number of SNPs, which must be positive)".to_owned(),
            value: if total == 0.0 {
                "nothing but zeros or nothing at all".to_owned()
            } else {
                total.to_string()
            },
        });
    }
    Ok(total)
}
