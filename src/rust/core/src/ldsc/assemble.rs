//! From cell estimates to GenomicSEM's `S`, `V`, `I`, `N`, `m` and their standardized forms.

use super::cells::CellEstimate;
use crate::rmath::{r_mean, Accumulator};
use rayon::prelude::*;

/// Square matrices are column-major `k x k`; `V` is `kst x kst` in vech order.
pub struct Assembled {
    pub s: Vec<f64>,
    pub v: Vec<f64>,
    pub i: Vec<f64>,
    pub n: Vec<f64>,
    pub s_stand: Option<Vec<f64>>,
    pub v_stand: Option<Vec<f64>>,
}

/// Positions `(row, col)` of vech order: column-major lower triangle.
pub fn vech_positions(k: usize) -> Vec<(usize, usize)> {
    (0..k).flat_map(|c| (c..k).map(move |r| (r, c))).collect()
}

/// `cells` must be in vech order (R's loop order); `factors` are the liability factors.
pub fn assemble(
    cells: &[CellEstimate],
    k: usize,
    m: f64,
    n_blocks: usize,
    factors: &[f64],
) -> Assembled {
    let kst = cells.len();
    let mut observed = vec![0.0; k * k];
    let mut i = vec![0.0; k * k];
    for c in cells {
        for (r, col) in [(c.trait_a, c.trait_b), (c.trait_b, c.trait_a)] {
            observed[r + col * k] = c.estimate;
            i[r + col * k] = c.intercept;
        }
    }
    let n: Vec<f64> = cells.iter().map(|c| c.n_bar).collect();
    let scale = (n_blocks as f64).sqrt() / m;
    let t: Vec<f64> = n.iter().map(|nb| nb * scale).collect();
    // cov(V.hold): centre each column once, then sum products (as R's cov() does).
    let centred: Vec<Vec<f64>> = cells
        .iter()
        .map(|c| {
            let mean = r_mean(&c.slope_pseudo);
            c.slope_pseudo.iter().map(|p| p - mean).collect()
        })
        .collect();
    let denominator = n_blocks as f64 - 1.0;
    // Rows of the lower triangle in parallel (k > 18 traits give thousands of cells).
    let lower: Vec<Vec<f64>> = (0..kst)
        .into_par_iter()
        .map(|a| {
            (0..=a)
                .map(|b| {
                    let mut sum = Accumulator::default();
                    for (x, y) in centred[a].iter().zip(&centred[b]) {
                        sum.add(x * y);
                    }
                    sum.value() / denominator / (t[a] * t[b])
                })
                .collect()
        })
        .collect();
    let mut v_out = vec![0.0; kst * kst];
    for (a, row) in lower.iter().enumerate() {
        for (b, &value) in row.iter().enumerate() {
            v_out[a + b * kst] = value;
            v_out[b + a * kst] = value;
        }
    }
    let root: Vec<f64> = factors.iter().map(|c| c.sqrt()).collect();
    let ratio = outer(&root);
    let s: Vec<f64> = observed.iter().zip(&ratio).map(|(x, r)| x * r).collect();
    let positions = vech_positions(k);
    let v = scale_by_vech(&v_out, &ratio, &positions, k);
    let diag: Vec<f64> = (0..k).map(|j| s[j + j * k]).collect();
    let (s_stand, v_stand) = if diag.iter().all(|&d| d > 0.0) {
        let inv_root: Vec<f64> = diag.iter().map(|d| 1.0 / d.sqrt()).collect();
        let ratio2 = outer(&inv_root);
        let s_stand = s.iter().zip(&ratio2).map(|(x, r)| x * r).collect();
        (
            Some(s_stand),
            Some(scale_by_vech(&v, &ratio2, &positions, k)),
        )
    } else {
        (None, None)
    };
    Assembled {
        s,
        v,
        i,
        n,
        s_stand,
        v_stand,
    }
}

/// `tcrossprod(x)`, column-major.
fn outer(x: &[f64]) -> Vec<f64> {
    let k = x.len();
    let mut out = vec![0.0; k * k];
    for c in 0..k {
        for r in 0..k {
            out[r + c * k] = x[r] * x[c];
        }
    }
    out
}

/// `v * tcrossprod(vech(ratio))`.
fn scale_by_vech(v: &[f64], ratio: &[f64], positions: &[(usize, usize)], k: usize) -> Vec<f64> {
    let q: Vec<f64> = positions.iter().map(|&(r, c)| ratio[r + c * k]).collect();
    let kst = q.len();
    let mut out = vec![0.0; kst * kst];
    for b in 0..kst {
        for a in 0..kst {
            out[a + b * kst] = v[a + b * kst] * (q[a] * q[b]);
        }
    }
    out
}
