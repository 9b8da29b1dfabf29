//! PLINK 1 binary genotypes: the .fam sample ids, the .bim variant table and random access to
//! SNP-major .bed records, decoded for a chosen subset of samples. Nothing holds more than
//! the variants asked for.
//!
//! Dosage = copies of the .bim column-5 allele (A1, reported as `Allele2`): the two-bit codes
//! 00, 10, 11 give 2, 1, 0 copies of A1 and 01 is missing (NaN).

use super::AssociationError;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// The .bim table, column by column.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BimTable {
    pub chrom: Vec<String>,
    pub marker: Vec<String>,
    pub pos: Vec<f64>,
    /// Column 5 (A1): the counted allele, `Allele2` in the output.
    pub allele1_col5: Vec<String>,
    /// Column 6 (A2): `Allele1` in the output.
    pub allele2_col6: Vec<String>,
}

/// Family and individual ids of the .fam file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FamTable {
    pub fid: Vec<String>,
    pub iid: Vec<String>,
}

fn unreadable(path: &Path, err: impl std::fmt::Display) -> AssociationError {
    AssociationError::Unreadable {
        path: path.to_path_buf(),
        detail: err.to_string(),
    }
}

fn for_each_line(
    path: &Path,
    mut f: impl FnMut(usize, &[&str]) -> Result<(), AssociationError>,
) -> Result<(), AssociationError> {
    let file = File::open(path).map_err(|e| unreadable(path, e))?;
    let mut reader = BufReader::new(file);
    let mut line = String::new();
    let mut number = 0;
    loop {
        line.clear();
        let read = reader
            .read_line(&mut line)
            .map_err(|e| unreadable(path, e))?;
        if read == 0 {
            return Ok(());
        }
        number += 1;
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.is_empty() {
            continue;
        }
        f(number, &fields)?;
    }
}

fn bad_line(path: &Path, line: usize, detail: String) -> AssociationError {
    AssociationError::BadLine {
        path: path.to_path_buf(),
        line,
        detail,
    }
}

/// Read a .bim file (6 whitespace-separated columns).
pub fn read_bim(path: &Path) -> Result<BimTable, AssociationError> {
    let mut bim = BimTable::default();
    for_each_line(path, |line, fields| {
        if fields.len() < 6 {
            return Err(bad_line(
                path,
                line,
                format!("{} columns instead of 6", fields.len()),
            ));
        }
        let pos: f64 = fields[3].parse().map_err(|_| {
            bad_line(
                path,
                line,
                format!("position `{}` is not a number", fields[3]),
            )
        })?;
        bim.chrom.push(fields[0].to_string());
        bim.marker.push(fields[1].to_string());
        bim.pos.push(pos);
        bim.allele1_col5.push(fields[4].to_string());
        bim.allele2_col6.push(fields[5].to_string());
        Ok(())
    })?;
    Ok(bim)
}

/// Read a .fam file (at least 2 columns: FID, IID).
pub fn read_fam(path: &Path) -> Result<FamTable, AssociationError> {
    let mut fam = FamTable::default();
    for_each_line(path, |line, fields| {
        if fields.len() < 2 {
            return Err(bad_line(path, line, "fewer than 2 columns".to_string()));
        }
        fam.fid.push(fields[0].to_string());
        fam.iid.push(fields[1].to_string());
        Ok(())
    })?;
    Ok(fam)
}

/// Random access to the records of a SNP-major .bed file.
#[derive(Debug)]
pub struct BedReader {
    path: PathBuf,
    file: File,
    pub n_samples: usize,
    pub n_variants: usize,
    record: Vec<u8>,
}

impl BedReader {
    pub fn open(
        path: &Path,
        n_samples: usize,
        n_variants: usize,
    ) -> Result<Self, AssociationError> {
        let mut file = File::open(path).map_err(|e| unreadable(path, e))?;
        let mut magic = [0u8; 3];
        file.read_exact(&mut magic)
            .map_err(|_| AssociationError::NotSnpMajor {
                path: path.to_path_buf(),
            })?;
        if magic != [0x6c, 0x1b, 0x01] {
            return Err(AssociationError::NotSnpMajor {
                path: path.to_path_buf(),
            });
        }
        let bytes = n_samples.div_ceil(4);
        let expected = 3 + (bytes as u64) * (n_variants as u64);
        let found = file.metadata().map_err(|e| unreadable(path, e))?.len();
        if found != expected {
            return Err(AssociationError::BedSize {
                path: path.to_path_buf(),
                expected,
                found,
            });
        }
        Ok(BedReader {
            path: path.to_path_buf(),
            file,
            n_samples,
            n_variants,
            record: vec![0; bytes],
        })
    }

    /// Dosages of variant `variant` for the samples `rows` (0-based .fam lines), NaN = missing.
    pub fn read(
        &mut self,
        variant: usize,
        rows: &[usize],
        out: &mut [f64],
    ) -> Result<(), AssociationError> {
        if variant >= self.n_variants {
            return Err(AssociationError::OutOfRange {
                what: "Variant",
                index: variant,
                limit: self.n_variants,
            });
        }
        let offset = 3 + (self.record.len() as u64) * (variant as u64);
        self.file
            .seek(SeekFrom::Start(offset))
            .and_then(|_| self.file.read_exact(&mut self.record))
            .map_err(|e| unreadable(&self.path, e))?;
        decode(&self.record, rows, out);
        Ok(())
    }
}

impl BedReader {
    /// Dosages of the consecutive variants `first..first + count` (one read), variant j's in
    /// `out[j * rows.len()..]`.
    pub fn read_run(
        &mut self,
        first: usize,
        count: usize,
        rows: &[usize],
        out: &mut [f64],
    ) -> Result<(), AssociationError> {
        if first + count > self.n_variants {
            return Err(AssociationError::OutOfRange {
                what: "Variant",
                index: first + count - 1,
                limit: self.n_variants,
            });
        }
        let bytes = self.record.len();
        let offset = 3 + (bytes as u64) * (first as u64);
        let mut run = vec![0u8; bytes * count];
        self.file
            .seek(SeekFrom::Start(offset))
            .and_then(|_| self.file.read_exact(&mut run))
            .map_err(|e| unreadable(&self.path, e))?;
        let m = rows.len();
        for (record, dst) in run.chunks_exact(bytes).zip(out.chunks_mut(m)) {
            decode(record, rows, dst);
        }
        Ok(())
    }
}

/// Decode one SNP-major record for the samples `rows` (each below 4 x record length).
pub fn decode(record: &[u8], rows: &[usize], out: &mut [f64]) {
    const CODE: [f64; 4] = [2.0, f64::NAN, 1.0, 0.0];
    for (o, &r) in out.iter_mut().zip(rows) {
        let byte = record.get(r / 4).copied().unwrap_or(0b01);
        *o = CODE[((byte >> (2 * (r % 4))) & 0b11) as usize];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_four_codes_in_sample_order() {
        // Samples 0..4 hold codes 00, 01, 10, 11 (low bits first): 2, NA, 1, 0 copies of A1.
        let record = [0b11_10_01_00u8, 0b00_00_00_11];
        let mut out = [0.0; 5];
        decode(&record, &[0, 1, 2, 3, 4], &mut out);
        assert_eq!(out[0], 2.0);
        assert!(out[1].is_nan());
        assert_eq!(&out[2..], &[1.0, 0.0, 0.0]);
        let mut picked = [0.0; 2];
        decode(&record, &[3, 0], &mut picked);
        assert_eq!(picked, [0.0, 2.0]);
    }
}
