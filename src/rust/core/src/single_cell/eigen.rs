//! Dense symmetric eigendecomposition (faer, run on the caller's rayon pool).
//!
//! faer's divide-and-conquer solver was measured against nalgebra's `symmetric_eigen` at
//! m = 1,611 on the project's 2-core machine: 0.47 s (1 thread) / 0.29 s (2 threads) versus
//! 2.6 s, which is what keeps stage 1 within its 2 s budget.

use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::evd::{self_adjoint_evd, self_adjoint_evd_scratch, ComputeEigenvectors};
use faer::{MatRef, Par};

pub(crate) fn parallelism() -> Par {
    if rayon::current_num_threads() > 1 {
        Par::rayon(0)
    } else {
        Par::Seq
    }
}

fn decompose(values: &[f64], m: usize, vectors: bool) -> Option<(Vec<f64>, Option<Vec<f64>>)> {
    if values.len() != m * m || values.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let a = MatRef::from_column_major_slice(values, m, m);
    let par = parallelism();
    let compute = if vectors {
        ComputeEigenvectors::Yes
    } else {
        ComputeEigenvectors::No
    };
    let scratch = self_adjoint_evd_scratch::<f64>(m, compute, par, Default::default());
    let mut buffer = MemBuffer::try_new(scratch).ok()?;
    let mut s = faer::diag::Diag::<f64>::zeros(m);
    let mut u = if vectors {
        Some(faer::Mat::<f64>::zeros(m, m))
    } else {
        None
    };
    self_adjoint_evd(
        a,
        s.as_mut(),
        u.as_mut().map(|u| u.as_mut()),
        par,
        MemStack::new(&mut buffer),
        Default::default(),
    )
    .ok()?;
    // Free the solver's scratch (three m x m matrices, 62 MB at m = 1,611) before copying U
    // out, so the copy does not raise the peak.
    drop(buffer);
    let eigenvalues: Vec<f64> = (0..m).map(|i| s[i]).collect();
    let Some(u) = u else {
        return Some((eigenvalues, None));
    };
    let mut eigenvectors = Vec::with_capacity(m * m);
    for j in 0..m {
        eigenvectors.extend_from_slice(u.col(j).try_as_col_major()?.as_slice());
    }
    Some((eigenvalues, Some(eigenvectors)))
}

/// Eigenvalues (ascending) of the symmetric m x m matrix, reading its lower triangle.
/// `None` if the input holds non-finite values or the solver fails to converge.
pub fn symmetric_eigenvalues(values: &[f64], m: usize) -> Option<Vec<f64>> {
    decompose(values, m, false).map(|(s, _)| s)
}

/// Eigenvalues (ascending) and eigenvectors (m x m column-major, one per column).
pub fn symmetric_eigen(values: &[f64], m: usize) -> Option<(Vec<f64>, Vec<f64>)> {
    match decompose(values, m, true)? {
        (s, Some(u)) => Some((s, u)),
        _ => None,
    }
}
