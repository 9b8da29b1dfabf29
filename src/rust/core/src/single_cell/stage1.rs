//! Stage 1: the donor eigensystem shared by every gene observed in the same set of cells
//! (spec section 2). Cost O(m^3) once; nothing n x n is ever formed.

use super::dense::{cholesky_in_place, matmul_transpose_left};
use super::eigen::symmetric_eigen;
use super::grm::{check_symmetric, GrmError};
use super::tolerances::{COLLINEARITY_PIVOT, KERNEL_PSD_RELATIVE, KERNEL_SYMMETRY_RELATIVE};
use super::SingleCellError;
use faer::Par;

/// The cell-level fixed-effect design: n x p, column-major, with optional column names used in
/// error messages.
#[derive(Debug, Clone, Copy)]
pub struct Design<'a> {
    pub values: &'a [f64],
    pub n_cells: usize,
    pub n_columns: usize,
    pub names: &'a [String],
}

impl Design<'_> {
    pub(crate) fn column_name(&self, j: usize) -> String {
        self.names
            .get(j)
            .cloned()
            .unwrap_or_else(|| format!("column {}", j + 1))
    }
}

/// The donor relationship matrix K: the identity (no GRM, lme4's `(1 | donor)`) or a dense
/// m x m column-major matrix in the order of the donor indices.
#[derive(Debug, Clone, Copy)]
pub enum DonorKernel<'a> {
    Identity,
    Dense(&'a [f64]),
}

/// Stage-1 state as plain data, reusable by later association tests.
#[derive(Debug, Clone, PartialEq)]
pub struct DonorEigensystem {
    /// Caller's donor index of each kept donor (donors with at least one cell), ascending.
    pub donors: Vec<usize>,
    /// Caller's cell index of each cell used, ascending.
    pub cells: Vec<usize>,
    /// Kept-donor index (0..m) of each used cell.
    pub donor_of_cell: Vec<usize>,
    /// c: cells per kept donor.
    pub cells_per_donor: Vec<f64>,
    /// lambda: eigenvalues of A = D^1/2 K D^1/2 (ascending for a dense K; equal to c for K = I).
    pub eigenvalues: Vec<f64>,
    /// U: m x m column-major eigenvectors of A (the identity for K = I).
    pub eigenvectors: Vec<f64>,
    /// True when K = I, so that U = I and products with U can be skipped.
    pub identity_kernel: bool,
    /// X~ = U' D^-1/2 Z'X, m x p column-major.
    pub x_rotated: Vec<f64>,
    /// X'X, p x p.
    pub xtx: Vec<f64>,
    /// X minus its donor means (cell-level, n x p column-major): the part of X outside the
    /// span of the donor indicators.
    pub x_within: Vec<f64>,
    /// X_within' X_within = X'X - X~'X~, p x p, computed without cancellation.
    pub xtx_within: Vec<f64>,
    pub n_cells: usize,
    pub n_donors: usize,
    pub n_columns: usize,
    /// Donors with exactly one cell (fine for the model; reported as a note).
    pub single_cell_donors: usize,
}

impl DonorEigensystem {
    /// Check that every field has the size the others imply (a state handed back from R may
    /// have been altered).
    pub fn check_consistent(&self) -> Result<(), SingleCellError> {
        let (n, m, p) = (self.n_cells, self.n_donors, self.n_columns);
        let sizes = [
            ("the stage-1 cell list", n, self.cells.len()),
            (
                "the stage-1 donor of each cell",
                n,
                self.donor_of_cell.len(),
            ),
            ("the stage-1 donor list", m, self.donors.len()),
            ("the stage-1 cells per donor", m, self.cells_per_donor.len()),
            ("the stage-1 eigenvalues", m, self.eigenvalues.len()),
            ("the stage-1 eigenvectors", m * m, self.eigenvectors.len()),
            ("the stage-1 rotated design", m * p, self.x_rotated.len()),
            ("the stage-1 X'X", p * p, self.xtx.len()),
            (
                "the stage-1 within-donor design",
                n * p,
                self.x_within.len(),
            ),
            ("the stage-1 within-donor X'X", p * p, self.xtx_within.len()),
        ];
        for (what, expected, found) in sizes {
            if expected != found {
                return Err(SingleCellError::DimensionMismatch {
                    what,
                    expected,
                    found,
                });
            }
        }
        if let Some(&bad) = self.donor_of_cell.iter().find(|&&d| d >= m) {
            return Err(SingleCellError::DonorOutOfRange {
                cell: 0,
                donor: bad,
                n_donors: m,
            });
        }
        if self.cells_per_donor.iter().any(|&c| c.is_nan() || c < 1.0) || n <= p || m < 2 {
            return Err(SingleCellError::TooFewCells {
                cells: n,
                columns: p,
            });
        }
        Ok(())
    }
}

