//! Helpers on genetic covariance matrices and their sampling covariances: GLS regressions of
//! selected genetic covariances or correlations on predictors (`summaryGLS`,
//! `summaryGLSbands`), the model-based genetic correlation matrix and its sampling covariance
//! (`rgmodel`), and the eigenvalues behind parallel analysis (`paLDSC`).

pub mod error;
pub mod gls;
pub mod parallel_analysis;
pub mod rgmodel;

pub use error::CovarianceError;
pub use gls::{gls, GlsFit};
pub use parallel_analysis::{null_eigenvalues, NullEigenvalues};
pub use rgmodel::{rgmodel, rgmodel_syntax, RgModel};
