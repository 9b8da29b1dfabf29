//! The reference tables: the HapMap3 SNP list of munge (`SNP A1 A2`) and the reference panel
//! of sumstats (`SNP CHR BP MAF A1 A2`, any further columns kept).

use super::error::MungeError;
use crate::collections::{StrColumn, StrIndex};
use crate::io::{Record, TableReader};
use std::path::Path;

/// A reference table held as text columns, with an index from SNP id to its rows.
#[derive(Debug)]
pub struct Reference {
    pub header: Vec<String>,
    pub columns: Vec<StrColumn>,
    pub snp: usize,
    pub a1: usize,
    pub a2: usize,
    pub maf: Option<usize>,
    index: StrIndex,
}

impl Reference {
    /// Read a reference table; `SNP`, `A1` and `A2` columns are required, `MAF` when `need_maf`.
    pub fn read(path: &Path, need_maf: bool) -> Result<Reference, MungeError> {
        let label = path.display().to_string();
        let mut reader = TableReader::open(path)?;
        let header = reader.header().to_vec();
        let find = |name: &str| header.iter().position(|h| h == name);
        let mut required = vec!["SNP", "A1", "A2"];
        if need_maf {
            required.push("MAF");
        }
        let missing: Vec<String> = required
            .iter()
            .filter(|n| find(n).is_none())
            .map(|n| n.to_string())
            .collect();
        if !missing.is_empty() {
            return Err(MungeError::Reference {
                file: label,
                detail: format!(
                    "it has no column(s) {} (its columns: {})",
                    missing.join(", "),
                    header.join(", ")
                ),
            });
        }
        let (snp, a1, a2) = (
            find("SNP").unwrap_or(0),
            find("A1").unwrap_or(0),
            find("A2").unwrap_or(0),
        );
        let mut columns = vec![StrColumn::default(); header.len()];
        let mut record = Record::default();
        while reader.next_record(&mut record)? {
            for (i, column) in columns.iter_mut().enumerate() {
                column.push(record.get(i).unwrap_or("NA"));
            }
        }
        let index = StrIndex::build(&columns[snp]);
        Ok(Reference {
            maf: find("MAF"),
            header,
            columns,
            snp,
            a1,
            a2,
            index,
        })
    }

    pub fn len(&self) -> usize {
        self.columns.first().map_or(0, StrColumn::len)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Reference rows carrying this SNP id (several when the reference repeats it).
    pub fn rows_of<'a>(&'a self, snp: &'a str) -> impl Iterator<Item = usize> + 'a {
        self.index.rows(&self.columns[self.snp], snp)
    }

    pub fn contains(&self, snp: &str) -> bool {
        self.index.contains(&self.columns[self.snp], snp)
    }

    pub fn snp_id(&self, row: usize) -> &str {
        self.columns[self.snp].get(row)
    }

    pub fn allele1(&self, row: usize) -> &str {
        self.columns[self.a1].get(row)
    }

    pub fn allele2(&self, row: usize) -> &str {
        self.columns[self.a2].get(row)
    }

    /// Keep only the rows where `keep` is true (rebuilding the index).
    pub fn retain(&mut self, keep: impl Fn(&Reference, usize) -> bool) {
        let rows: Vec<usize> = (0..self.len()).filter(|&r| keep(self, r)).collect();
        for column in self.columns.iter_mut() {
            let old = std::mem::take(column);
            for &r in &rows {
                column.push(old.get(r));
            }
        }
        self.index = StrIndex::build(&self.columns[self.snp]);
    }
}
