//! GenomicSEM's sandwich (D'WD)^-1 D'W V W D (D'WD)^-1 in preallocated buffers, with R's
//! `solve(tol = toler)` check on the bread, for the per-SNP loops.

use nalgebra::DMatrix;

use super::prepared::ChisqBlocks;
use super::sandwich_absorbed::AbsorbedScratch;

use crate::sem::cholesky::{cholesky_lower, cholesky_solve_lower, inverse_norm1_bound, norm1};
use crate::sem::linalg::{dot, invert_in_place, spd_invert_in_place};
use crate::sem::sandwich::Weight;
use crate::sem::SemError;

#[derive(Debug, Clone)]
pub struct SandwichWork {
    /// W Delta (pstar x n_free).
    pub(super) wd: DMatrix<f64>,
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
    /// W Delta B[:, wanted] ([`SandwichWork::compute_selected`]; first columns used).
    pub(super) u: DMatrix<f64>,
    pub(super) absorbed: AbsorbedScratch,
    /// Scratch of the bound on the bread's norm.
    bound_scratch: Vec<f64>,
    /// Sandwich covariance of the free parameters after [`SandwichWork::compute`].
    pub cov: DMatrix<f64>,
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
            u: DMatrix::zeros(pstar, n_free),
            absorbed: AbsorbedScratch::new(pstar, n_free),
            bound_scratch: vec![0.0; n_free],
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
        self.bread(delta, weight, toler, None)?;
        let nf = self.wd.ncols();
        self.meat_of_wd(v_user, blocks, moments, nf);
        self.bread.mul_to(&self.meat, &mut self.half);
        self.half.mul_to(&self.bread, &mut self.cov);
        Ok(())
    }

    /// [`SandwichWork::compute`] for the free parameters `wanted` only: `cov[(i, j)]` for i, j
    /// in `wanted` (other entries are left as they were). The sandwich restricted to those
    /// rows is B_w' (G' V G) B_w = U' V U with U = G B_w, so the meat is formed for |wanted|
    /// columns instead of all free parameters and the two n_free^3 products are skipped
    /// (the same sums in another order: equal to [`SandwichWork::compute`] to rounding).
    #[allow(clippy::too_many_arguments)]
    pub fn compute_selected(
        &mut self,
        delta: &DMatrix<f64>,
        weight: Weight<'_>,
        v_user: &DMatrix<f64>,
        blocks: Option<(&ChisqBlocks, &[f64])>,
        moments: &[usize],
        toler: f64,
        wanted: &[usize],
    ) -> Result<(), SemError> {
        self.bread(delta, weight, toler, Some(wanted))?;
        let (pstar, nf) = self.wd.shape();
        for (c, &j) in wanted.iter().enumerate() {
            let b = &self.bread.as_slice()[j * nf..(j + 1) * nf];
            for a in 0..pstar {
                let mut acc = 0.0;
                for (l, &bl) in b.iter().enumerate() {
                    acc += self.wd[(a, l)] * bl;
                }
                self.u[(a, c)] = acc;
            }
        }
        self.meat_of_u(v_user, blocks, moments, wanted);
        Ok(())
    }

    /// cov[(i, j)] for i, j in `wanted` from U (the first |wanted| columns of `u`): U' V U.
    pub(super) fn meat_of_u(
        &mut self,
        v_user: &DMatrix<f64>,
        blocks: Option<(&ChisqBlocks, &[f64])>,
        moments: &[usize],
        wanted: &[usize],
    ) {
        // The meat routine reads W Delta from `wd`: hand it U for the selected columns.
        std::mem::swap(&mut self.wd, &mut self.u);
        self.meat_of_wd(v_user, blocks, moments, wanted.len());
        std::mem::swap(&mut self.wd, &mut self.u);
        for (c1, &i) in wanted.iter().enumerate() {
            for (c2, &j) in wanted.iter().enumerate() {
                self.cov[(i, j)] = self.meat[(c1, c2)];
            }
        }
    }

    /// W Delta into `wd`, the information Delta' W Delta and its inverse (the bread), with
    /// R's `solve(tol = toler)` check. With `wanted`, only those columns of the bread are
    /// formed when the check can be settled without the inverse (see [`Self::selected_bread`]).
    fn bread(
        &mut self,
        delta: &DMatrix<f64>,
        weight: Weight<'_>,
        toler: f64,
        wanted: Option<&[usize]>,
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
        // D'WD is symmetric: each entry once, mirrored.
        let (pstar, nf) = self.wd.shape();
        for i in 0..nf {
            let di = &delta.as_slice()[i * pstar..(i + 1) * pstar];
            for j in 0..=i {
                let wdj = &self.wd.as_slice()[j * pstar..(j + 1) * pstar];
                let v = dot(di, wdj);
                self.info[(i, j)] = v;
                self.info[(j, i)] = v;
            }
        }
        if let Some(wanted) = wanted {
            if self.selected_bread(toler, wanted) {
                return Ok(());
            }
        }
        self.bread.copy_from(&self.info);
        // D'WD is symmetric positive definite unless (nearly) singular: Cholesky first,
        // Gauss-Jordan (the general rule's verdict) only when that fails.
        let invertible = spd_invert_in_place(&mut self.bread, &mut self.scratch)
            || invert_in_place(&mut self.bread, &mut self.scratch);
        let rcond = if invertible {
            1.0 / (norm1(self.info.as_slice(), nf) * norm1(self.bread.as_slice(), nf))
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
        Ok(())
    }

    /// The columns `wanted` of the bread by Cholesky solves, when D'WD is positive definite
    /// and the reciprocal condition number is shown to clear `toler` by an upper bound on
    /// ||(D'WD)^-1||_1: the exact check (on the full inverse) then passes too, so its
    /// verdict is unchanged. Returns false to leave it to the full inverse.
    fn selected_bread(&mut self, toler: f64, wanted: &[usize]) -> bool {
        let nf = self.info.nrows();
        let l = self.scratch.as_mut_slice();
        if !cholesky_lower(self.info.as_slice(), nf, l) {
            return false;
        }
        let y = &mut self.bound_scratch[..nf];
        let rcond_floor = 1.0 / (norm1(self.info.as_slice(), nf) * inverse_norm1_bound(l, nf, y));
        if !(rcond_floor >= toler) {
            return false;
        }
        for &j in wanted {
            let column = &mut self.bread.as_mut_slice()[j * nf..(j + 1) * nf];
            column.fill(0.0);
            column[j] = 1.0;
            cholesky_solve_lower(l, nf, column);
        }
        true
    }

    /// meat[..nc, ..nc] = G' V G for the first `nc` columns G of `wd` (lavaan's moment order).
    fn meat_of_wd(
        &mut self,
        v_user: &DMatrix<f64>,
        blocks: Option<(&ChisqBlocks, &[f64])>,
        moments: &[usize],
        nc: usize,
    ) {
        match blocks {
            Some((blocks, d)) if moments.len() == v_user.nrows() => {
                self.meat_by_blocks(blocks, d, moments, nc)
            }
            _ => {
                for (b, &mb) in moments.iter().enumerate() {
                    for (a, &ma) in moments.iter().enumerate() {
                        self.v_lav[(a, b)] = v_user[(ma, mb)];
                    }
                }
                if nc == self.wd.ncols() {
                    self.v_lav.mul_to(&self.wd, &mut self.v_wd);
                    self.wd.tr_mul_to(&self.v_wd, &mut self.meat);
                    return;
                }
                let pstar = self.wd.nrows();
                for j in 0..nc {
                    for a in 0..pstar {
                        let mut acc = 0.0;
                        for b in 0..pstar {
                            acc += self.v_lav[(a, b)] * self.wd[(b, j)];
                        }
                        self.v_wd[(a, j)] = acc;
                    }
                }
                for i in 0..nc {
                    for j in 0..nc {
                        let mut acc = 0.0;
                        for a in 0..pstar {
                            acc += self.wd[(a, i)] * self.v_wd[(a, j)];
                        }
                        self.meat[(i, j)] = acc;
                    }
                }
            }
        }
    }

    /// meat = G' V G with G = W Delta in the caller's order and V block diagonal:
    /// varSNPSE2 g0 g0' + (D G_s)' C (D G_s) + (L' G_ld)' (L' G_ld). Flat column-major
    /// slices (every sum in index order, as written): these loops run twice per SNP.
    fn meat_by_blocks(&mut self, blocks: &ChisqBlocks, d: &[f64], moments: &[usize], nf: usize) {
        let pstar = self.wd.nrows();
        let k = d.len();
        let kst = pstar - 1 - k;
        let wd = self.wd.as_slice();
        let g_all = self.wd_user.as_mut_slice();
        for j in 0..nf {
            let (src, dst) = (&wd[j * pstar..][..pstar], &mut g_all[j * pstar..][..pstar]);
            for (a, &m) in moments.iter().enumerate() {
                dst[m] = src[a];
            }
        }
        let g = self.wd_user.as_slice();
        let lt_chol = &blocks.v_ld_chol_t.as_slice()[..kst * kst];
        let c = &blocks.c.as_slice()[..k * k];
        let (lt_all, dg_all, cdg_all) = (
            self.lt_wd.as_mut_slice(),
            self.v_wd.as_mut_slice(),
            self.c_dg.as_mut_slice(),
        );
        // Each sum below is formed as independent running sums (one per output entry) over
        // the same terms in the same order as a dot product would add them: no dependency
        // chain per entry, the same bits.
        for j in 0..nf {
            let gj = &g[j * pstar..][..pstar];
            let g_ld = &gj[1 + k..][..kst];
            // (L' G)[a, j] = sum_{b >= a} L[b, a] G[b, j], b ascending.
            let lt = &mut lt_all[j * pstar..][..kst];
            lt.fill(0.0);
            for (b, &gb) in g_ld.iter().enumerate() {
                let row_b = &lt_chol[b * kst..][..=b];
                for (out, &lba) in lt[..=b].iter_mut().zip(row_b) {
                    *out += lba * gb;
                }
            }
            let dg = &mut dg_all[j * pstar..][..k];
            for x in 0..k {
                dg[x] = d[x] * gj[1 + x];
            }
            // C (D G_s), once per column rather than once per pair of columns.
            let cdg = &mut cdg_all[j * pstar..][..k];
            cdg.fill(0.0);
            for (y, &dgy) in dg.iter().enumerate() {
                for (out, &cxy) in cdg.iter_mut().zip(&c[y * k..][..k]) {
                    *out += cxy * dgy;
                }
            }
        }
        let (lt_all, dg_all, cdg_all) = (
            self.lt_wd.as_slice(),
            self.v_wd.as_slice(),
            self.c_dg.as_slice(),
        );
        let nm = self.meat.nrows();
        let meat = self.meat.as_mut_slice();
        for i in 0..nf {
            let (lt_i, dg_i) = (&lt_all[i * pstar..][..kst], &dg_all[i * pstar..][..k]);
            for j in 0..=i {
                let (lt_j, cdg_j) = (&lt_all[j * pstar..][..kst], &cdg_all[j * pstar..][..k]);
                let mut m = blocks.var_snp_se2 * g[i * pstar] * g[j * pstar];
                for a in 0..kst {
                    m += lt_i[a] * lt_j[a];
                }
                for x in 0..k {
                    m += dg_i[x] * cdg_j[x];
                }
                meat[j * nm + i] = m;
                meat[i * nm + j] = m;
            }
        }
    }
}
