use super::{open_text, IoError};
use std::io::BufRead;
use std::path::{Path, PathBuf};

/// How the fields of a line are separated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Separator {
    Tab,
    Comma,
    /// One or more spaces or tabs, as R's `read.table()` reads by default.
    Whitespace,
}

impl Separator {
    /// Guess the separator from a header line: tab if there is one, else comma, else runs
    /// of white space.
    pub fn detect(header: &str) -> Separator {
        if header.contains('\t') {
            Separator::Tab
        } else if header.contains(',') {
            Separator::Comma
        } else {
            Separator::Whitespace
        }
    }
}

/// One line split into fields. The line buffer and span vector are reused between lines,
/// so reading a file allocates only when a line is longer than any before it.
#[derive(Debug, Default)]
pub struct Record {
    line: String,
    spans: Vec<(usize, usize)>,
    line_number: u64,
    separator: Option<Separator>,
}

impl Record {
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Field `i` with surrounding quotes removed, or `None` past the end of the line.
    pub fn get(&self, i: usize) -> Option<&str> {
        self.spans.get(i).map(|&(a, b)| &self.line[a..b])
    }

    /// 1-based line number in the file (the header is line 1).
    pub fn line_number(&self) -> u64 {
        self.line_number
    }

    /// Field `i` of a line read by [`TableReader::next_unsplit`], found without splitting the
    /// whole line. `None` when the line has quotes (split it instead) or fewer fields.
    pub fn peek(&self, i: usize) -> Option<&str> {
        self.peek_range(i).map(|(a, b)| &self.line[a..b])
    }

    /// Byte range of field `i` as [`Record::peek`] finds it; use [`Record::text`] to read it.
    pub fn peek_range(&self, i: usize) -> Option<(usize, usize)> {
        let bytes = self.line.as_bytes();
        let mut end = bytes.len();
        while end > 0 && (bytes[end - 1] == b'\n' || bytes[end - 1] == b'\r') {
            end -= 1;
        }
        let whitespace = self.separator? == Separator::Whitespace;
        let sep = if self.separator? == Separator::Tab {
            b'\t'
        } else {
            b','
        };
        let is_sep = |b: u8| {
            if whitespace {
                b == b' ' || b == b'\t'
            } else {
                b == sep
            }
        };
        // Scan only as far as field i; give up on quotes (a full split handles them).
        let mut pos = 0;
        let mut field = 0;
        loop {
            if whitespace {
                while pos < end && is_sep(bytes[pos]) {
                    pos += 1;
                }
                if pos == end {
                    return None;
                }
            }
            let start = pos;
            while pos < end && !is_sep(bytes[pos]) {
                if bytes[pos] == b'"' {
                    return None;
                }
                pos += 1;
            }
            if field == i {
                return Some(if whitespace {
                    (start, pos)
                } else {
                    trim_spaces(bytes, start, pos)
                });
            }
            if pos >= end {
                return None;
            }
            pos += 1;
            field += 1;
        }
    }

    /// The text at a byte range of the line (from [`Record::peek_range`] or a split).
    pub fn text(&self, (start, stop): (usize, usize)) -> &str {
        self.line.get(start..stop).unwrap_or("")
    }

    /// Byte range of field `i` after a split.
    pub fn range(&self, i: usize) -> Option<(usize, usize)> {
        self.spans.get(i).copied()
    }

    /// Split a line read by [`TableReader::next_unsplit`] into fields.
    pub fn split_fields(&mut self) {
        if let Some(sep) = self.separator {
            self.split(sep);
        }
    }

    fn split(&mut self, sep: Separator) {
        self.spans.clear();
        let bytes = self.line.as_bytes();
        let mut end = bytes.len();
        while end > 0 && (bytes[end - 1] == b'\n' || bytes[end - 1] == b'\r') {
            end -= 1;
        }
        let is_sep = |b: u8| match sep {
            Separator::Tab => b == b'\t',
            Separator::Comma => b == b',',
            Separator::Whitespace => b == b' ' || b == b'\t',
        };
        let collapse = sep == Separator::Whitespace;
        if !collapse && !bytes[..end].contains(&b'"') {
            self.split_plain(end, if sep == Separator::Tab { b'\t' } else { b',' });
            return;
        }
        let mut i = 0;
        if collapse {
            while i < end && is_sep(bytes[i]) {
                i += 1;
            }
            if i == end {
                return;
            }
        }
        loop {
            let (start, stop, next) = if i < end && bytes[i] == b'"' {
                let close = bytes[i + 1..end]
                    .iter()
                    .position(|&b| b == b'"')
                    .map_or(end, |p| i + 1 + p);
                let mut next = (close + 1).min(end);
                while next < end && !is_sep(bytes[next]) {
                    next += 1;
                }
                (i + 1, close, next)
            } else {
                let mut j = i;
                while j < end && !is_sep(bytes[j]) {
                    j += 1;
                }
                (i, j, j)
            };
            let (start, stop) = if collapse {
                (start, stop)
            } else {
                trim_spaces(bytes, start, stop)
            };
            self.spans.push((start, stop));
            if next >= end {
                break;
            }
            i = next + 1;
            if collapse {
                while i < end && is_sep(bytes[i]) {
                    i += 1;
                }
                if i == end {
                    break;
                }
            }
        }
    }
}

