//! Weighted multiple regression of chi-square (or Z1*Z2) on the annotation LD scores plus an
//! intercept, with the delete-one-block jackknife: GenomicSEM sums per-block cross-products,
//! solves the full system, then re-solves it once per deleted block.

use faer::linalg::matmul::matmul;
use faer::{Accum, MatMut, MatRef, Par};
use nalgebra::{DMatrix, DVector};

/// The full fit and the delete-one-block fits, each of length `p + 1` (intercept last).
pub struct BlockFit {
    pub reg: Vec<f64>,
    /// `n_blocks` rows.
    pub deleted: Vec<Vec<f64>>,
}

/// Fit with `p` regressors. `row(i, x)` writes row i's unweighted regressors into `x`
/// (length p) and returns `(weight, y)`; the regressors and y are multiplied by the weight
/// and an intercept column equal to the weight is appended. `None` when a system is singular.
pub fn fit_blocks(
    blocks: &[(usize, usize)],
    p: usize,
    row: impl Fn(usize, &mut [f64]) -> (f64, f64),
) -> Option<BlockFit> {
    let q = p + 1;
    let mut x = vec![0.0; p];
    let mut per_block: Vec<(DMatrix<f64>, DVector<f64>)> = Vec::with_capacity(blocks.len());
    let mut xb: Vec<f64> = Vec::new();
    for &(start, end) in blocks {
        let n = end - start;
        // Column-major n x (q + 1): the weighted regressors, the intercept, then y.
        xb.clear();
        xb.resize(n * (q + 1), 0.0);
        for (j, i) in (start..end).enumerate() {
            let (w, yi) = row(i, &mut x);
            for a in 0..p {
                xb[a * n + j] = x[a] * w;
            }
            xb[p * n + j] = w;
            xb[q * n + j] = yi * w;
        }
        // One product gives X'X and X'y: [X y]' X.
        let mut prod = vec![0.0; (q + 1) * q];
        let all = MatRef::from_column_major_slice(&xb, n, q + 1);
        let xs = MatRef::from_column_major_slice(&xb[..n * q], n, q);
        let dst = MatMut::from_column_major_slice_mut(&mut prod, q + 1, q);
        matmul(dst, Accum::Replace, all.transpose(), xs, 1.0, Par::Seq);
        let xtx_b = DMatrix::from_fn(q, q, |r, c| prod[c * (q + 1) + r]);
        let xty_b = DVector::from_fn(q, |r, _| prod[r * (q + 1) + q]);
        per_block.push((xtx_b, xty_b));
    }
    let mut xtx = DMatrix::<f64>::zeros(q, q);
    let mut xty = DVector::<f64>::zeros(q);
    for (a, b) in &per_block {
        xtx += a;
        xty += b;
    }
    let reg = solve(&xtx, &xty)?;
    let deleted = per_block
        .iter()
        .map(|(a, b)| solve(&(&xtx - a), &(&xty - b)))
        .collect::<Option<Vec<_>>>()?;
    Some(BlockFit { reg, deleted })
}

fn solve(a: &DMatrix<f64>, b: &DVector<f64>) -> Option<Vec<f64>> {
    let x = a.clone().lu().solve(b)?;
    x.iter()
        .all(|v| v.is_finite())
        .then(|| x.iter().copied().collect())
}

/// Sample covariance (n - 1 denominator) of two equal-length columns.
pub fn cov(a: &[f64], b: &[f64]) -> f64 {
    crate::ldsc::regression::covariance(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ldsc::regression::jackknife_blocks;

    #[test]
    fn exact_plane_is_recovered_by_every_fit() {
        let n = 60;
        let x1: Vec<f64> = (0..n).map(|i| ((i * 7) % 11) as f64).collect();
        let x2: Vec<f64> = (0..n).map(|i| ((i * 5) % 13) as f64 * 0.5).collect();
        let blocks = jackknife_blocks(n, 5).unwrap();
        let fit = fit_blocks(&blocks, 2, |i, x| {
            x[0] = x1[i];
            x[1] = x2[i];
            (1.0 + (i % 3) as f64, 2.0 * x1[i] - 3.0 * x2[i] + 0.5)
        })
        .unwrap();
        for r in std::iter::once(&fit.reg).chain(&fit.deleted) {
            assert!(
                (r[0] - 2.0).abs() < 1e-10
                    && (r[1] + 3.0).abs() < 1e-10
                    && (r[2] - 0.5).abs() < 1e-10
            );
        }
        assert_eq!(fit.deleted.len(), 5);
    }
}
