//! The selected sandwich when some free parameters each move one moment alone (residual
//! variances: Delta's column is the unit vector of that moment), under diagonal weights.
//!
//! Order the information with those parameters first: [D B'; B A], D = diag(w_r) over their
//! moments r, B = G_r' W_r with G the other parameters' Delta. The rows of its inverse for the
//! other parameters are S^-1 [I, -B D^-1] with S = A - B D^-1 B' = G~' W G~, G~ being G with
//! the absorbed moments' rows zeroed; so W Delta B[:, wanted] = W G~ S^-1[:, wanted], and only
//! the small S is factored. R's `solve(tol = toler)` verdict on the whole information comes
//! from its Cholesky factor, which is [D^1/2, 0; G_r' W_r D^-1/2, chol(S)] (no further
//! factorisation), through the same norm bound as [`SandwichWork::compute_selected`]. The
//! same sums in another order: equal to the general route to rounding.

use nalgebra::DMatrix;

use super::prepared::ChisqBlocks;
use super::sandwich_work::SandwichWork;
use crate::sem::cholesky::{cholesky_lower, cholesky_solve_lower, inverse_norm1_bound};
use crate::sem::linalg::dot;

/// Buffers of [`SandwichWork::compute_selected_absorbing`].
#[derive(Debug, Clone)]
pub struct AbsorbedScratch {
    s: Vec<f64>,
    l_small: Vec<f64>,
    l_full: Vec<f64>,
    col_sums: Vec<f64>,
    x: Vec<f64>,
    y: Vec<f64>,
    absorbed_row: Vec<bool>,
}

impl AbsorbedScratch {
    pub fn new(pstar: usize, n_free: usize) -> AbsorbedScratch {
        AbsorbedScratch {
            s: vec![0.0; n_free * n_free],
            l_small: vec![0.0; n_free * n_free],
            l_full: vec![0.0; n_free * n_free],
            col_sums: vec![0.0; n_free],
            x: vec![0.0; n_free],
            y: vec![0.0; n_free],
            absorbed_row: vec![false; pstar],
        }
    }
}

