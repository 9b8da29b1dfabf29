//! Versions and threads for `genomicsemrs_sitrep()`, and the self-test used by the
//! thread-pool and interrupt tests.

use crate::convert::{named_list, optional_int};
use crate::errors::{reply, RResult};
use crate::{interrupt, threads};
use extendr_api::prelude::*;

/// @noRd
#[extendr]
fn rs_sitrep(requested_threads: Robj) -> Robj {
    reply(sitrep(&requested_threads))
}

fn sitrep(requested: &Robj) -> RResult<Robj> {
    let (n, source) = threads::resolve(optional_int(requested, "cores")?)?;
    let measured = interrupt::run(n, |_| rayon::current_num_threads())?;
    named_list(vec![
        ("bindings_version", env!("CARGO_PKG_VERSION").into()),
        ("core_version", gsem_core::VERSION.into()),
        ("rustc_version", env!("GENOMICSEMRS_RUSTC_VERSION").into()),
        (
            "extendr_version",
            env!("GENOMICSEMRS_EXTENDR_VERSION").into(),
        ),
        ("threads", (n as i32).into()),
        ("threads_source", source.into()),
        ("pool_threads", (measured as i32).into()),
    ])
}

/// Busy work on every pool thread for `seconds`, interruptible; returns per-thread chunk
/// counts. Used by the tests of thread pools, forked children and Ctrl-C handling.
/// @noRd
#[extendr]
fn rs_selftest_spin(seconds: f64, requested_threads: Robj) -> Robj {
    reply(selftest_spin(seconds, &requested_threads))
}

fn selftest_spin(seconds: f64, requested: &Robj) -> RResult<Robj> {
    let (n, _) = threads::resolve(optional_int(requested, "cores")?)?;
    let counts = interrupt::run(n, |cancel| {
        gsem_core::parallel::spin_cancellable(seconds, 20, cancel)
    })?
    .map_err(crate::errors::core_error)?;
    Ok(counts
        .into_iter()
        .map(|c| c as f64)
        .collect::<Vec<f64>>()
        .into())
}

extendr_module! {
    mod sitrep;
    fn rs_sitrep;
    fn rs_selftest_spin;
}
