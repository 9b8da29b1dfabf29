//! File reading shared by every subsystem: transparent gzip, delimiter detection and a
//! streaming tokenizer that reuses one line buffer.

mod error;
mod source;
mod table;

pub use error::IoError;
pub use source::open_text;
pub use table::{Record, Separator, TableReader};
