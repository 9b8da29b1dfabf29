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
}

impl IoError {
    pub(crate) fn from_std(path: &Path, line: u64, err: std::io::Error) -> Self {
        use std::io::ErrorKind;
        let path = path.to_path_buf();
        match err.kind() {
            ErrorKind::NotFound => IoError::NotFound { path },
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
        }
    }
}

impl Classed for IoError {
    fn class(&self) -> &'static str {
        "io"
    }
}