/// Build the stage-1 state for the cells `cells` (all cells when `None`).
///
/// `donor_of_cell[i]` is the 0-based donor of cell i among `n_donors` donors, which are also
/// the rows of a dense kernel. Donors without any used cell drop out (K's submatrix is used).
pub fn build_stage1(
    donor_of_cell: &[usize],
    n_donors: usize,
    kernel: DonorKernel<'_>,
    design: &Design<'_>,
    cells: Option<&[usize]>,
) -> Result<DonorEigensystem, SingleCellError> {
    use SingleCellError::*;
    let (n_all, p) = (design.n_cells, design.n_columns);
    let same_size = |what, expected: usize, found: usize| {
        if expected == found {
            Ok(())
        } else {
            Err(DimensionMismatch {
                what,
                expected,
                found,
            })
        }
    };
    same_size(
        "the number of donor labels (one per cell)",
        n_all,
        donor_of_cell.len(),
    )?;
    same_size(
        "the length of the design matrix (cells x columns)",
        n_all * p,
        design.values.len(),
    )?;
    if !design.names.is_empty() {
        same_size("the number of covariate names", p, design.names.len())?;
    }
    if let DonorKernel::Dense(k) = kernel {
        same_size(
            "the size of the GRM (donors x donors)",
            n_donors * n_donors,
            k.len(),
        )?;
    }
    let cells: Vec<usize> = match cells {
        Some(c) => c.to_vec(),
        None => (0..n_all).collect(),
    };
    if let Some(&bad) = cells.iter().find(|&&c| c >= n_all) {
        return Err(DimensionMismatch {
            what: "a cell index",
            expected: n_all,
            found: bad,
        });
    }
    let mut count = vec![0usize; n_donors];
    for &cell in &cells {
        let donor = donor_of_cell[cell];
        if donor >= n_donors {
            return Err(DonorOutOfRange {
                cell,
                donor,
                n_donors,
            });
        }
        count[donor] += 1;
    }
    let donors: Vec<usize> = (0..n_donors).filter(|&d| count[d] > 0).collect();
    let mut kept_index = vec![usize::MAX; n_donors];
    for (new, &old) in donors.iter().enumerate() {
        kept_index[old] = new;
    }
    let (n, m) = (cells.len(), donors.len());
    if m < 2 {
        return Err(TooFewDonors { found: m });
    }
    if n <= p {
        return Err(TooFewCells {
            cells: n,
            columns: p,
        });
    }
    let local_donor: Vec<usize> = cells
        .iter()
        .map(|&c| kept_index[donor_of_cell[c]])
        .collect();
    let c: Vec<f64> = donors.iter().map(|&d| count[d] as f64).collect();

    let x = gather_rows(design, &cells)?;
    let xtx = gram(&x, n, p);
    check_full_rank(&xtx, p, design)?;
    let donor_sums = donor_sums(&x, n, p, &local_donor, m);
    let mut x_within = x;
    for j in 0..p {
        for (i, &d) in local_donor.iter().enumerate() {
            x_within[i + j * n] -= donor_sums[d + j * m] / c[d];
        }
    }
    let xtx_within = gram(&x_within, n, p);

    let (eigenvalues, eigenvectors, identity) = match kernel {
        DonorKernel::Identity => {
            let mut u = vec![0.0; m * m];
            (0..m).for_each(|i| u[i + i * m] = 1.0);
            (c.clone(), u, true)
        }
        DonorKernel::Dense(k) => {
            let (values, vectors) = decompose_kernel(k, n_donors, &donors, &c)?;
            (values, vectors, false)
        }
    };
    let mut scaled_sums = donor_sums;
    for j in 0..p {
        for d in 0..m {
            scaled_sums[d + j * m] /= c[d].sqrt();
        }
    }
    let x_rotated = if identity {
        scaled_sums
    } else {
        let mut out = vec![0.0; m * p];
        matmul_transpose_left(&mut out, &eigenvectors, m, m, &scaled_sums, p, Par::Seq);
        out
    };
    Ok(DonorEigensystem {
        single_cell_donors: c.iter().filter(|&&k| k == 1.0).count(),
        donors,
        cells,
        donor_of_cell: local_donor,
        cells_per_donor: c,
        eigenvalues,
        eigenvectors,
        identity_kernel: identity,
        x_rotated,
        xtx,
        x_within,
        xtx_within,
        n_cells: n,
        n_donors: m,
        n_columns: p,
    })
}

