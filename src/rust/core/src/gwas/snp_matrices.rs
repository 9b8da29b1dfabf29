//! S_Full and V_Full of one SNP as GenomicSEM builds them, with its smoothing rule: a matrix
//! whose smallest eigenvalue is <= 0 is replaced by `Matrix::nearPD()`.
//!
//! V_Full = blockdiag(varSNPSE2, V_SNP, V_LD) with V_SNP = D C D, where C is the intercept
//! matrix with a unit diagonal (fixed) and D = diag(SE_x g(I_xx) varSNP). So V_Full is
//! positive definite exactly when C and V_LD are (decided once) and every D_x > 0; S_Full is
//! when S_LD is and the Schur complement varSNP - s' S_LD^-1 s is positive. Only SNPs that
//! fail these cheap tests pay for an eigen decomposition and nearPD.

use nalgebra::DMatrix;

use super::inputs::{CovStruc, GcMode, SnpColumns};
use super::prepared::{eigen_inverse, ChisqBlocks};
use crate::sem::nearpd::{min_eigenvalue, nearpd};
use crate::sem::{Estimator, Model, SemError};

/// The SNP-independent pieces, computed once per run.
#[derive(Debug, Clone)]
pub struct SnpMatrices {
    k: usize,
    pub s_ld: DMatrix<f64>,
    pub v_ld: DMatrix<f64>,
    /// Intercepts with a unit diagonal (missing off-diagonal intercepts count as 0).
    c: DMatrix<f64>,
    /// g(max(I_xx, 1)) per trait.
    g: Vec<f64>,
    var_snp_se2: f64,
    fixed_blocks_pd: bool,
    s_ld_inverse: Option<DMatrix<f64>>,
    /// Compute `z_smooth` (GenomicSEM's `smooth_check`).
    smooth_check: bool,
}

/// One SNP's matrices (buffers reused from SNP to SNP).
#[derive(Debug, Clone)]
pub struct FullSnp {
    /// (k+1) x (k+1), SNP first, then the traits.
    pub s_full: DMatrix<f64>,
    /// Sampling covariance of vech(S_Full), in that (user) order.
    pub v_full: DMatrix<f64>,
    /// V_SNP before any smoothing (Q_SNP uses it).
    pub v_snp: DMatrix<f64>,
    pub v_smoothed: bool,
    pub s_smoothed: bool,
    /// GenomicSEM's `Z_smooth`: the largest change of a SNP-trait Z by smoothing (0 if none).
    pub z_smooth: f64,
    /// D_x = SE_x g(I_xx) varSNP (V_SNP = D C D).
    pub d: Vec<f64>,
    /// `v_full` holds the previous SNP's unsmoothed matrix: its zeros and V_LD block, which
    /// no SNP changes, need not be written again.
    fixed_blocks_written: bool,
}

impl FullSnp {
    pub fn new(k: usize) -> FullSnp {
        let p = (k + 1) * (k + 2) / 2;
        FullSnp {
            s_full: DMatrix::zeros(k + 1, k + 1),
            v_full: DMatrix::zeros(p, p),
            v_snp: DMatrix::zeros(k, k),
            v_smoothed: false,
            s_smoothed: false,
            z_smooth: 0.0,
            d: vec![0.0; k],
            fixed_blocks_written: false,
        }
    }
}

/// One SNP's matrices and the model's DWLS weights 1/diag(V_Full), per thread.
#[derive(Debug, Clone)]
pub struct SnpWork {
    pub full: FullSnp,
    v_diag: Vec<f64>,
    /// Weights in the model's moment order (unused under ML).
    pub w: Vec<f64>,
}

impl SnpWork {
    pub fn new(k: usize, model: &Model) -> SnpWork {
        SnpWork {
            full: FullSnp::new(k),
            v_diag: Vec::new(),
            w: vec![0.0; model.moments().len()],
        }
    }

    /// [`SnpMatrices::fill`], then (DWLS) the weights.
    pub fn fill(
        &mut self,
        matrices: &SnpMatrices,
        model: &Model,
        cols: &SnpColumns<'_>,
        snp: usize,
    ) -> Result<(), SemError> {
        matrices.fill(cols, snp, &mut self.full)?;
        let v = &self.full.v_full;
        self.v_diag.clear();
        self.v_diag.extend((0..v.nrows()).map(|a| v[(a, a)]));
        if model.estimator() == Estimator::Dwls {
            model.fill_dwls_weights(&self.v_diag, &mut self.w)?;
        }
        Ok(())
    }
}

impl SnpMatrices {
    /// `s_ld` and `v_ld` are the (possibly already smoothed) LD-block matrices to use.
    pub fn new(
        cov: &CovStruc,
        s_ld: DMatrix<f64>,
        v_ld: DMatrix<f64>,
        gc: GcMode,
        var_snp_se2: f64,
    ) -> SnpMatrices {
        let k = cov.k();
        let mut c = DMatrix::zeros(k, k);
        let mut g = vec![1.0; k];
        for x in 0..k {
            g[x] = gc.scale(cov.i[(x, x)].max(1.0));
            for y in 0..k {
                let value = cov.i[(x, y)];
                c[(x, y)] = if x == y {
                    1.0
                } else if value.is_finite() {
                    value
                } else {
                    0.0
                };
            }
        }
        let fixed_blocks_pd = min_eigenvalue(&c) > 0.0 && min_eigenvalue(&v_ld) > 0.0;
        let s_ld_inverse = if min_eigenvalue(&s_ld) > 0.0 {
            s_ld.clone().try_inverse()
        } else {
            None
        };
        SnpMatrices {
            k,
            s_ld,
            v_ld,
            c,
            g,
            var_snp_se2,
            fixed_blocks_pd,
            s_ld_inverse,
            smooth_check: false,
        }
    }

