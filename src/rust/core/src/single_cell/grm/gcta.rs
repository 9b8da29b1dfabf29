//! GCTA binary GRM: `<prefix>.grm.bin` (float32 lower triangle including the diagonal, row by
//! row: (0,0), (1,0), (1,1), (2,0), ...), `<prefix>.grm.id` (FID IID per line) and optionally
//! `<prefix>.grm.N.bin` (same layout, number of SNPs per pair).

use super::lines::read_id_columns;
use super::{Grm, GrmError};
use crate::io::IoError;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

/// The three files of a GCTA GRM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GctaPaths {
    pub bin: PathBuf,
    pub id: PathBuf,
    pub n_bin: PathBuf,
}

/// Resolve the files from a prefix or from the path of any of the three files.
pub fn gcta_paths(path: &Path) -> GctaPaths {
    let text = path.to_string_lossy();
    let prefix = [".grm.N.bin", ".grm.bin", ".grm.id"]
        .iter()
        .find_map(|suffix| text.strip_suffix(suffix))
        .unwrap_or(&text)
        .to_owned();
    GctaPaths {
        bin: PathBuf::from(format!("{prefix}.grm.bin")),
        id: PathBuf::from(format!("{prefix}.grm.id")),
        n_bin: PathBuf::from(format!("{prefix}.grm.N.bin")),
    }
}

/// Read a GCTA GRM given its prefix or the path of its `.grm.bin` file. The float32 values are
/// promoted to f64 exactly. The `.grm.N.bin` file is read when it exists.
pub fn read_gcta_grm(path: &Path) -> Result<Grm, GrmError> {
    let paths = gcta_paths(path);
    let (family_ids, individual_ids) = read_id_file(&paths.id)?;
    let m = individual_ids.len();
    let values = read_lower_triangle(&paths.bin, m)?;
    let n_snps = if paths.n_bin.exists() {
        Some(read_lower_triangle(&paths.n_bin, m)?)
    } else {
        None
    };
    Ok(Grm {
        family_ids,
        individual_ids,
        values,
        n_snps,
    })
}

fn read_id_file(path: &Path) -> Result<(Vec<String>, Vec<String>), GrmError> {
    let mut columns = read_id_columns(path, 2, false, "expected two columns (FID IID)")?;
    let individual = columns.pop().unwrap_or_default();
    let family = columns.pop().unwrap_or_default();
    Ok((family, individual))
}

/// Read an m x m symmetric matrix stored as a float32 lower triangle, returning it dense and
/// column-major.
fn read_lower_triangle(path: &Path, m: usize) -> Result<Vec<f64>, GrmError> {
    let io = |e: std::io::Error| GrmError::Io(IoError::from_std(path, 0, e));
    let file = File::open(path).map_err(io)?;
    let expected_bytes = (m as u64) * (m as u64 + 1) / 2 * 4;
    let found_bytes = file.metadata().map_err(io)?.len();
    if found_bytes != expected_bytes {
        return Err(GrmError::SizeMismatch {
            path: path.to_path_buf(),
            ids: m,
            expected_bytes,
            found_bytes,
        });
    }
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut values = vec![0.0f64; m * m];
    let mut row_bytes = vec![0u8; 4 * m];
    for i in 0..m {
        let bytes = &mut row_bytes[..4 * (i + 1)];
        reader.read_exact(bytes).map_err(io)?;
        for (j, chunk) in bytes.chunks_exact(4).enumerate() {
            let value = f64::from(f32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]));
            if !value.is_finite() {
                return Err(GrmError::NonFinite {
                    path: path.to_path_buf(),
                    row: i,
                    col: j,
                });
            }
            values[i + j * m] = value;
            values[j + i * m] = value;
        }
    }
    Ok(values)
}
