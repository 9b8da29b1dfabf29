//! Shared by the single_cell_association test targets: a small generator, the error type
//! map_group is called with, and one null fit of a simulated data set.
#![allow(dead_code)]

use gsem_core::parallel::CancelToken;
use gsem_core::single_cell::association::AssociationError;
use gsem_core::single_cell::{fit_null_sc, Design, DonorKernel, Expression, FitOptions, NullFits};

pub struct Lcg(pub u64);
impl Lcg {
    pub fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 11) as f64) / ((1u64 << 53) as f64)
    }
}

#[derive(Debug)]
#[allow(dead_code)]
pub struct Failure(pub String);
impl From<AssociationError> for Failure {
    fn from(e: AssociationError) -> Self {
        Failure(e.to_string())
    }
}
impl From<gsem_core::error::Cancelled> for Failure {
    fn from(_: gsem_core::error::Cancelled) -> Self {
        Failure("cancelled".into())
    }
}

/// The null fit with K = I, or with the dense kernel `kvec`.
pub fn fit_one(
    donor: &[usize],
    m: usize,
    dense: bool,
    kvec: &[f64],
    design: &Design<'_>,
    expr: &Expression<'_>,
) -> NullFits {
    let kernel = if dense {
        DonorKernel::Dense(kvec)
    } else {
        DonorKernel::Identity
    };
    fit_null_sc(
        donor,
        m,
        kernel,
        design,
        expr,
        &FitOptions::default(),
        &CancelToken::new(),
    )
    .unwrap()
}
