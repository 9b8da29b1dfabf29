//! Line-oriented text reading shared by the GRM readers: id files and Matrix Market files.

use super::GrmError;
use crate::io::{open_text, IoError};
use std::io::BufRead;
use std::path::Path;

/// Call `each(line_number, line)` for every line of a plain or gzip text file (1-based
/// numbers; the line keeps its end of line). Returns the number of lines.
pub(super) fn for_each_line(
    path: &Path,
    mut each: impl FnMut(u64, &str) -> Result<(), GrmError>,
) -> Result<u64, GrmError> {
    let mut reader = open_text(path)?;
    let mut line = String::new();
    let mut line_number = 0u64;
    loop {
        line.clear();
        let read = reader
            .read_line(&mut line)
            .map_err(|e| IoError::from_std(path, line_number, e))?;
        if read == 0 {
            return Ok(line_number);
        }
        line_number += 1;
        each(line_number, &line)?;
    }
}

/// The first `columns` white-space separated fields of every non-blank line of an id file,
/// column by column. Fewer fields is an error; more are an error only with `exact`.
pub(super) fn read_id_columns(
    path: &Path,
    columns: usize,
    exact: bool,
    expected: &str,
) -> Result<Vec<Vec<String>>, GrmError> {
    let mut ids = vec![Vec::new(); columns];
    for_each_line(path, |line_number, line| {
        if line.contains('\0') {
            return Err(GrmError::Malformed {
                path: path.to_path_buf(),
                line: line_number,
                detail:
                    "it holds a NUL byte, so it is not a text id file (was a binary file given?)"
                        .into(),
            });
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.is_empty() {
            return Ok(());
        }
        if fields.len() < columns || (exact && fields.len() > columns) {
            return Err(GrmError::Malformed {
                path: path.to_path_buf(),
                line: line_number,
                detail: expected.into(),
            });
        }
        for (column, field) in ids.iter_mut().zip(fields) {
            column.push(field.to_owned());
        }
        Ok(())
    })?;
    if ids.first().is_none_or(Vec::is_empty) {
        return Err(GrmError::Io(IoError::Empty {
            path: path.to_path_buf(),
        }));
    }
    Ok(ids)
}
