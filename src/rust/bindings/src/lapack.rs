//! The symmetric eigen decomposition R's `eigen(symmetric = TRUE)` computes: LAPACK's dsyevr
//! (lower triangle, all values, abstol 0, workspace by query), linked from R's own LAPACK
//! (`$(LAPACK_LIBS)` in Makevars) so that eigenvector signs are R's. simLDSC() needs them:
//! MASS::mvrnorm's draws depend on those signs. Reentrant; safe on worker threads.

use nalgebra::DMatrix;
use std::os::raw::{c_char, c_int};

extern "C" {
    #[allow(clippy::too_many_arguments)]
    fn dsyevr_(
        jobz: *const c_char,
        range: *const c_char,
        uplo: *const c_char,
        n: *const c_int,
        a: *mut f64,
        lda: *const c_int,
        vl: *const f64,
        vu: *const f64,
        il: *const c_int,
        iu: *const c_int,
        abstol: *const f64,
        m: *mut c_int,
        w: *mut f64,
        z: *mut f64,
        ldz: *const c_int,
        isuppz: *mut c_int,
        work: *mut f64,
        lwork: *const c_int,
        iwork: *mut c_int,
        liwork: *const c_int,
        info: *mut c_int,
        jobz_len: usize,
        range_len: usize,
        uplo_len: usize,
    );
}

/// Values in decreasing order and vectors as R's eigen() returns them; `None` if LAPACK fails.
pub fn r_lapack_eigen(x: &DMatrix<f64>) -> Option<(Vec<f64>, DMatrix<f64>)> {
    let n = x.nrows();
    if n == 0 || x.ncols() != n || n > c_int::MAX as usize / 26 {
        return None;
    }
    let ni = n as c_int;
    let mut a: Vec<f64> = x.as_slice().to_vec();
    let (jobz, range, uplo) = (b'V' as c_char, b'A' as c_char, b'L' as c_char);
    let (vl, vu, abstol) = (0.0f64, 0.0f64, 0.0f64);
    let (il, iu) = (0 as c_int, 0 as c_int);
    let mut w = vec![0.0f64; n];
    let mut z = vec![0.0f64; n * n];
    let mut isuppz = vec![0 as c_int; 2 * n];
    let mut call = |work: &mut [f64], lwork: c_int, iwork: &mut [c_int], liwork: c_int| {
        let mut m: c_int = 0;
        let mut info: c_int = 0;
        // SAFETY: every pointer refers to a live buffer of the size dsyevr documents for
        // n x n input (work/iwork sized by the workspace query); the character arguments are
        // single bytes with their lengths passed as gfortran expects.
        unsafe {
            dsyevr_(
                &jobz,
                &range,
                &uplo,
                &ni,
                a.as_mut_ptr(),
                &ni,
                &vl,
                &vu,
                &il,
                &iu,
                &abstol,
                &mut m,
                w.as_mut_ptr(),
                z.as_mut_ptr(),
                &ni,
                isuppz.as_mut_ptr(),
                work.as_mut_ptr(),
                &lwork,
                iwork.as_mut_ptr(),
                &liwork,
                &mut info,
                1,
                1,
                1,
            );
        }
        (info, m)
    };
    let mut work_query = [0.0f64; 1];
    let mut iwork_query = [0 as c_int; 1];
    let (info, _) = call(&mut work_query, -1, &mut iwork_query, -1);
    if info != 0 {
        return None;
    }
    let lwork = (work_query[0] as usize).max(26 * n);
    let liwork = (iwork_query[0] as usize).max(10 * n);
    let mut work = vec![0.0f64; lwork];
    let mut iwork = vec![0 as c_int; liwork];
    let (info, m) = call(&mut work, lwork as c_int, &mut iwork, liwork as c_int);
    if info != 0 || m as usize != n {
        return None;
    }
    let values = (0..n).rev().map(|i| w[i]).collect();
    let vectors = DMatrix::from_fn(n, n, |r, c| z[(n - 1 - c) * n + r]);
    Some((values, vectors))
}