impl Record {
    /// The common case: an explicit separator and no quotes anywhere on the line.
    fn split_plain(&mut self, end: usize, sep: u8) {
        let bytes = self.line.as_bytes();
        let mut start = 0;
        loop {
            let stop = bytes[start..end]
                .iter()
                .position(|&b| b == sep)
                .map_or(end, |p| start + p);
            self.spans.push(trim_spaces(bytes, start, stop));
            if stop >= end {
                break;
            }
            start = stop + 1;
        }
    }
}

/// Narrow `start..stop` to exclude surrounding spaces: R reads `" 1.5"` as a number.
fn trim_spaces(bytes: &[u8], mut start: usize, mut stop: usize) -> (usize, usize) {
    while start < stop && bytes[start] == b' ' {
        start += 1;
    }
    while stop > start && bytes[stop - 1] == b' ' {
        stop -= 1;
    }
    (start, stop)
}

/// A streaming reader of a delimited text table with a header line.
pub struct TableReader {
    path: PathBuf,
    reader: Box<dyn BufRead + Send>,
    separator: Separator,
    header: Vec<String>,
    line_number: u64,
}

impl TableReader {
    /// Open `path` (plain or gzip), read the header and detect the separator.
    pub fn open(path: &Path) -> Result<Self, IoError> {
        let mut reader = open_text(path)?;
        let mut first = Record::default();
        let read = reader
            .read_line(&mut first.line)
            .map_err(|e| IoError::from_std(path, 0, e))?;
        if read == 0 || first.line.trim().is_empty() {
            return Err(IoError::Empty {
                path: path.to_path_buf(),
            });
        }
        let separator = Separator::detect(&first.line);
        first.split(separator);
        let header = (0..first.len())
            .filter_map(|i| first.get(i).map(str::to_owned))
            .collect();
        Ok(TableReader {
            path: path.to_path_buf(),
            reader,
            separator,
            header,
            line_number: 1,
        })
    }

    pub fn header(&self) -> &[String] {
        &self.header
    }

    pub fn separator(&self) -> Separator {
        self.separator
    }

    /// Read the next non-blank line into `record`; `Ok(false)` at the end of the file.
    pub fn next_record(&mut self, record: &mut Record) -> Result<bool, IoError> {
        let more = self.next_unsplit(record)?;
        if more {
            record.split(self.separator);
        }
        Ok(more)
    }

    /// Read the next non-blank line without splitting it: use [`Record::peek`] to look at one
    /// field and [`Record::split_fields`] for all of them. Rows a caller skips cost no split.
    pub fn next_unsplit(&mut self, record: &mut Record) -> Result<bool, IoError> {
        record.spans.clear();
        record.separator = Some(self.separator);
        loop {
            record.line.clear();
            let read = self
                .reader
                .read_line(&mut record.line)
                .map_err(|e| IoError::from_std(&self.path, self.line_number, e))?;
            if read == 0 {
                return Ok(false);
            }
            self.line_number += 1;
            record.line_number = self.line_number;
            if !record.line.trim().is_empty() {
                return Ok(true);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(line: &str, sep: Separator) -> Vec<String> {
        let mut r = Record {
            line: line.to_owned(),
            ..Default::default()
        };
        r.split(sep);
        (0..r.len()).map(|i| r.get(i).unwrap().to_owned()).collect()
    }

    #[test]
    fn separators_are_detected_from_the_header() {
        assert_eq!(Separator::detect("SNP\tA1\tA2\n"), Separator::Tab);
        assert_eq!(Separator::detect("SNP,A1,A2\n"), Separator::Comma);
        assert_eq!(Separator::detect("SNP  A1 A2\n"), Separator::Whitespace);
    }

    #[test]
    fn whitespace_runs_collapse_and_edges_are_trimmed() {
        assert_eq!(
            split("  rs1   A  G \r\n", Separator::Whitespace),
            ["rs1", "A", "G"]
        );
    }

    #[test]
    fn empty_fields_are_kept_with_explicit_separators() {
        assert_eq!(split("rs1\t\tG\t\n", Separator::Tab), ["rs1", "", "G", ""]);
        assert_eq!(split("rs1,,G", Separator::Comma), ["rs1", "", "G"]);
        assert_eq!(split("rs1\t 1.5 \tG", Separator::Tab), ["rs1", "1.5", "G"]);
    }

    #[test]
    fn peeking_finds_the_field_a_split_finds() {
        for (line, sep) in [
            ("rs1\t 2 \t3\n", Separator::Tab),
            ("  rs1  2 3 ", Separator::Whitespace),
            ("rs1,2,3", Separator::Comma),
        ] {
            let mut r = Record {
                line: line.to_owned(),
                separator: Some(sep),
                ..Default::default()
            };
            let peeked: Vec<Option<String>> =
                (0..4).map(|i| r.peek(i).map(str::to_owned)).collect();
            r.split_fields();
            let split: Vec<Option<String>> = (0..4).map(|i| r.get(i).map(str::to_owned)).collect();
            assert_eq!(peeked, split, "{line:?}");
        }
        let quoted = Record {
            line: "\"a\",b".to_owned(),
            separator: Some(Separator::Comma),
            ..Default::default()
        };
        assert_eq!(quoted.peek(0), None);
    }

    #[test]
    fn quoted_fields_may_hold_separators() {
        assert_eq!(
            split("\"rs1\",\"a,b\",3\n", Separator::Comma),
            ["rs1", "a,b", "3"]
        );
        assert_eq!(split("\"x y\" 2", Separator::Whitespace), ["x y", "2"]);
    }
}