impl SandwichWork {
    /// [`SandwichWork::compute_selected`] with diagonal weights `w` for a model whose free
    /// parameters `absorbed` (free index, moment row) each have the unit vector of that row as
    /// their Delta column; `kept` lists the other free parameters and `wanted` (a subset of
    /// `kept`) those whose covariance is wanted. Returns false, leaving the work to the general
    /// route, when S is not positive definite or the bound does not settle the `toler` check.
    #[allow(clippy::too_many_arguments)]
    pub fn compute_selected_absorbing(
        &mut self,
        delta: &DMatrix<f64>,
        w: &[f64],
        absorbed: &[(usize, usize)],
        kept: &[usize],
        v_user: &DMatrix<f64>,
        blocks: Option<(&ChisqBlocks, &[f64])>,
        moments: &[usize],
        toler: f64,
        wanted: &[usize],
    ) -> bool {
        let pstar = delta.nrows();
        let (nk, na) = (kept.len(), absorbed.len());
        let nf = nk + na;
        let sc = &mut self.absorbed;
        if w.len() != pstar || sc.absorbed_row.len() != pstar || sc.x.len() < nf {
            return false;
        }
        sc.absorbed_row.fill(false);
        for &(_, r) in absorbed {
            sc.absorbed_row[r] = true;
        }
        let g = delta.as_slice();
        let column = |j: usize| &g[j * pstar..][..pstar];
        // W G~ into the first nk columns of `wd`, and S = G~' W G~.
        let wd = self.wd.as_mut_slice();
        for (c, &j) in kept.iter().enumerate() {
            let (gj, wgj) = (column(j), &mut wd[c * pstar..][..pstar]);
            for a in 0..pstar {
                wgj[a] = if sc.absorbed_row[a] {
                    0.0
                } else {
                    w[a] * gj[a]
                };
            }
        }
        let wd = self.wd.as_slice();
        for i in 0..nk {
            let gi = column(kept[i]);
            for j in 0..=i {
                let v = dot(gi, &wd[j * pstar..][..pstar]);
                sc.s[i * nk + j] = v;
                sc.s[j * nk + i] = v;
            }
        }
        if !cholesky_lower(&sc.s[..nk * nk], nk, &mut sc.l_small[..nk * nk]) {
            return false;
        }
        // The whole information's Cholesky factor (absorbed first) and its 1-norm.
        let l = &mut sc.l_full[..nf * nf];
        l.fill(0.0);
        let col_sums = &mut sc.col_sums[..nf];
        col_sums.fill(0.0);
        for (t, &(_, r)) in absorbed.iter().enumerate() {
            let root = w[r].sqrt();
            let lt = &mut l[t * nf..][..nf];
            lt[t] = root;
            col_sums[t] += w[r].abs();
            for (j, &kj) in kept.iter().enumerate() {
                let gr = g[kj * pstar + r];
                let b = w[r] * gr;
                lt[na + j] = root * gr;
                col_sums[t] += b.abs();
                col_sums[na + j] += b.abs();
            }
        }
        for j in 0..nk {
            for i in 0..nk {
                let mut a = sc.s[j * nk + i];
                for t in 0..na {
                    let lt = &l[t * nf + na..][..nk];
                    a += lt[i] * lt[j];
                }
                col_sums[na + j] += a.abs();
                if i >= j {
                    l[(na + j) * nf + na + i] = sc.l_small[j * nk + i];
                }
            }
        }
        let norm = col_sums.iter().fold(0.0f64, |m, &x| m.max(x));
        let rcond_floor = 1.0 / (norm * inverse_norm1_bound(l, nf, &mut sc.y[..nf]));
        if !(rcond_floor >= toler) {
            return false;
        }
        // U = W G~ S^-1[:, wanted].
        let u = self.u.as_mut_slice();
        for (c, &j) in wanted.iter().enumerate() {
            let Some(pos) = kept.iter().position(|&k| k == j) else {
                return false;
            };
            let x = &mut sc.x[..nk];
            x.fill(0.0);
            x[pos] = 1.0;
            cholesky_solve_lower(&sc.l_small[..nk * nk], nk, x);
            // Column c of W G~ x, summed over i in order for every row at once.
            let uc = &mut u[c * pstar..][..pstar];
            uc.fill(0.0);
            for (i, &xi) in x.iter().enumerate() {
                for (out, &wdi) in uc.iter_mut().zip(&wd[i * pstar..][..pstar]) {
                    *out += wdi * xi;
                }
            }
        }
        self.meat_of_u(v_user, blocks, moments, wanted);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sem::sandwich::Weight;

    /// A deterministic pseudo-random value in (-1, 1).
    fn noise(i: usize) -> f64 {
        ((i as f64 * 12.9898).sin() * 43758.5453).fract()
    }

    #[test]
    fn equals_the_general_route_to_rounding() {
        let (pstar, nk, na) = (21, 8, 5);
        let nf = nk + na;
        // Absorbed parameters 8..13 at moments 2, 6, 9, 12, 20; the others dense.
        let rows = [2, 6, 9, 12, 20];
        let mut delta = DMatrix::from_fn(pstar, nf, |a, j| noise(a * 31 + j + 1));
        for (t, &r) in rows.iter().enumerate() {
            delta.column_mut(nk + t).fill(0.0);
            delta[(r, nk + t)] = 1.0;
        }
        let w: Vec<f64> = (0..pstar).map(|a| 1.0 + noise(a + 500).abs()).collect();
        let m = DMatrix::from_fn(pstar, pstar, |a, b| noise(a * 97 + b + 900));
        let v = m.transpose() * &m + DMatrix::identity(pstar, pstar);
        let moments: Vec<usize> = (0..pstar).collect();
        let absorbed: Vec<(usize, usize)> =
            rows.iter().enumerate().map(|(t, &r)| (nk + t, r)).collect();
        let kept: Vec<usize> = (0..nk).collect();
        let wanted = [1, 4, 7];
        let mut general = SandwichWork::new(pstar, nf);
        general
            .compute_selected(
                &delta,
                Weight::Diagonal(&w),
                &v,
                None,
                &moments,
                1e-12,
                &wanted,
            )
            .unwrap();
        let mut absorbing = SandwichWork::new(pstar, nf);
        assert!(absorbing.compute_selected_absorbing(
            &delta, &w, &absorbed, &kept, &v, None, &moments, 1e-12, &wanted
        ));
        for &i in &wanted {
            for &j in &wanted {
                let (a, b) = (general.cov[(i, j)], absorbing.cov[(i, j)]);
                assert!(
                    (a - b).abs() <= 1e-11 * general.cov[(i, i)].max(general.cov[(j, j)]),
                    "{i},{j}: {a} vs {b}"
                );
            }
        }
        // A tolerance the bound cannot settle goes back to the general route.
        assert!(!absorbing.compute_selected_absorbing(
            &delta, &w, &absorbed, &kept, &v, None, &moments, 0.5, &wanted
        ));
    }
}
