//! Genetic relationship matrices: GCTA binary files, SAIGE-style sparse Matrix Market files,
//! and the checks a GRM must pass before it enters a mixed model.

mod error;
mod gcta;
mod lines;
mod sparse;
mod validate;

pub use error::GrmError;
pub use gcta::{gcta_paths, read_gcta_grm, GctaPaths};
pub use sparse::read_sparse_grm;
pub use validate::{check_positive_semidefinite, check_symmetric, symmetric_eigenvalue_range};

/// A dense symmetric GRM with the ids of its rows (and columns).
#[derive(Debug, Clone, PartialEq)]
pub struct Grm {
    /// Individual ids in row order. GCTA files give (FID, IID); sparse files give one id,
    /// stored as both.
    pub family_ids: Vec<String>,
    pub individual_ids: Vec<String>,
    /// m x m, column-major (and symmetric, so row-major too).
    pub values: Vec<f64>,
    /// Number of SNPs behind each entry (GCTA `.grm.N.bin`), m x m column-major, if present.
    pub n_snps: Option<Vec<f64>>,
}

impl Grm {
    pub fn n(&self) -> usize {
        self.individual_ids.len()
    }

    /// Entry (i, j); `None` outside the matrix.
    pub fn get(&self, i: usize, j: usize) -> Option<f64> {
        let m = self.n();
        if i < m && j < m {
            self.values.get(i + j * m).copied()
        } else {
            None
        }
    }
}
