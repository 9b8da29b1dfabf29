//! `fit_null_sc()` and `fit_null()`: plain R vectors in, plain lists out.
//!
//! R prepares everything: `donor_of_cell` as 1-based indices into the GRM's donors, the design
//! as a cells x columns double matrix, the expression as a genes x cells double matrix (NA =
//! missing). The stage-1 state travels to R and back as a list of plain vectors
//! (`single_cell_state.rs`).

use crate::convert::{named_list, one_based, optional_int, zero_based};
use crate::errors::{core_error, reply, RError, RResult};
use crate::single_cell_state::{stage1_from_r, stage1_to_r};
use crate::{interrupt, threads};
use extendr_api::prelude::*;
use gsem_core::single_cell::grm::{check_positive_semidefinite, GrmError};
use gsem_core::single_cell::tolerances::KERNEL_PSD_RELATIVE;
use gsem_core::single_cell::{
    build_stage1, fit_group_genes, fit_null_sc, group_by_missing, Design, DonorKernel, Expression,
    ExpressionLayout, FitOptions, NullFits, SingleCellError, TauMode,
};

/// Genes summarised together inside one call (the unit of cancellation checks).
const GENES_PER_CHUNK: usize = 32;

/// Stage 1 for the cells `observed` (1-based; `NULL` = all). Groups that cannot be fitted
/// (too few donors or cells, collinear design once cells drop out) come back as
/// `list(ok = FALSE, status = <gene status>, message = ...)` when `as_flag` is true.
/// @noRd
#[extendr]
#[allow(clippy::too_many_arguments)]
fn rs_build_stage1_sc(
    donor_of_cell: &[i32],
    n_donors: i32,
    kernel: Robj,
    design: &[f64],
    n_columns: i32,
    names: Vec<String>,
    observed: Robj,
    as_flag: bool,
    requested_threads: Robj,
) -> Robj {
    reply((|| {
        let (threads, _) = threads::resolve(optional_int(&requested_threads, "cores")?)?;
        let CellModel {
            donors,
            kernel,
            design,
        } = cell_model(donor_of_cell, &kernel, design, n_columns, &names)?;
        let cells = match observed.as_integer_slice() {
            Some(cells) => Some(zero_based(cells, "an observed cell")?),
            None => None,
        };
        let n_donors = to_usize(n_donors, "the number of donors")?;
        let built = interrupt::run(threads, |_| {
            build_stage1(&donors, n_donors, kernel, &design, cells.as_deref())
        })?;
        match built {
            Ok(sys) => stage1_to_r(&sys),
            // Stage 1 tests D^1/2 K D^1/2; report the eigenvalues of K itself, as users know it.
            Err(error @ SingleCellError::Kernel(GrmError::NotPositiveSemidefinite { .. })) => {
                let values = match kernel {
                    DonorKernel::Dense(values) => values,
                    DonorKernel::Identity => &[],
                };
                match check_positive_semidefinite(values, n_donors, KERNEL_PSD_RELATIVE) {
                    Err(on_kernel) => Err(core_error(on_kernel)),
                    Ok(_) => Err(core_error(error)),
                }
            }
            Err(error) => match (as_flag, group_flag(&error)) {
                (true, Some(status)) => named_list(vec![
                    ("ok", false.into()),
                    ("status", status.into()),
                    ("message", error.to_string().into()),
                ]),
                _ => Err(core_error(error)),
            },
        }
    })())
}

/// The gene status for errors that only concern a group of genes with missing cells.
fn group_flag(error: &SingleCellError) -> Option<&'static str> {
    match error {
        SingleCellError::TooFewDonors { .. } | SingleCellError::TooFewCells { .. } => {
            Some("too_few_observations")
        }
        SingleCellError::CollinearCovariate { .. } => Some("design_singular"),
        _ => None,
    }
}

