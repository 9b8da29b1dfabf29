//! Thread-count resolution and the per-call rayon pool.
//!
//! Order of precedence: the `cores` argument, then `options(genomicsemrs.threads)` (both
//! resolved in R and passed here as `requested`), then the environment variable
//! `GENOMICSEMRS_NUM_THREADS`, then all available cores. A new pool is built for every call:
//! rayon's global pool hangs in children forked by `parallel::mclapply` once the parent used it.

use crate::errors::{RError, RResult};

pub const THREADS_ENV_VAR: &str = "GENOMICSEMRS_NUM_THREADS";

/// The number of threads to use and where that number came from.
pub fn resolve(requested: Option<i32>) -> RResult<(usize, &'static str)> {
    if let Some(n) = requested {
        return positive(n as i64, "`cores`").map(|n| (n, "argument or option"));
    }
    if let Ok(value) = std::env::var(THREADS_ENV_VAR) {
        let trimmed = value.trim();
        if !trimmed.is_empty() {
            let n: i64 = trimmed.parse().map_err(|_| {
                RError::argument(format!(
                    "Environment variable {THREADS_ENV_VAR} is '{value}', not a whole number. \
                     Set it to a positive integer or unset it."
                ))
            })?;
            return positive(n, THREADS_ENV_VAR).map(|n| (n, "environment variable"));
        }
    }
    let available = std::thread::available_parallelism().map_or(1, |n| n.get());
    Ok((available, "default (all cores)"))
}

fn positive(n: i64, what: &str) -> RResult<usize> {
    if n >= 1 {
        Ok(n as usize)
    } else {
        Err(RError::argument(format!(
            "{what} must be a positive whole number of threads, not {n}."
        )))
    }
}

pub fn pool(threads: usize) -> RResult<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("genomicsemrs-{i}"))
        .build()
        .map_err(|e| {
            RError::new(
                "threads",
                format!("Could not start {threads} threads: {e}."),
            )
        })
}
