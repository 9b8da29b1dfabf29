//! A batch of genes: the counts read from a dense genes x cells matrix or from the slots of a
//! column-compressed sparse matrix (genes x cells, as Matrix's dgCMatrix), one gene densified
//! at a time, and the genes fitted in parallel on the caller's rayon pool.

use super::error::CountError;
use super::pql::{fit_count_gene, CountGeneFit, CountModel};
use crate::parallel::CancelToken;
use rayon::prelude::*;

/// Where the counts come from (genes x cells; NaN = cell not observed).
#[derive(Debug, Clone, Copy)]
pub enum CountSource<'a> {
    /// Column-major genes x cells values.
    Dense { values: &'a [f64], n_genes: usize },
    /// Column-compressed: column pointers (n_cells + 1), row indices and values.
    Sparse { col_ptr: &'a [i32], row: &'a [i32], values: &'a [f64], n_genes: usize },
}

impl CountSource<'_> {
    fn n_genes(&self) -> usize {
        match self {
            CountSource::Dense { n_genes, .. } | CountSource::Sparse { n_genes, .. } => *n_genes,
        }
    }
}

/// Genes fitted between two cancellation checks.
const GENES_PER_CHUNK: usize = 16;

fn check_model(model: &CountModel) -> Result<(), CountError> {
    let (n, p, m) = (model.n_cells, model.n_columns, model.n_donors);
    let sizes = [
        ("the design", n * p, model.design.len()),
        ("the offset", n, model.offset.len()),
        ("the donor of each cell", n, model.donor_of_cell.len()),
    ];
    for (what, expected, found) in sizes {
        if expected != found {
            return Err(CountError::DimensionMismatch { what, expected, found });
        }
    }
    if let Some(k) = model.kernel {
        if k.len() != m * m {
            return Err(CountError::DimensionMismatch { what: "the kernel", expected: m * m, found: k.len() });
        }
    }
    if let Some((cell, &donor)) = model.donor_of_cell.iter().enumerate().find(|(_, &d)| d >= m) {
        return Err(CountError::DonorOutOfRange { cell, donor, n_donors: m });
    }
    if let Some(cell) = model.offset.iter().position(|v| !v.is_finite()) {
        return Err(CountError::NonFiniteOffset { cell });
    }
    if let Some(at) = model.design.iter().position(|v| !v.is_finite()) {
        return Err(CountError::NonFiniteCovariate { column: at / n.max(1), cell: at % n.max(1) });
    }
    Ok(())
}

/// For a sparse source: per requested gene, its (cell, value) entries, from one pass over the
/// nonzeros.
fn sparse_rows(
    col_ptr: &[i32],
    row: &[i32],
    values: &[f64],
    n_genes: usize,
    n_cells: usize,
    genes: &[usize],
) -> Result<Vec<Vec<(usize, f64)>>, CountError> {
    if col_ptr.len() != n_cells + 1 || row.len() != values.len() {
        return Err(CountError::SparseLayout { detail: "slot lengths disagree with the dimensions" });
    }
    let mut slot = vec![usize::MAX; n_genes];
    for (k, &g) in genes.iter().enumerate() {
        slot[g] = k;
    }
    let mut out = vec![Vec::new(); genes.len()];
    for c in 0..n_cells {
        let (a, b) = (col_ptr[c], col_ptr[c + 1]);
        if a < 0 || b < a || b as usize > row.len() {
            return Err(CountError::SparseLayout { detail: "column pointers are not increasing" });
        }
        for k in a as usize..b as usize {
            let r = row[k];
            if r < 0 || r as usize >= n_genes {
                return Err(CountError::SparseLayout { detail: "a row index is out of range" });
            }
            let s = slot[r as usize];
            if s != usize::MAX {
                out[s].push((c, values[k]));
            }
        }
    }
    Ok(out)
}

/// Fit the genes `genes` (0-based rows of the source) in parallel; results in their order.
pub fn fit_count_genes(
    model: &CountModel,
    source: CountSource,
    genes: &[usize],
    nb: bool,
    cancel: &CancelToken,
) -> Result<Vec<CountGeneFit>, CountError> {
    check_model(model)?;
    let n = model.n_cells;
    let n_genes = source.n_genes();
    if let Some(&bad) = genes.iter().find(|&&g| g >= n_genes) {
        return Err(CountError::DimensionMismatch { what: "a gene index", expected: n_genes, found: bad + 1 });
    }
    let sparse = match source {
        CountSource::Sparse { col_ptr, row, values, n_genes } => {
            Some(sparse_rows(col_ptr, row, values, n_genes, n, genes)?)
        }
        CountSource::Dense { values, n_genes } => {
            if values.len() != n_genes * n {
                return Err(CountError::DimensionMismatch {
                    what: "the count matrix",
                    expected: n_genes * n,
                    found: values.len(),
                });
            }
            None
        }
    };
    let dense = match source {
        CountSource::Dense { values, n_genes } => Some((values, n_genes)),
        CountSource::Sparse { .. } => None,
    };
    let counts_of = |k: usize| -> Vec<f64> {
        let mut y = vec![0.0; n];
        if let Some(rows) = &sparse {
            for &(c, v) in &rows[k] {
                y[c] = v;
            }
        } else if let Some((values, n_genes)) = dense {
            let g = genes[k];
            for (c, slot) in y.iter_mut().enumerate() {
                *slot = values[g + c * n_genes];
            }
        }
        y
    };
    let mut fits = Vec::with_capacity(genes.len());
    for chunk in (0..genes.len()).collect::<Vec<_>>().chunks(GENES_PER_CHUNK) {
        cancel.check()?;
        let part: Vec<CountGeneFit> = chunk
            .par_iter()
            .map(|&k| fit_count_gene(model, &counts_of(k), nb))
            .collect();
        fits.extend(part);
    }
    Ok(fits)
}
