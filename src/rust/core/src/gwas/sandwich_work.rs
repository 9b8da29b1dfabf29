//! GenomicSEM's sandwich (D'WD)^-1 D'W V W D (D'WD)^-1 in preallocated buffers, with R's
//! `solve(tol = toler)` check on the bread, for the per-SNP loops.

use nalgebra::DMatrix;

use super::prepared::ChisqBlocks;

use crate::sem::linalg::invert_in_place;
use crate::sem::sandwich::Weight;
use crate::sem::SemError;

#[derive(Debug, Clone)]
pub struct SandwichWork {
    /// W Delta (pstar x n_free).
    wd: DMatrix<f64>,
    /// V in the model's moment order.
    v_lav: DMatrix<f64>,
    v_wd: DMatrix<f64>,
    info: DMatrix<f64>,
    bread: DMatrix<f64>,
    scratch: DMatrix<f64>,
    meat: DMatrix<f64>,
    half: DMatrix<f64>,
    /// W Delta with its rows in the caller's moment order (block path).
    wd_user: DMatrix<f64>,
    /// L' (rows of W Delta in the LD block), L the Cholesky factor of V_LD.
    lt_wd: DMatrix<f64>,
    /// C D G_s (rows of W Delta in the SNP block, scaled by D, times C).
    c_dg: DMatrix<f64>,
    /// Sandwich covariance of the free parameters after [`SandwichWork::compute`].
    pub cov: DMatrix<f64>,
}

fn norm1(m: &DMatrix<f64>) -> f64 {
    m.column_iter()
        .map(|c| c.iter().map(|x| x.abs()).sum::<f64>())
        .fold(0.0, f64::max)
}

impl SandwichWork {
    pub fn new(pstar: usize, n_free: usize) -> SandwichWork {
        let sq = || DMatrix::zeros(n_free, n_free);
        SandwichWork {
            wd: DMatrix::zeros(pstar, n_free),
            v_lav: DMatrix::zeros(pstar, pstar),
            v_wd: DMatrix::zeros(pstar, n_free),
            info: sq(),
            bread: sq(),
            scratch: sq(),
            meat: sq(),
            half: sq(),
            wd_user: DMatrix::zeros(pstar, n_free),
            lt_wd: DMatrix::zeros(pstar, n_free),
            c_dg: DMatrix::zeros(pstar, n_free),
            cov: sq(),
        }
    }

    /// `v_user` is V in the caller's vech order and `moments[a]` the caller's index of the
    /// model's moment a. With `blocks` (V unsmoothed: blockdiag(varSNPSE2, D C D, V_LD)) the
    /// meat is summed block by block instead of through the dense V.
    pub fn compute(
        &mut self,
        delta: &DMatrix<f64>,
        weight: Weight<'_>,
        v_user: &DMatrix<f64>,
        blocks: Option<(&ChisqBlocks, &[f64])>,
        moments: &[usize],
        toler: f64,
    ) -> Result<(), SemError> {
        match weight {
            Weight::Diagonal(w) => {
                for j in 0..delta.ncols() {
                    for (a, &wa) in w.iter().enumerate() {
                        self.wd[(a, j)] = wa * delta[(a, j)];
                    }
                }
            }
            Weight::Full(full) => full.mul_to(delta, &mut self.wd),
        }
        delta.tr_mul_to(&self.wd, &mut self.info);
        self.bread.copy_from(&self.info);
        let invertible = invert_in_place(&mut self.bread, &mut self.scratch);
        let rcond = if invertible {
            1.0 / (norm1(&self.info) * norm1(&self.bread))
        } else {
            0.0
        };
        if rcond.is_nan() || rcond < toler {
            return Err(SemError::NotIdentified {
                detail: format!(
                    "the information matrix D'WD is computationally singular (reciprocal \
                     condition number {rcond:.3e} is below `toler` = {toler:e})"
                ),
            });
        }
        match blocks {
            Some((blocks, d)) if moments.len() == v_user.nrows() => {
                self.meat_by_blocks(blocks, d, moments)
            }
            _ => {
                for (b, &mb) in moments.iter().enumerate() {
                    for (a, &ma) in moments.iter().enumerate() {
                        self.v_lav[(a, b)] = v_user[(ma, mb)];
                    }
                }
                self.v_lav.mul_to(&self.wd, &mut self.v_wd);
                self.wd.tr_mul_to(&self.v_wd, &mut self.meat);
            }
        }
        self.bread.mul_to(&self.meat, &mut self.half);
        self.half.mul_to(&self.bread, &mut self.cov);
        Ok(())
    }

    /// meat = G' V G with G = W Delta in the caller's order and V block diagonal:
    /// varSNPSE2 g0 g0' + (D G_s)' C (D G_s) + (L' G_ld)' (L' G_ld).
    fn meat_by_blocks(&mut self, blocks: &ChisqBlocks, d: &[f64], moments: &[usize]) {
        let (pstar, nf) = self.wd.shape();
        let k = d.len();
        for j in 0..nf {
            for (a, &m) in moments.iter().enumerate() {
                self.wd_user[(m, j)] = self.wd[(a, j)];
            }
        }
        let g = &self.wd_user;
        let l = &blocks.v_ld_chol;
        let kst = pstar - 1 - k;
        for j in 0..nf {
            for a in 0..kst {
                // (L' G)[a, j] = sum_{b >= a} L[b, a] G[b, j]
                let mut acc = 0.0;
                for b in a..kst {
                    acc += l[(b, a)] * g[(1 + k + b, j)];
                }
                self.lt_wd[(a, j)] = acc;
            }
            for x in 0..k {
                self.v_wd[(x, j)] = d[x] * g[(1 + x, j)];
            }
        }
        // C (D G_s), once per column rather than once per pair of columns.
        let c = &blocks.c;
        for j in 0..nf {
            for x in 0..k {
                let mut row = 0.0;
                for y in 0..k {
                    row += c[(x, y)] * self.v_wd[(y, j)];
                }
                self.c_dg[(x, j)] = row;
            }
        }
        for i in 0..nf {
            for j in 0..=i {
                let mut m = blocks.var_snp_se2 * g[(0, i)] * g[(0, j)];
                for a in 0..kst {
                    m += self.lt_wd[(a, i)] * self.lt_wd[(a, j)];
                }
                for x in 0..k {
                    m += self.v_wd[(x, i)] * self.c_dg[(x, j)];
                }
                self.meat[(i, j)] = m;
                self.meat[(j, i)] = m;
            }
        }
    }
}
