//! The one mapping from errors to R.
//!
//! Rust functions called from R never signal R errors themselves. They return their value or,
//! on failure, a small list of class `genomicsemrs_rs_error` holding a condition class and a
//! message; `R/conditions.R` turns that into a classed R condition raised with the user's
//! call. This keeps R's longjmp away from Rust frames and lets R add the call context.

use extendr_api::prelude::*;
use gsem_core::error::Classed;

/// An error on its way to R: the class suffix (after `genomicsemrs_error_`) and the message.
#[derive(Debug)]
pub struct RError {
    class: String,
    message: String,
}

pub type RResult<T> = std::result::Result<T, RError>;

impl RError {
    pub fn new(class: &str, message: impl Into<String>) -> Self {
        RError {
            class: class.to_owned(),
            message: message.into(),
        }
    }

    /// Invalid arguments detected in the bindings themselves.
    pub fn argument(message: impl Into<String>) -> Self {
        RError::new("argument", message)
    }

    /// A bug: a panic or an impossible state. The message asks for a report.
    pub fn internal(detail: impl AsRef<str>) -> Self {
        RError::new(
            "internal",
            format!(
                "Internal error in genomicsemrs ({}). Please report it with a reproducible example.",
                detail.as_ref()
            ),
        )
    }
}

/// Convert any core error; use as `.map_err(core_error)`.
pub fn core_error<E: Classed>(err: E) -> RError {
    RError::new(err.class(), err.to_string())
}

impl From<extendr_api::Error> for RError {
    fn from(err: extendr_api::Error) -> Self {
        RError::argument(format!("Invalid argument: {err}."))
    }
}

/// The value R receives: the result itself, or the error marker list.
pub fn reply(result: RResult<Robj>) -> Robj {
    match result {
        Ok(value) => value,
        Err(err) => {
            let mut marker = list!(class = err.class, message = err.message);
            // Setting a class on a fresh list cannot fail; if it ever did, R would still get the list.
            let _ = marker.set_class(["genomicsemrs_rs_error"]);
            marker.into()
        }
    }
}
