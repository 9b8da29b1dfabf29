//! From the cells to GenomicSEM's per-annotation lists: `S` (partitioned covariances through
//! the overlap matrix), `S_Tau` (the `cats` themselves), and their sampling covariances `V`,
//! `V_Tau` from the jackknife pseudo-values, all scaled to liability where asked.

use super::cells::CellFit;
use super::regression::cov;

pub struct Lists {
    /// Per annotation, `k x k` column-major.
    pub s: Vec<Vec<f64>>,
    pub s_tau: Vec<Vec<f64>>,
    /// Per annotation, `kst x kst` column-major (vech order).
    pub v: Vec<Vec<f64>>,
    pub v_tau: Vec<Vec<f64>>,
}

/// `overlap[i, j] = cross[i, j] / m[j]` (`p x p`, column-major `cross`).
pub fn overlap(cross: &[f64], m: &[f64]) -> Vec<f64> {
    let p = m.len();
    let mut o = vec![0.0; p * p];
    for j in 0..p {
        for i in 0..p {
            o[i + j * p] = cross[i + j * p] / m[j];
        }
    }
    o
}

/// `cells` in vech order; `factors` the liability factors per trait (1 = not converted).
pub fn assemble(
    cells: &[CellFit],
    k: usize,
    overlap: &[f64],
    n_blocks: usize,
    factors: &[f64],
) -> Lists {
    let p = cells[0].cats.len();
    let kst = cells.len();
    let root: Vec<f64> = factors.iter().map(|c| c.sqrt()).collect();
    let mut s = vec![vec![0.0; k * k]; p];
    let mut s_tau = vec![vec![0.0; k * k]; p];
    for cell in cells {
        let (a, b) = (cell.trait_a, cell.trait_b);
        let scale = root[a] * root[b];
        for f in 0..p {
            let hsq: f64 = (0..p).map(|j| overlap[f + j * p] * cell.cats[j]).sum();
            for (x, y) in [(a, b), (b, a)] {
                s[f][x + y * k] = hsq * scale;
                s_tau[f][x + y * k] = cell.cats[f] * scale;
            }
        }
    }
    // Pseudo-values projected through the overlap matrix, per cell: column f of cell u.
    let project = |cell: &CellFit| -> Vec<Vec<f64>> {
        (0..p)
            .map(|f| {
                (0..n_blocks)
                    .map(|bk| {
                        let row = &cell.pseudo[bk * p..(bk + 1) * p];
                        (0..p).map(|j| overlap[f + j * p] * row[j]).sum()
                    })
                    .collect()
            })
            .collect()
    };
    let raw = |cell: &CellFit| -> Vec<Vec<f64>> {
        (0..p)
            .map(|f| (0..n_blocks).map(|bk| cell.pseudo[bk * p + f]).collect())
            .collect()
    };
    let projected: Vec<Vec<Vec<f64>>> = cells.iter().map(project).collect();
    let plain: Vec<Vec<Vec<f64>>> = cells.iter().map(raw).collect();
    let cell_scale: Vec<f64> = cells
        .iter()
        .map(|c| root[c.trait_a] * root[c.trait_b])
        .collect();
    let b = n_blocks as f64;
    let build = |cols: &Vec<Vec<Vec<f64>>>, f: usize| {
        let mut v = vec![0.0; kst * kst];
        for u in 0..kst {
            for r in 0..=u {
                let x = cov(&cols[u][f], &cols[r][f]) / b * cell_scale[u] * cell_scale[r];
                v[u + r * kst] = x;
                v[r + u * kst] = x;
            }
        }
        v
    };
    Lists {
        v: (0..p).map(|f| build(&projected, f)).collect(),
        v_tau: (0..p).map(|f| build(&plain, f)).collect(),
        s,
        s_tau,
    }
}
