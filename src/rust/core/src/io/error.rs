use crate::error::Classed;
use std::fmt;
use std::path::{Path, PathBuf};

/// Problems reading an input file, each naming the file (and line, where it applies).
#[derive(Debug)]
pub enum IoError {
    NotFound {
        path: PathBuf,
    },
    Unreadable {
        path: PathBuf,
        detail: String,
    },
    Empty {
        path: PathBuf,
    },
    Corrupt {
        path: PathBuf,
        line: u64,
        detail: String,
    },
    /// A file in a format that is not read (another compression, UTF-16).
    Format {
        path: PathBuf,
        detail: String,
    },
    /// A line that is not UTF-8 (Latin-1 and other 8-bit encodings).
    NotUtf8 {
        path: PathBuf,
        line: u64,
    },
}

impl IoError {
    pub(crate) fn from_std(path: &Path, line: u64, err: std::io::Error) -> Self {
        use std::io::ErrorKind;
        let path = path.to_path_buf();
        match err.kind() {
            ErrorKind::NotFound => IoError::NotFound { path },
            ErrorKind::InvalidData if err.to_string().contains("UTF-8") => IoError::NotUtf8 {
                path,
                line: line + 1,
            },
            ErrorKind::UnexpectedEof | ErrorKind::InvalidData | ErrorKind::InvalidInput => {
                IoError::Corrupt {
                    path,
                    line,
                    detail: err.to_string(),
                }
            }
            _ => IoError::Unreadable {
                path,
                detail: err.to_string(),
            },
        }
    }
}

impl fmt::Display for IoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IoError::NotFound { path } => write!(
                f,
                "File '{}' does not exist. Check the path and the working directory.",
                path.display()
            ),
            IoError::Unreadable { path, detail } => {
                write!(
                    f,
                    "File '{}' could not be read: {}.",
                    path.display(),
                    detail
                )
            }
            IoError::Empty { path } => write!(
                f,
                "File '{}' is empty: it has no header line.",
                path.display()
            ),
            IoError::Corrupt { path, line, detail } => write!(
                f,
                "File '{}' is damaged after line {} ({}). If it is gzip-compressed it may be \
                 truncated: download or copy it again.",
                path.display(),
                line,
                detail
            ),
            IoError::Format { path, detail } => write!(
                f,
                "File '{}' is {detail}; genomicsemrs reads plain text and gzip-compressed text.",
                path.display()
            ),
            IoError::NotUtf8 { path, line } => write!(
                f,
                "Line {line} of file '{}' is not UTF-8 text (is the file in Latin-1 or another \
                 8-bit encoding?). Convert it to UTF-8, e.g. with iconv -f latin1 -t utf-8.",
                path.display()
            ),
        }
    }
}

impl Classed for IoError {
    fn class(&self) -> &'static str {
        "io"
    }
}