/// Genes of `expr` (genes x cells, NA = missing) grouped by their set of missing cells, as
/// `list(list(missing = <cells>, genes = <genes>), ...)` (1-based): the complete group first,
/// the others in order of their first gene. R's own grouping would copy the matrix batch by
/// batch and key each gene by a string of its missing cells.
/// @noRd
#[extendr]
fn rs_group_missing_sc(expr: &[f64], n_genes: i32) -> Robj {
    reply((|| {
        let n_genes = to_usize(n_genes, "the number of genes")?;
        let n_cells = expr.len().checked_div(n_genes).unwrap_or(0);
        if n_cells * n_genes != expr.len() {
            return Err(RError::argument(
                "The expression matrix has a ragged shape.",
            ));
        }
        let expr = Expression {
            values: expr,
            n_cells,
            n_genes,
            layout: ExpressionLayout::GenesByCells,
        };
        let groups: Vec<Robj> = group_by_missing(&expr)
            .iter()
            .map(|g| {
                named_list(vec![
                    ("missing", one_based(&g.missing_cells)?),
                    ("genes", one_based(&g.genes)?),
                ])
            })
            .collect::<RResult<_>>()?;
        Ok(List::from_values(groups).into())
    })())
}

/// Stage 2 for the genes `genes` (1-based rows of `expr`; `NULL` = all) of `expr` (genes x
/// cells, all cells of the fit), reusing `stage1`; results follow the order of `genes`. R
/// passes its whole expression matrix and a range of rows, which is read in place: the
/// workers only read the borrowed slice, and R does not run while the call lasts.
/// @noRd
#[extendr]
fn rs_fit_genes_sc(
    stage1: List,
    expr: &[f64],
    n_genes: i32,
    genes: Robj,
    tau: Robj,
    requested_threads: Robj,
) -> Robj {
    reply((|| {
        let (threads, _) = threads::resolve(optional_int(&requested_threads, "cores")?)?;
        let sys = stage1_from_r(stage1)?;
        let n_genes = to_usize(n_genes, "the number of genes")?;
        let n_cells = expr.len().checked_div(n_genes).unwrap_or(0);
        let expr = Expression {
            values: expr,
            n_cells,
            n_genes,
            layout: ExpressionLayout::GenesByCells,
        };
        let options = FitOptions {
            tau: tau_mode(&tau, false),
            genes_per_chunk: GENES_PER_CHUNK,
            keep_stage1: false,
        };
        let genes: Vec<usize> = if genes.is_null() {
            (0..n_genes).collect()
        } else {
            let values = genes.as_integer_slice().ok_or_else(|| {
                RError::argument("The genes to fit must be given as integer indices.")
            })?;
            zero_based(values, "a gene")?
        };
        let fits = interrupt::run(threads, |cancel| {
            fit_group_genes(&sys, &expr, &genes, &options, cancel)
        })?
        .map_err(core_error)?;
        fits_to_r(&fits)
    })())
}

/// The whole fit in one call (used for `tau = "shared"`, which pools all genes).
/// @noRd
#[extendr]
#[allow(clippy::too_many_arguments)]
fn rs_fit_null_sc(
    donor_of_cell: &[i32],
    n_donors: i32,
    kernel: Robj,
    design: &[f64],
    n_columns: i32,
    names: Vec<String>,
    expr: &[f64],
    n_genes: i32,
    shared: bool,
    tau: Robj,
    requested_threads: Robj,
) -> Robj {
    reply((|| {
        let (threads, _) = threads::resolve(optional_int(&requested_threads, "cores")?)?;
        let CellModel {
            donors,
            kernel,
            design,
        } = cell_model(donor_of_cell, &kernel, design, n_columns, &names)?;
        let n_genes = to_usize(n_genes, "the number of genes")?;
        let expr = Expression {
            values: expr,
            n_cells: design.n_cells,
            n_genes,
            layout: ExpressionLayout::GenesByCells,
        };
        let options = FitOptions {
            tau: tau_mode(&tau, shared),
            genes_per_chunk: GENES_PER_CHUNK,
            keep_stage1: true,
        };
        let n_donors = to_usize(n_donors, "the number of donors")?;
        let fits = interrupt::run(threads, |cancel| {
            fit_null_sc(&donors, n_donors, kernel, &design, &expr, &options, cancel)
        })?
        .map_err(core_error)?;
        let groups: Vec<Robj> = fits
            .groups
            .iter()
            .map(|g| {
                let state = match &g.stage1 {
                    Some(sys) => stage1_to_r(sys)?,
                    None => ().into(),
                };
                named_list(vec![
                    ("missing_cells", one_based(&g.missing_cells)?),
                    ("genes", one_based(&g.genes)?),
                    ("stage1", state),
                ])
            })
            .collect::<RResult<_>>()?;
        let shared_tau: Robj = fits.shared_tau.map_or(().into(), Robj::from);
        named_list(vec![
            ("fits", fits_to_r(&fits)?),
            ("group_of_gene", one_based(&fits.group_of_gene)?),
            ("groups", List::from_values(groups).into()),
            ("shared_tau", shared_tau),
        ])
    })())
}

