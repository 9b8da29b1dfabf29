//! lavaan's normal-theory (ML) weight matrix in vech order.

use nalgebra::DMatrix;

use super::matrices::vech_index;

/// lavaan's normal-theory weight 1/2 D'(A (x) A) D for A = Sigma^-1, in vech order.
pub fn fill_ml_weight(a: &DMatrix<f64>, out: &mut DMatrix<f64>) {
    let p = a.nrows();
    for j in 0..p {
        for i in j..p {
            let ra = vech_index(p, i, j);
            for l in 0..p {
                for k in l..p {
                    let rb = vech_index(p, k, l);
                    let f = a[(i, k)] * a[(j, l)] + a[(i, l)] * a[(j, k)];
                    let off = (i != j) as i32 + (k != l) as i32;
                    out[(ra, rb)] = f * 2f64.powi(off - 2);
                }
            }
        }
    }
}

/// Buffers for ML weights computed again and again (per SNP): the weight, Sigma^-1 and
/// scratch, sized once.
#[derive(Debug, Clone)]
pub struct MlWeightWork {
    pub w: DMatrix<f64>,
    pub(crate) inv: DMatrix<f64>,
    pub(crate) scratch: DMatrix<f64>,
}

impl MlWeightWork {
    /// Buffers for a p x p implied covariance.
    pub fn new(p: usize) -> MlWeightWork {
        let pstar = p * (p + 1) / 2;
        MlWeightWork {
            w: DMatrix::zeros(pstar, pstar),
            inv: DMatrix::zeros(p, p),
            scratch: DMatrix::zeros(p, p),
        }
    }
}