    /// Also report `z_smooth` for every SNP.
    pub fn with_smooth_check(mut self, on: bool) -> SnpMatrices {
        self.smooth_check = on;
        self
    }

    pub fn k(&self) -> usize {
        self.k
    }

    /// The fixed blocks behind the per-SNP chi-squares and sandwich (used only while V_Full
    /// is unsmoothed; `None` when V_LD or C is not positive definite, as then every SNP's
    /// V_Full is smoothed).
    pub fn chisq_blocks(&self) -> Option<ChisqBlocks> {
        if !self.fixed_blocks_pd {
            return None;
        }
        let v_ld_chol_t = self.v_ld.clone().cholesky()?.l().transpose();
        Some(ChisqBlocks {
            var_snp_se2: self.var_snp_se2,
            c: self.c.clone(),
            c_inv: eigen_inverse(&self.c),
            v_ld_inv: eigen_inverse(&self.v_ld),
            v_ld_chol_t,
        })
    }

    /// C^-1 restricted to the traits `ind` (for Q_SNP).
    pub fn c_inverse_of(&self, ind: &[usize]) -> DMatrix<f64> {
        eigen_inverse(&DMatrix::from_fn(ind.len(), ind.len(), |a, b| {
            self.c[(ind[a], ind[b])]
        }))
    }

    /// GC factor of trait x.
    pub fn gc_scale(&self, x: usize) -> f64 {
        self.g[x]
    }

    /// Fills `out` for SNP `snp` (with `z_smooth` when asked for at construction).
    pub fn fill(
        &self,
        cols: &SnpColumns<'_>,
        snp: usize,
        out: &mut FullSnp,
    ) -> Result<(), SemError> {
        let k = self.k;
        let var_snp = cols.var_snp[snp];
        if !(var_snp.is_finite() && var_snp > 0.0) {
            return Err(SemError::BadInput {
                what: format!("the SNP variance 2*MAF*(1-MAF) is {var_snp}, not positive"),
            });
        }
        for x in 0..k {
            let (b, se) = (cols.beta(snp, x), cols.se(snp, x));
            if !b.is_finite() || !se.is_finite() {
                return Err(SemError::BadInput {
                    what: "the SNP has a missing beta or SE".to_string(),
                });
            }
            out.d[x] = se * self.g[x] * var_snp;
        }
        self.fill_s(cols, snp, var_snp, out);
        self.fill_v(out);
        out.v_smoothed = false;
        if !(self.fixed_blocks_pd && self.var_snp_se2 > 0.0 && out.d.iter().all(|&d| d > 0.0))
            && min_eigenvalue(&out.v_full) <= 0.0
        {
            out.v_full = nearpd(&out.v_full)?.mat;
            out.v_smoothed = true;
            out.fixed_blocks_written = false;
        }
        out.s_smoothed = false;
        if !self.s_full_positive_definite(&out.s_full) {
            out.s_full = nearpd(&out.s_full)?.mat;
            out.s_smoothed = true;
        }
        out.z_smooth = 0.0;
        if self.smooth_check && (out.v_smoothed || out.s_smoothed) {
            for x in 0..k {
                let z_pre = cols.beta(snp, x) / (cols.se(snp, x) * self.g[x]);
                let z_post = out.s_full[(x + 1, 0)] / out.v_full[(x + 1, x + 1)].sqrt();
                out.z_smooth = out.z_smooth.max((z_post - z_pre).abs());
            }
        }
        Ok(())
    }

    fn fill_s(&self, cols: &SnpColumns<'_>, snp: usize, var_snp: f64, out: &mut FullSnp) {
        let k = self.k;
        out.s_full[(0, 0)] = var_snp;
        for x in 0..k {
            let cov = var_snp * cols.beta(snp, x);
            out.s_full[(x + 1, 0)] = cov;
            out.s_full[(0, x + 1)] = cov;
            for y in 0..k {
                out.s_full[(x + 1, y + 1)] = self.s_ld[(x, y)];
            }
        }
    }

    fn fill_v(&self, out: &mut FullSnp) {
        let k = self.k;
        if !out.fixed_blocks_written {
            out.v_full.fill(0.0);
            let kst = self.v_ld.nrows();
            for a in 0..kst {
                for b in 0..kst {
                    out.v_full[(k + 1 + a, k + 1 + b)] = self.v_ld[(a, b)];
                }
            }
            out.fixed_blocks_written = true;
        }
        out.v_full[(0, 0)] = self.var_snp_se2;
        for x in 0..k {
            for y in 0..k {
                let v = out.d[x] * self.c[(x, y)] * out.d[y];
                out.v_snp[(x, y)] = v;
                out.v_full[(1 + x, 1 + y)] = v;
            }
        }
    }

    /// Positive definiteness of S_Full from the Schur complement when S_LD is PD, else from
    /// the eigenvalues (GenomicSEM's test: smallest eigenvalue > 0).
    fn s_full_positive_definite(&self, s_full: &DMatrix<f64>) -> bool {
        let Some(inverse) = &self.s_ld_inverse else {
            return min_eigenvalue(s_full) > 0.0;
        };
        let k = self.k;
        let mut quad = 0.0;
        for x in 0..k {
            let mut row = 0.0;
            for y in 0..k {
                row += inverse[(x, y)] * s_full[(y + 1, 0)];
            }
            quad += s_full[(x + 1, 0)] * row;
        }
        s_full[(0, 0)] - quad > 0.0
    }
}
