use super::IoError;
use flate2::read::MultiGzDecoder;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const BUFFER_BYTES: usize = 1 << 20;

/// Open a text file for buffered reading, decompressing gzip whatever the file's name.
///
/// Gzip is recognised by its magic bytes. All members are decoded: files written by bgzip
/// or `data.table::fwrite` consist of many gzip members, and a single-member decoder would
/// silently stop after the first one.
pub fn open_text(path: &Path) -> Result<Box<dyn BufRead + Send>, IoError> {
    let file = File::open(path).map_err(|e| IoError::from_std(path, 0, e))?;
    let mut reader = BufReader::with_capacity(BUFFER_BYTES, file);
    let is_gzip = reader
        .fill_buf()
        .map_err(|e| IoError::from_std(path, 0, e))?
        .starts_with(&GZIP_MAGIC);
    if is_gzip {
        let decoder: Box<dyn Read + Send> = Box::new(MultiGzDecoder::new(reader));
        Ok(Box::new(BufReader::with_capacity(BUFFER_BYTES, decoder)))
    } else {
        Ok(Box::new(reader))
    }
}
