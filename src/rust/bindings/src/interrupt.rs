//! Running work on the per-call pool while the R main thread watches for Ctrl-C.
//!
//! The work runs on a scoped thread inside the pool; the main thread waits on a channel in
//! short slices and, between slices, asks R whether the user interrupted. R's check is run
//! under `R_ToplevelExec` so that R's longjmp never crosses Rust frames. On an interrupt the
//! cancel token is set, the work stops at its next check and the call returns an error.

use crate::errors::{RError, RResult};
use crate::threads;
use gsem_core::parallel::CancelToken;
use std::os::raw::{c_int, c_void};
use std::sync::mpsc;
use std::time::Duration;

const POLL_INTERVAL: Duration = Duration::from_millis(50);

extern "C" {
    fn R_ToplevelExec(fun: extern "C" fn(*mut c_void), data: *mut c_void) -> c_int;
    fn R_CheckUserInterrupt();
}

extern "C" fn check_interrupt(_data: *mut c_void) {
    // SAFETY: called only from the R main thread, inside R_ToplevelExec which catches the jump.
    unsafe { R_CheckUserInterrupt() }
}

/// True when the user pressed Ctrl-C since the last check. Main thread only.
pub fn interrupt_pending() -> bool {
    // SAFETY: R_ToplevelExec returns FALSE (0) when the function was left by a jump
    // (an interrupt); it is safe to call from the main thread during a .Call.
    unsafe { R_ToplevelExec(check_interrupt, std::ptr::null_mut()) == 0 }
}

fn interrupted_error() -> RError {
    RError::new(
        "interrupted",
        "Interrupted by the user; no results were returned.",
    )
}

/// Run `job` on a fresh pool of `threads` threads, polling for interrupts meanwhile.
/// A panic inside the job becomes an R error, never a crashed session.
pub fn run<T, F>(threads: usize, job: F) -> RResult<T>
where
    T: Send,
    F: FnOnce(&CancelToken) -> T + Send,
{
    let pool = threads::pool(threads)?;
    let cancel = CancelToken::new();
    let (done_tx, done_rx) = mpsc::channel::<()>();
    let mut interrupted = false;
    let outcome = std::thread::scope(|scope| {
        let worker = scope.spawn(|| {
            let value = pool.install(|| job(&cancel));
            let _ = done_tx.send(());
            value
        });
        loop {
            match done_rx.recv_timeout(POLL_INTERVAL) {
                Ok(()) | Err(mpsc::RecvTimeoutError::Disconnected) => break,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if !interrupted && interrupt_pending() {
                        interrupted = true;
                        cancel.cancel();
                    }
                }
            }
        }
        worker.join()
    });
    match outcome {
        Ok(_) if interrupted => Err(interrupted_error()),
        Ok(value) => Ok(value),
        Err(payload) => Err(RError::internal(panic_text(&payload))),
    }
}

fn panic_text(payload: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        format!("panic: {s}")
    } else if let Some(s) = payload.downcast_ref::<String>() {
        format!("panic: {s}")
    } else {
        "panic".to_owned()
    }
}
