//! The per-SNP entry point `Model::refit` allocates nothing (counted with a wrapping global
//! allocator, on the calling thread only: the test harness's own threads may allocate at any
//! time, which made a global count fail on a loaded machine), for DWLS and for ML.

mod sem_common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

use gsem_core::sem::{Estimator, Model};
use nalgebra::DMatrix;
use sem_common::{num, read_tsv};

struct Counting;
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// Set on the thread whose allocations are counted (const-initialised: reading it does
    /// not allocate).
    static COUNTED: Cell<bool> = const { Cell::new(false) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTED.try_with(Cell::get).unwrap_or(false) {
            ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        }
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn refit_does_not_allocate() {
    let (names, rows) = read_tsv("gwas_S.tsv");
    let k = names.len();
    let s = DMatrix::from_fn(k, k, |i, j| num(&rows[i][j]));
    let (_, w) = read_tsv("gwas_W.tsv");
    let w: Vec<f64> = w.iter().map(|r| num(&r[0])).collect();
    for (estimator, model) in [
        (
            Estimator::Dwls,
            "F1 =~ NA*T1 + T2 + T3 + T4 + T5\nF1 ~ SNP\nF1 ~~ 1*F1\nSNP ~~ SNP",
        ),
        (
            Estimator::Ml,
            "F1 =~ NA*T1 + T2 + T3 + T4 + T5\nF1 ~ SNP\nF1 ~~ 1*F1",
        ),
    ] {
        let mut m = Model::new(model, &names, estimator, false).unwrap();
        m.fit(s.as_slice(), &w).unwrap();
        let start = m.theta().to_vec();
        let mut s2 = s.clone();
        for j in 0..5 {
            s2[(5, j)] *= 0.8;
            s2[(j, 5)] *= 0.8;
        }
        let before = ALLOCATIONS.load(Ordering::SeqCst);
        COUNTED.with(|c| c.set(true));
        for _ in 0..10 {
            m.refit(s2.as_slice(), &w, &start).unwrap();
        }
        COUNTED.with(|c| c.set(false));
        let after = ALLOCATIONS.load(Ordering::SeqCst);
        assert_eq!(after - before, 0, "{estimator:?}: refit allocated");
    }
}
