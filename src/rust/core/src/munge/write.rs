//! Writing munged tables as GenomicSEM does: `write.table(sep = "\t", quote = FALSE)` of
//! `SNP N Z A1 A2`, gzip-compressed.

use super::error::MungeError;
use super::munge_file::Munged;
use crate::rmath::format_r15_into;
use flate2::write::GzEncoder;
use flate2::Compression;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

pub fn write_sumstats_gz(path: &Path, munged: &Munged) -> Result<(), MungeError> {
    let fail = |e: std::io::Error| MungeError::Output {
        file: path.display().to_string(),
        detail: e.to_string(),
    };
    let file = File::create(path).map_err(fail)?;
    let mut out = BufWriter::with_capacity(1 << 20, GzEncoder::new(file, Compression::fast()));
    out.write_all(b"SNP\tN\tZ\tA1\tA2\n").map_err(fail)?;
    let (mut line, mut scratch) = (String::new(), String::new());
    for row in &munged.rows {
        line.clear();
        match &row.snp {
            None => line.push_str("NA\tNA\tNA\tNA\tNA\n"),
            Some(snp) => {
                line.push_str(snp);
                line.push('\t');
                push_number(&mut line, &mut scratch, row.n, munged.n_is_integer);
                line.push('\t');
                push_number(&mut line, &mut scratch, row.z, false);
                for allele in [&row.a1, &row.a2] {
                    line.push('\t');
                    line.push_str(allele);
                }
                line.push('\n');
            }
        }
        out.write_all(line.as_bytes()).map_err(fail)?;
    }
    let encoder = out.into_inner().map_err(|e| fail(e.into_error()))?;
    encoder.finish().map_err(fail)?;
    Ok(())
}

/// Missing and NaN values are written as NA, as `write.table()` does.
fn push_number(line: &mut String, scratch: &mut String, x: f64, integer: bool) {
    use std::fmt::Write as _;
    if x.is_nan() {
        line.push_str("NA");
    } else if integer {
        let _ = write!(line, "{}", x as i64);
    } else {
        format_r15_into(x, line, scratch);
    }
}
