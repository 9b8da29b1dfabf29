//! The contract between core errors and R conditions.

use std::fmt;

/// An error that knows which R condition class it maps to.
///
/// The class is the suffix after `genomicsemrs_error_` (for example `"io"` gives the R class
/// `genomicsemrs_error_io`); the message is a complete sentence naming the problem and, where
/// possible, what to do about it.
pub trait Classed: fmt::Display {
    fn class(&self) -> &'static str;
}

/// The error returned when a long computation was stopped through its cancel token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cancelled;

impl fmt::Display for Cancelled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("The computation was interrupted.")
    }
}

impl Classed for Cancelled {
    fn class(&self) -> &'static str {
        "interrupted"
    }
}
