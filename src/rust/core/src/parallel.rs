//! Cooperative cancellation for long computations.
//!
//! The core never owns a thread pool: callers run core functions inside a pool of their
//! choosing (the bindings create one per call). Long loops check a [`CancelToken`] between
//! chunks so that an interrupt from the user stops them promptly.

use crate::error::Cancelled;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A shared flag that asks running work to stop. Cheap to clone and to check.
#[derive(Clone, Debug, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    pub fn new() -> Self {
        Self::default()
    }

    /// Ask every holder of this token to stop at its next check.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// `Err(Cancelled)` once cancellation was requested; use with `?` between chunks.
    pub fn check(&self) -> Result<(), Cancelled> {
        if self.is_cancelled() {
            Err(Cancelled)
        } else {
            Ok(())
        }
    }
}

/// The values of results computed in parallel, or the error of the first failing item in
/// input order (collecting into `Result` directly would report whichever failed first in
/// time, which makes error messages depend on thread scheduling).
pub fn in_order<T, E>(results: Vec<Result<T, E>>) -> Result<Vec<T>, E> {
    results.into_iter().collect()
}

/// Busy work in chunks of about `chunk_ms` on the current rayon pool, checking `cancel`
/// between chunks, until `seconds` have passed. Returns the number of chunks each thread
/// completed. It exists to test thread pools and interrupt handling end to end.
pub fn spin_cancellable(
    seconds: f64,
    chunk_ms: u64,
    cancel: &CancelToken,
) -> Result<Vec<u64>, Cancelled> {
    use rayon::prelude::*;
    use std::time::{Duration, Instant};
    let deadline = Instant::now() + Duration::from_secs_f64(seconds.max(0.0));
    let chunk = Duration::from_millis(chunk_ms.max(1));
    let threads = rayon::current_num_threads();
    (0..threads)
        .into_par_iter()
        .map(|_| {
            let mut chunks = 0u64;
            while Instant::now() < deadline {
                cancel.check()?;
                let stop = Instant::now() + chunk;
                while Instant::now() < stop {
                    std::hint::spin_loop();
                }
                chunks += 1;
            }
            Ok(chunks)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancelled_token_stops_spin_at_the_next_chunk() {
        let token = CancelToken::new();
        token.cancel();
        let started = std::time::Instant::now();
        assert_eq!(spin_cancellable(5.0, 10, &token), Err(Cancelled));
        assert!(started.elapsed().as_secs_f64() < 1.0);
    }

    #[test]
    fn in_order_reports_the_first_failure_by_position() {
        let results: Vec<Result<u8, &str>> = vec![Ok(1), Err("second"), Err("third")];
        assert_eq!(in_order(results), Err("second"));
        assert_eq!(in_order::<u8, &str>(vec![Ok(1), Ok(2)]), Ok(vec![1, 2]));
    }

    #[test]
    fn spin_reports_one_count_per_pool_thread() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let counts = pool
            .install(|| spin_cancellable(0.05, 5, &CancelToken::new()))
            .unwrap();
        assert_eq!(counts.len(), 2);
        assert!(counts.iter().all(|&c| c >= 1));
    }
}
