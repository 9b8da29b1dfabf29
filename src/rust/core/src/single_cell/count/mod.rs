//! Count traits: Poisson and negative-binomial mixed models fitted by penalised quasi-likelihood
//! (PQL) with REML on the working model, entirely at donor level (spec:
//! shared/spec/single_cell_step2.md sections 3 and 4).
//!
//! Per PQL iteration the working covariance is `Sigma = W^-1 + tau Z K Z'`; its Woodbury form
//! is the m x m "weighted stage 1" ([`working`]): per-donor weight sums, one eigendecomposition
//! of `Dw^1/2 K Dw^1/2` (closed form for `K = I`) and REML through its eigenvalues. No
//! cell-by-cell matrix is formed.
//!
//! * [`fit_count_gene`]: one gene (missing cells removed, donors without cells dropped).
//! * [`theta`]: the NB dispersion given the means.
//! * [`score`]: the donor-level score test at a converged fit and the Poisson SPA.

mod batch;
mod error;
mod glm;
mod map;
mod pql;
mod root;
pub mod score;
mod tau;
mod theta;
mod tridiagonal;
#[cfg(test)]
mod route_tests;
pub mod tolerances;
mod working;

pub use batch::{fit_count_genes, CountSource};
pub use error::{CountError, CountStatus};
pub use map::{map_count_genes, CountMapGene, CountMapResult};
pub use pql::{fit_count_gene, CountFamily, CountGeneFit, CountModel};
pub use theta::theta_ml;