fn gather_rows(design: &Design<'_>, cells: &[usize]) -> Result<Vec<f64>, SingleCellError> {
    let (n_all, p, n) = (design.n_cells, design.n_columns, cells.len());
    let mut x = vec![0.0; n * p];
    for j in 0..p {
        for (i, &cell) in cells.iter().enumerate() {
            let value = design.values[cell + j * n_all];
            if !value.is_finite() {
                return Err(SingleCellError::NonFiniteCovariate {
                    column: design.column_name(j),
                    cell,
                });
            }
            x[i + j * n] = value;
        }
    }
    Ok(x)
}

fn gram(x: &[f64], n: usize, p: usize) -> Vec<f64> {
    let mut out = vec![0.0; p * p];
    matmul_transpose_left(&mut out, x, n, p, x, p, Par::Seq);
    out
}

/// Cholesky of X'X scaled to unit diagonal: a pivot below `COLLINEARITY_PIVOT` means the
/// column is (numerically) explained by the ones before it.
fn check_full_rank(xtx: &[f64], p: usize, design: &Design<'_>) -> Result<(), SingleCellError> {
    let mut scaled = vec![0.0; p * p];
    for j in 0..p {
        if !xtx[j + j * p].is_finite() || xtx[j + j * p] <= 0.0 {
            return Err(SingleCellError::CollinearCovariate {
                column: design.column_name(j),
            });
        }
    }
    for j in 0..p {
        for i in 0..p {
            scaled[i + j * p] = xtx[i + j * p] / (xtx[i + i * p] * xtx[j + j * p]).sqrt();
        }
    }
    for j in 0..p {
        // Factor the leading (j+1) x (j+1) block: it fails first at the offending column.
        let mut block: Vec<f64> = (0..=j)
            .flat_map(|b| (0..=j).map(move |a| (a, b)))
            .map(|(a, b)| scaled[a + b * p])
            .collect();
        let ok = cholesky_in_place(&mut block, j + 1) && {
            let pivot = block[j + j * (j + 1)];
            pivot * pivot > COLLINEARITY_PIVOT
        };
        if !ok {
            return Err(SingleCellError::CollinearCovariate {
                column: design.column_name(j),
            });
        }
    }
    Ok(())
}

fn donor_sums(x: &[f64], n: usize, p: usize, donor: &[usize], m: usize) -> Vec<f64> {
    let mut sums = vec![0.0; m * p];
    for j in 0..p {
        for (i, &d) in donor.iter().enumerate() {
            sums[d + j * m] += x[i + j * n];
        }
    }
    sums
}

/// Eigendecomposition of A = D^1/2 K_sub D^1/2 for the kept donors.
fn decompose_kernel(
    k: &[f64],
    n_donors: usize,
    donors: &[usize],
    c: &[f64],
) -> Result<(Vec<f64>, Vec<f64>), SingleCellError> {
    let m = donors.len();
    let mut a = vec![0.0; m * m];
    for (jj, &j) in donors.iter().enumerate() {
        for (ii, &i) in donors.iter().enumerate() {
            let value = k[i + j * n_donors];
            if !value.is_finite() {
                return Err(SingleCellError::Kernel(GrmError::NonFinite {
                    path: "GRM".into(),
                    row: i,
                    col: j,
                }));
            }
            a[ii + jj * m] = value * (c[ii] * c[jj]).sqrt();
        }
    }
    check_symmetric(&a, m, KERNEL_SYMMETRY_RELATIVE).map_err(|e| match e {
        // Report the caller's donor indices and the unscaled GRM entries.
        GrmError::NotSymmetric { row, col, .. } => {
            let (i, j) = (donors[row], donors[col]);
            let (upper, lower) = (k[i + j * n_donors], k[j + i * n_donors]);
            SingleCellError::Kernel(GrmError::NotSymmetric {
                row: i,
                col: j,
                upper,
                lower,
            })
        }
        other => SingleCellError::Kernel(other),
    })?;
    let (values, vectors) =
        symmetric_eigen(&a, m).ok_or(SingleCellError::EigenFailed { size: m })?;
    let smallest = values.first().copied().unwrap_or(0.0);
    let largest = values.last().copied().unwrap_or(0.0);
    if smallest < -KERNEL_PSD_RELATIVE * largest.abs() {
        return Err(SingleCellError::Kernel(GrmError::NotPositiveSemidefinite {
            smallest,
            largest,
        }));
    }
    Ok((values, vectors))
}
