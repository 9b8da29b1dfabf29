//! Field parsing with readr's conventions: fields are trimmed, "" and "NA" are missing.

use super::error::LdscError;
use std::path::Path;

/// `true` for a field readr reads as NA.
pub fn is_missing(field: &str) -> bool {
    let f = field.trim();
    f.is_empty() || f == "NA"
}

/// A double as readr parses it (`Inf`, `NaN` accepted); `None` for NA or unparsable text.
pub fn parse_number(field: &str) -> Option<f64> {
    let f = field.trim();
    if f.is_empty() || f == "NA" {
        return None;
    }
    f.parse::<f64>().ok()
}

/// Position of a column named exactly `name` in a header.
pub fn column_index(header: &[String], name: &str, path: &Path) -> Result<usize, LdscError> {
    header
        .iter()
        .position(|h| h.trim() == name)
        .ok_or_else(|| LdscError::MissingColumn {
            path: path.to_path_buf(),
            column: name.to_owned(),
        })
}
