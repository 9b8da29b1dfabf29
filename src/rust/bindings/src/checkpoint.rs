//! Fingerprints of large numeric inputs for checkpoint folders (computed in Rust: R itself
//! has no hash short of serialising a copy).

use crate::errors::reply;
use crate::{interrupt, threads};
use extendr_api::prelude::*;
use gsem_core::fingerprint::fingerprint_doubles;

/// @noRd
#[extendr]
fn rs_fingerprint_doubles(values: &[f64], requested_threads: Robj) -> Robj {
    reply((|| {
        let (n, _) = threads::resolve(crate::convert::optional_int(&requested_threads, "cores")?)?;
        let hash = interrupt::run(n, |_| fingerprint_doubles(values))?;
        Ok(hash.into())
    })())
}

extendr_module! {
    mod checkpoint;
    fn rs_fingerprint_doubles;
}
