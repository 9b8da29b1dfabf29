//! R's own L-BFGS-B (`lbfgsb()` of R's C API, `R_ext/Applic.h`) and R's `sum()` (long-double
//! accumulation, src/long_double_sum.c), called as `optim(par, fn,
//! method = "L-BFGS-B", lower, upper)` calls it with default controls. hdl() needs R's
//! iterates, not merely the same optimum: GenomicSEM stopped at R's convergence test with
//! finite-difference gradients, so another minimiser lands elsewhere by up to 1e-3 of an
//! estimate. Main thread only (lbfgsb allocates with R_alloc); the objective must return
//! finite values, which `gsem_core::hdl::optim::FiniteDifference` guarantees.

use gsem_core::hdl::optim::{Minimum, Objective};
use std::os::raw::{c_char, c_int, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};

type OptimFn = extern "C" fn(c_int, *mut f64, *mut c_void) -> f64;
type OptimGr = extern "C" fn(c_int, *mut f64, *mut f64, *mut c_void);

extern "C" {
    /// src/long_double_sum.c: R's `sum()` (long-double accumulation).
    fn genomicsemrs_long_double_sum(x: *const f64, n: usize) -> f64;
    #[allow(clippy::too_many_arguments)]
    fn lbfgsb(
        n: c_int,
        m: c_int,
        x: *mut f64,
        l: *mut f64,
        u: *mut f64,
        nbd: *mut c_int,
        fmin: *mut f64,
        fminfn: OptimFn,
        fmingr: OptimGr,
        fail: *mut c_int,
        ex: *mut c_void,
        factr: f64,
        pgtol: f64,
        fncount: *mut c_int,
        grcount: *mut c_int,
        maxit: c_int,
        msg: *mut c_char,
        trace: c_int,
        n_report: c_int,
    );
}

/// optim()'s defaults for L-BFGS-B.
const LMM: c_int = 5;
const FACTR: f64 = 1e7;
const PGTOL: f64 = 0.0;
const MAXIT: c_int = 100;
const REPORT: c_int = 10;
/// Returned instead of a value when the objective panicked (never expected).
const PANIC_VALUE: f64 = 1e300;

struct Callback<'a> {
    objective: &'a mut dyn Objective,
    panicked: bool,
}

extern "C" fn value_trampoline(n: c_int, x: *mut f64, ex: *mut c_void) -> f64 {
    // SAFETY: `ex` is the `Callback` lbfgsb was given below and outlives the call; `x` points
    // to `n` doubles owned by lbfgsb.
    let cb = unsafe { &mut *(ex as *mut Callback<'_>) };
    let x = unsafe { std::slice::from_raw_parts(x, n as usize) };
    catch_unwind(AssertUnwindSafe(|| cb.objective.value(x))).unwrap_or_else(|_| {
        cb.panicked = true;
        PANIC_VALUE
    })
}

extern "C" fn gradient_trampoline(n: c_int, x: *mut f64, g: *mut f64, ex: *mut c_void) {
    // SAFETY: as above; `g` points to `n` writable doubles.
    let cb = unsafe { &mut *(ex as *mut Callback<'_>) };
    let x = unsafe { std::slice::from_raw_parts(x, n as usize) };
    let g = unsafe { std::slice::from_raw_parts_mut(g, n as usize) };
    if catch_unwind(AssertUnwindSafe(|| cb.objective.gradient(x, g))).is_err() {
        cb.panicked = true;
        g.iter_mut().for_each(|v| *v = 0.0);
    }
}

/// Minimise within finite bounds on both sides, as optim() does.
pub fn r_lbfgsb(
    objective: &mut dyn Objective,
    start: &[f64],
    lower: &[f64],
    upper: &[f64],
) -> Minimum {
    let n = start.len();
    let mut x = start.to_vec();
    let mut l = lower.to_vec();
    let mut u = upper.to_vec();
    let mut nbd: Vec<c_int> = lower
        .iter()
        .zip(upper)
        .map(|(a, b)| match (a.is_finite(), b.is_finite()) {
            (true, true) => 2,
            (true, false) => 1,
            (false, true) => 3,
            (false, false) => 0,
        })
        .collect();
    let mut fmin = 0.0f64;
    let (mut fail, mut fncount, mut grcount) = (0 as c_int, 0 as c_int, 0 as c_int);
    let mut msg = [0 as c_char; 120];
    let mut cb = Callback {
        objective,
        panicked: false,
    };
    // SAFETY: every buffer holds `n` values (msg: optim uses 60 bytes); the callbacks only
    // touch `cb`, which lives until lbfgsb returns. Called on the R main thread (R_alloc).
    unsafe {
        lbfgsb(
            n as c_int,
            LMM,
            x.as_mut_ptr(),
            l.as_mut_ptr(),
            u.as_mut_ptr(),
            nbd.as_mut_ptr(),
            &mut fmin,
            value_trampoline,
            gradient_trampoline,
            &mut fail,
            &mut cb as *mut Callback<'_> as *mut c_void,
            FACTR,
            PGTOL,
            &mut fncount,
            &mut grcount,
            MAXIT,
            msg.as_mut_ptr(),
            0,
            REPORT,
        );
    }
    let convergence = if cb.panicked { 52 } else { fail };
    Minimum {
        par: x,
        value: fmin,
        convergence,
    }
}

/// `sum(x)` exactly as R computes it.
pub fn r_sum(x: &[f64]) -> f64 {
    // SAFETY: reads `x.len()` doubles from a live slice; the C function has no other effect.
    unsafe { genomicsemrs_long_double_sum(x.as_ptr(), x.len()) }
}
