//! The expression matrix as the caller holds it, and the grouping of genes by their set of
//! observed (non-NaN) cells.

use std::collections::HashMap;

/// Memory layout of the expression values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpressionLayout {
    /// genes x cells, column-major (R's `expr[gene, cell]`): value(g, i) = values[g + i * genes].
    GenesByCells,
    /// cells x genes, column-major: value(g, i) = values[i + g * cells].
    CellsByGenes,
}

/// A read-only view of the expression values; NaN marks a missing value.
#[derive(Debug, Clone, Copy)]
pub struct Expression<'a> {
    pub values: &'a [f64],
    pub n_cells: usize,
    pub n_genes: usize,
    pub layout: ExpressionLayout,
}

impl Expression<'_> {
    /// Copy the chosen genes' values at `cells` into `out` (cells x genes, column-major),
    /// reading memory in its own order.
    pub(crate) fn gather(&self, genes: &[usize], cells: &[usize], out: &mut [f64]) {
        let n = cells.len();
        match self.layout {
            ExpressionLayout::GenesByCells => {
                for (r, &cell) in cells.iter().enumerate() {
                    let row = &self.values[cell * self.n_genes..(cell + 1) * self.n_genes];
                    for (k, &g) in genes.iter().enumerate() {
                        out[r + k * n] = row[g];
                    }
                }
            }
            ExpressionLayout::CellsByGenes => {
                for (k, &g) in genes.iter().enumerate() {
                    let column = &self.values[g * self.n_cells..(g + 1) * self.n_cells];
                    for (r, &cell) in cells.iter().enumerate() {
                        out[r + k * n] = column[cell];
                    }
                }
            }
        }
    }
}

/// Genes sharing one set of observed cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellGroup {
    /// Cells with a missing value for these genes (empty for the complete group), ascending.
    pub missing_cells: Vec<usize>,
    pub genes: Vec<usize>,
}

/// Group genes by the set of cells where they are NaN. The group without missing cells, if
/// any gene has none, comes first; others follow in order of their first gene.
pub fn group_by_missing(expr: &Expression<'_>) -> Vec<CellGroup> {
    let mut missing: Vec<Vec<usize>> = vec![Vec::new(); expr.n_genes];
    match expr.layout {
        ExpressionLayout::GenesByCells => {
            for cell in 0..expr.n_cells {
                let row = &expr.values[cell * expr.n_genes..(cell + 1) * expr.n_genes];
                for (g, v) in row.iter().enumerate() {
                    if v.is_nan() {
                        missing[g].push(cell);
                    }
                }
            }
        }
        ExpressionLayout::CellsByGenes => {
            for (g, cells) in missing.iter_mut().enumerate() {
                let column = &expr.values[g * expr.n_cells..(g + 1) * expr.n_cells];
                cells.extend(
                    column
                        .iter()
                        .enumerate()
                        .filter(|(_, v)| v.is_nan())
                        .map(|(i, _)| i),
                );
            }
        }
    }
    let mut groups: Vec<CellGroup> = Vec::new();
    let mut index: HashMap<Vec<usize>, usize> = HashMap::new();
    for (g, cells) in missing.into_iter().enumerate() {
        if let Some(&k) = index.get(&cells) {
            groups[k].genes.push(g);
        } else {
            index.insert(cells.clone(), groups.len());
            groups.push(CellGroup {
                missing_cells: cells,
                genes: vec![g],
            });
        }
    }
    groups.sort_by_key(|group| {
        (
            !group.missing_cells.is_empty(),
            group.genes.first().copied(),
        )
    });
    groups
}

/// The complement of `missing` (ascending) in 0..n.
pub(crate) fn observed_cells(missing: &[usize], n: usize) -> Vec<usize> {
    let mut out = Vec::with_capacity(n - missing.len().min(n));
    let mut next_missing = missing.iter().peekable();
    for cell in 0..n {
        if next_missing.peek() == Some(&&cell) {
            next_missing.next();
        } else {
            out.push(cell);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn genes_are_grouped_by_their_missing_cells_in_both_layouts() {
        let nan = f64::NAN;
        // 3 genes x 4 cells, genes x cells column-major; genes 0 and 2 complete, gene 1 misses cell 2.
        let genes_by_cells = [
            1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, nan, 9.0, 10.0, 11.0, 12.0,
        ];
        let view = Expression {
            values: &genes_by_cells,
            n_cells: 4,
            n_genes: 3,
            layout: ExpressionLayout::GenesByCells,
        };
        let groups = group_by_missing(&view);
        assert_eq!(groups.len(), 2);
        assert_eq!(
            groups[0],
            CellGroup {
                missing_cells: vec![],
                genes: vec![0, 2]
            }
        );
        assert_eq!(
            groups[1],
            CellGroup {
                missing_cells: vec![2],
                genes: vec![1]
            }
        );
        let mut transposed = vec![0.0; 12];
        for g in 0..3 {
            for i in 0..4 {
                transposed[i + g * 4] = genes_by_cells[g + i * 3];
            }
        }
        let view2 = Expression {
            values: &transposed,
            layout: ExpressionLayout::CellsByGenes,
            ..view
        };
        assert_eq!(group_by_missing(&view2), groups);
        let mut out = vec![0.0; 6];
        view.gather(&[1, 2], &[0, 3, 1], &mut out);
        assert_eq!(out, [2.0, 11.0, 5.0, 3.0, 12.0, 6.0]);
        assert_eq!(observed_cells(&[2], 4), [0, 1, 3]);
    }
}