/// `tau` is `NULL` or `NA` to estimate it per gene, else the fixed value.
fn tau_mode(tau: &Robj, shared: bool) -> TauMode {
    if shared {
        return TauMode::Shared;
    }
    match tau.as_real() {
        Some(value) if !tau.is_na() => TauMode::Fixed(value),
        _ => TauMode::Estimate,
    }
}

/// The cell-level inputs shared by the fitting entry points, unpacked and checked.
struct CellModel<'a> {
    donors: Vec<usize>,
    kernel: DonorKernel<'a>,
    design: Design<'a>,
}

fn cell_model<'a>(
    donor_of_cell: &[i32],
    kernel: &'a Robj,
    design: &'a [f64],
    n_columns: i32,
    names: &'a [String],
) -> RResult<CellModel<'a>> {
    let donors = zero_based(donor_of_cell, "the donor of each cell")?;
    let kernel = optional_reals(kernel).map_or(DonorKernel::Identity, DonorKernel::Dense);
    let n_columns = to_usize(n_columns, "the number of design columns")?;
    let design = design_view(design, n_columns, names)?;
    Ok(CellModel {
        donors,
        kernel,
        design,
    })
}

fn design_view<'a>(
    values: &'a [f64],
    n_columns: usize,
    names: &'a [String],
) -> RResult<Design<'a>> {
    if n_columns == 0 || !values.len().is_multiple_of(n_columns) {
        return Err(RError::argument(
            "The design matrix has no columns or a ragged shape.",
        ));
    }
    Ok(Design {
        values,
        n_cells: values.len() / n_columns,
        n_columns,
        names,
    })
}

fn optional_reals(value: &Robj) -> Option<&[f64]> {
    if value.is_null() {
        None
    } else {
        value.as_real_slice()
    }
}

fn to_usize(value: i32, what: &str) -> RResult<usize> {
    usize::try_from(value).map_err(|_| RError::argument(format!("{what} must not be negative.")))
}

fn fits_to_r(fits: &NullFits) -> RResult<Robj> {
    let genes = &fits.genes;
    let column = |f: &dyn Fn(&gsem_core::single_cell::GeneFit) -> f64| -> Robj {
        genes.iter().map(f).collect::<Vec<f64>>().into()
    };
    let flag = |f: &dyn Fn(&gsem_core::single_cell::GeneFit) -> bool| -> Robj {
        genes.iter().map(f).collect::<Vec<bool>>().into()
    };
    let status: Vec<&str> = genes.iter().map(|g| g.status.code()).collect();
    named_list(vec![
        ("tau", column(&|g| g.tau)),
        ("sigma2_g", column(&|g| g.s2g)),
        ("sigma2_e", column(&|g| g.s2e)),
        ("h2", column(&|g| g.h2)),
        ("loglik_reml", column(&|g| g.loglik_reml)),
        ("iterations", column(&|g| f64::from(g.evaluations))),
        ("converged", flag(&|g| g.converged)),
        ("at_boundary", flag(&|g| g.at_boundary)),
        ("status", status.into()),
        ("beta", fits.beta.clone().into()),
        ("se", fits.se.clone().into()),
        (
            "score_stats",
            List::from_values(fits.score_stats.iter().map(|s| {
                if s.is_empty() {
                    Robj::from(())
                } else {
                    Robj::from(s.clone())
                }
            }))
            .into(),
        ),
    ])
}

extendr_module! {
    mod single_cell;
    fn rs_build_stage1_sc;
    fn rs_group_missing_sc;
    fn rs_fit_genes_sc;
    fn rs_fit_null_sc;
}
