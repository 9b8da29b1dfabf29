//! The reference tables: the HapMap3 SNP list of munge (`SNP A1 A2`) and the reference panel
//! of sumstats (`SNP CHR BP MAF A1 A2`, any further columns kept).

use super::error::MungeError;
use crate::collections::{StrColumn, StrIndex};
use crate::io::{Record, TableReader};
use std::cell::Cell;
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
        Self::read_where(path, need_maf, |_| true)
    }

    /// Read the rows of a reference table that `keep` accepts (filtering while reading, so
    /// rows dropped are never stored and the index is built once).
    pub fn read_where(
        path: &Path,
        need_maf: bool,
        keep: impl Fn(&RowFields) -> bool,
    ) -> Result<Reference, MungeError> {
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
        let maf = find("MAF");
        while reader.next_record(&mut record)? {
            let fields = RowFields {
                record: &record,
                maf,
                a1,
                a2,
            };
            if !keep(&fields) {
                continue;
            }
            for (i, column) in columns.iter_mut().enumerate() {
                column.push(record.get(i).unwrap_or("NA"));
            }
        }
        let index = StrIndex::build(&columns[snp]);
        Ok(Reference {
            maf,
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

    pub fn snp_id(&self, row: usize) -> &str {
        self.columns[self.snp].get(row)
    }

    pub fn allele1(&self, row: usize) -> &str {
        self.columns[self.a1].get(row)
    }

    pub fn allele2(&self, row: usize) -> &str {
        self.columns[self.a2].get(row)
    }

    /// A lookup of SNP ids -> first row carrying the id, for one pass over a file: it tries
    /// the row after the last match before hashing, since GWAS files are usually sorted like
    /// the reference and most ids are found there, in memory just touched.
    pub fn finder(&self) -> impl Fn(&str) -> Option<usize> + '_ {
        let hint = Cell::new(0usize);
        move |snp| {
            let (first, found) =
                self.index
                    .first_row_near(&self.columns[self.snp], snp, hint.get())?;
            hint.set(found + 1);
            Some(first)
        }
    }

    /// The first row with the same SNP id as `row`.
    pub fn group(&self, row: usize) -> usize {
        self.index.group(row)
    }

    /// The further rows with the same SNP id as `row`, in order.
    pub fn same_after(&self, row: usize) -> impl Iterator<Item = usize> + '_ {
        self.index.same_after(row)
    }
}

/// The fields of one reference line while it is read, for [`Reference::read_where`].
pub struct RowFields<'a> {
    record: &'a Record,
    maf: Option<usize>,
    a1: usize,
    a2: usize,
}

impl RowFields<'_> {
    fn field(&self, i: usize) -> &str {
        self.record.get(i).unwrap_or("NA")
    }

    /// The MAF field (`NA` when the table has none).
    pub fn maf(&self) -> &str {
        self.maf.map_or("NA", |i| self.field(i))
    }

    pub fn allele1(&self) -> &str {
        self.field(self.a1)
    }

    pub fn allele2(&self) -> &str {
        self.field(self.a2)
    }
}
