//! The exact score test of one gene at the donor level (spec step 2, section 2).
//!
//! The cell-level genotype Z g lies in the span of Q1 = Z D^-1/2 U, with coordinates
//! g~ = U' D^1/2 g, so with q_i = 1 / (1 + tau lambda_i):
//!   (Zg)' H^-1 a = g~' diag(q) a~,   (Zg)' H^-1 X = g~' diag(q) X~,
//! and with the REML null (tau, s2e), e~ = y~ - X~ b, M = X'H^-1X = L L':
//!   T      = g~' (q o e~) / s2e
//!   Var(T) = [ sum_i q_i g~_i^2 - || L^-1 X~' diag(q) g~ ||^2 ] / s2e
//! (equal to the spec's sum c g^2 - sum w g~^2 - (B'g)' C (B'g), since 1 - w = q and
//! ||g~||^2 = g'Dg). After the gene's O(m p^2) preparation each variant costs O(m p).

use super::super::dense::{cholesky_in_place, cholesky_solve};
use super::super::stage1::DonorEigensystem;
use super::super::tolerances::GENOTYPE_EXPLAINED_RELATIVE;
use super::stacked::{test_stacked, StackedGene, StackedScratch};

/// One gene's null quantities at the donor level.
#[derive(Debug, Clone)]
pub struct GeneScore {
    /// q_i = 1 / (1 + tau lambda_i).
    pub q: Vec<f64>,
    /// m x (p + 1) column-major: column 0 is q o e~ / s2e, columns 1..=p are
    /// diag(q) X~ L^-T (so that its columns' products with g~ give L^-1 X~' diag(q) g~).
    pub weights: Vec<f64>,
    pub s2e: f64,
    pub p: usize,
}

/// The statistics of one variant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VariantTest {
    pub tstat: f64,
    pub var: f64,
}

impl GeneScore {
    /// Prepare a gene from stage 1 (`sys`, clamped eigenvalues `lambda`), its statistics
    /// `stats` = (y~ (m), Xw'y (p), yw'yw) and its null (tau, s2e). `None` when X'H^-1X is
    /// not positive definite or the inputs do not fit together.
    pub fn new(
        sys: &DonorEigensystem,
        lambda: &[f64],
        stats: &[f64],
        tau: f64,
        s2e: f64,
    ) -> Option<Self> {
        let (m, p) = (sys.n_donors, sys.n_columns);
        if stats.len() < m + p
            || lambda.len() != m
            || s2e.is_nan()
            || s2e <= 0.0
            || tau.is_nan()
            || tau < 0.0
        {
            return None;
        }
        let (y_rot, xty_within) = (&stats[..m], &stats[m..m + p]);
        let x_rot = &sys.x_rotated;
        let q: Vec<f64> = lambda.iter().map(|&l| 1.0 / (1.0 + tau * l)).collect();
        // M = Xw'Xw + X~' diag(q) X~ and X'H^-1 y = Xw'y + X~' diag(q) y~.
        let mut chol = sys.xtx_within.clone();
        let mut beta = xty_within.to_vec();
        for a in 0..p {
            let xa = &x_rot[a * m..(a + 1) * m];
            beta[a] += (0..m).map(|i| xa[i] * q[i] * y_rot[i]).sum::<f64>();
            for b in a..p {
                let xb = &x_rot[b * m..(b + 1) * m];
                let s: f64 = (0..m).map(|i| xa[i] * q[i] * xb[i]).sum();
                chol[a + b * p] += s;
                if a != b {
                    chol[b + a * p] += s;
                }
            }
        }
        if !cholesky_in_place(&mut chol, p) {
            return None;
        }
        cholesky_solve(&chol, p, &mut beta);
        let mut weights = vec![0.0; m * (p + 1)];
        for i in 0..m {
            let fitted: f64 = (0..p).map(|a| x_rot[i + a * m] * beta[a]).sum();
            weights[i] = q[i] * (y_rot[i] - fitted) / s2e;
        }
        // Rows of diag(q) X~ L^-T: solve L z = (q_i x~_i) for each donor i.
        let mut row = vec![0.0; p];
        for i in 0..m {
            for a in 0..p {
                let mut s = q[i] * x_rot[i + a * m];
                for k in 0..a {
                    s -= chol[a + k * p] * row[k];
                }
                row[a] = s / chol[a + a * p];
            }
            for a in 0..p {
                weights[i + (a + 1) * m] = row[a];
            }
        }
        Some(GeneScore { q, weights, s2e, p })
    }

    /// Test the variants whose projected genotypes g~ are the columns of `projected`
    /// (m x k column-major), one result per column into `out`: the stacked product of
    /// [`test_stacked`] with this gene alone (the same bits as within any stack).
    pub fn test_block(
        &self,
        projected: &[f64],
        k: usize,
        scratch: &mut StackedScratch,
        out: &mut Vec<VariantTest>,
    ) {
        let m = self.q.len();
        let gene = StackedGene {
            score: self,
            from: 0,
            to: k,
        };
        test_stacked(&[gene], &projected[..m * k], m, scratch, out);
    }

    /// A variant's statistics from `h` = (weights' g~ (p + 1 values), sum_i q_i g~_i^2).
    pub fn finish(&self, h: &[f64]) -> VariantTest {
        let w = self.p + 1;
        let quad = h[w];
        let adjust: f64 = h[1..w].iter().map(|x| x * x).sum();
        let var = quad - adjust;
        if var > GENOTYPE_EXPLAINED_RELATIVE * quad {
            VariantTest {
                tstat: h[0],
                var: var / self.s2e,
            }
        } else {
            VariantTest {
                tstat: f64::NAN,
                var: f64::NAN,
            }
        }
    }
}
