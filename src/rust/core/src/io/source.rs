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
/// silently stop after the first one. Other compressions and UTF-16 text are recognised too,
/// so that their error says what the file is; a UTF-8 byte-order mark is skipped (it would
/// otherwise become part of the first column's name).
pub fn open_text(path: &Path) -> Result<Box<dyn BufRead + Send>, IoError> {
    let file = File::open(path).map_err(|e| IoError::from_std(path, 0, e))?;
    let mut reader = BufReader::with_capacity(BUFFER_BYTES, file);
    let start = reader
        .fill_buf()
        .map_err(|e| IoError::from_std(path, 0, e))?;
    if let Some(kind) = unsupported_format(start) {
        return Err(IoError::Format {
            path: path.to_path_buf(),
            detail: kind.to_owned(),
        });
    }
    let mut text: Box<dyn BufRead + Send> = if start.starts_with(&GZIP_MAGIC) {
        let decoder: Box<dyn Read + Send> = Box::new(MultiGzDecoder::new(reader));
        Box::new(BufReader::with_capacity(BUFFER_BYTES, decoder))
    } else {
        Box::new(reader)
    };
    let start = text.fill_buf().map_err(|e| IoError::from_std(path, 0, e))?;
    if start.starts_with(&UTF8_BOM) {
        text.consume(UTF8_BOM.len());
    } else if let Some(kind) = unsupported_format(start) {
        return Err(IoError::Format {
            path: path.to_path_buf(),
            detail: format!("gzip-compressed {kind}"),
        });
    }
    Ok(text)
}

const UTF8_BOM: [u8; 3] = [0xef, 0xbb, 0xbf];

/// What a file that genomicsemrs cannot read is, from its first bytes.
fn unsupported_format(start: &[u8]) -> Option<&'static str> {
    const KINDS: [(&[u8], &str); 6] = [
        (
            b"BZh",
            "bzip2-compressed (decompress it with bunzip2, or recompress it with gzip)",
        ),
        (
            &[0xfd, b'7', b'z', b'X', b'Z', 0],
            "xz-compressed (decompress it with unxz, or recompress it with gzip)",
        ),
        (
            &[0x28, 0xb5, 0x2f, 0xfd],
            "zstd-compressed (decompress it with unzstd, or recompress it with gzip)",
        ),
        (b"PK\x03\x04", "a zip archive (unzip it first)"),
        (
            &[0xff, 0xfe],
            "UTF-16 text (convert it to UTF-8, e.g. iconv -f UTF-16 -t UTF-8)",
        ),
        (
            &[0xfe, 0xff],
            "UTF-16 text (convert it to UTF-8, e.g. iconv -f UTF-16 -t UTF-8)",
        ),
    ];
    KINDS
        .iter()
        .find(|(magic, _)| start.starts_with(magic))
        .map(|(_, kind)| *kind)
}
