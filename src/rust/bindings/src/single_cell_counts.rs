//! `fit_null_sc(trait_type = "count")`: plain R vectors in, plain lists out. R prepares the
//! design (cells x columns), the offsets, 1-based donor indices into the kernel's donors and
//! either a double genes x cells matrix (read in place) or the slots of a dgCMatrix.

use crate::convert::{named_list, optional_int, zero_based};
use crate::errors::{core_error, reply, RError, RResult};
use crate::{interrupt, threads};
use extendr_api::prelude::*;
use gsem_core::single_cell::association::plink::BedReader;
use gsem_core::single_cell::association::{FilterOptions, GenotypeSource};
use gsem_core::single_cell::count::score::CountNull;
use gsem_core::single_cell::count::{
    fit_count_genes, map_count_genes, CountGeneFit, CountMapGene, CountModel, CountSource,
};
use std::path::Path;

/// Fit the count genes `genes` (1-based rows of the count source). `counts` is a double
/// matrix (genes x cells), or `NULL` with the slots `p`, `i`, `x` of a dgCMatrix with
/// `n_genes` rows in `sparse_p`, `sparse_i`, `sparse_x` (empty vectors for a dense matrix).
/// @noRd
#[extendr]
#[allow(clippy::too_many_arguments)]
fn rs_fit_counts_sc(
    counts: Robj,
    sparse_p: &[i32],
    sparse_i: &[i32],
    sparse_x: &[f64],
    n_genes: i32,
    genes: &[i32],
    donor_of_cell: &[i32],
    n_donors: i32,
    kernel: Robj,
    design: &[f64],
    n_columns: i32,
    offset: &[f64],
    family: &str,
    requested_threads: Robj,
) -> Robj {
    reply((|| {
        let (threads, _) = threads::resolve(optional_int(&requested_threads, "cores")?)?;
        let n_genes = usize::try_from(n_genes).map_err(|_| RError::argument("n_genes must be >= 0."))?;
        let p = usize::try_from(n_columns).map_err(|_| RError::argument("n_columns must be >= 0."))?;
        let m = usize::try_from(n_donors).map_err(|_| RError::argument("n_donors must be >= 0."))?;
        let donors = zero_based(donor_of_cell, "the donor of each cell")?;
        let genes = zero_based(genes, "a gene")?;
        let nb = match family {
            "poisson" => false,
            "nb" => true,
            other => return Err(RError::argument(format!("Unknown count family `{other}`."))),
        };
        let kernel = if kernel.is_null() { None } else { kernel.as_real_slice() };
        let model = CountModel {
            design,
            n_cells: donors.len(),
            n_columns: p,
            offset,
            donor_of_cell: &donors,
            n_donors: m,
            kernel,
        };
        let source = if let Some(values) = counts.as_real_slice() {
            CountSource::Dense { values, n_genes }
        } else if counts.is_null() {
            CountSource::Sparse { col_ptr: sparse_p, row: sparse_i, values: sparse_x, n_genes }
        } else {
            return Err(RError::argument("The counts must be a double matrix or NULL (sparse)."));
        };
        let fits = interrupt::run(threads, |cancel| {
            fit_count_genes(&model, source, &genes, nb, cancel)
        })?
        .map_err(core_error)?;
        fits_to_r(&fits, p)
    })())
}

fn fits_to_r(fits: &[CountGeneFit], p: usize) -> RResult<Robj> {
    let column = |f: &dyn Fn(&CountGeneFit) -> f64| -> Robj { fits.iter().map(f).collect::<Vec<f64>>().into() };
    let flag = |f: &dyn Fn(&CountGeneFit) -> bool| -> Robj { fits.iter().map(f).collect::<Vec<bool>>().into() };
    let status: Vec<&str> = fits.iter().map(|g| g.status.code()).collect();
    let flat = |f: &dyn Fn(&CountGeneFit) -> &Vec<f64>| -> Vec<f64> {
        fits.iter().flat_map(|g| f(g).iter().copied()).collect()
    };
    let _ = p;
    named_list(vec![
        ("tau", column(&|g| g.tau)),
        ("theta", column(&|g| g.theta)),
        ("pql_iterations", column(&|g| g.pql_iterations as f64)),
        ("theta_iterations", column(&|g| g.theta_iterations as f64)),
        ("converged", flag(&|g| g.converged)),
        ("at_boundary", flag(&|g| g.at_boundary)),
        ("last_change", column(&|g| g.last_change)),
        ("reml_crit", column(&|g| g.reml_crit)),
        ("n_cells", column(&|g| g.n_cells as f64)),
        ("n_donors", column(&|g| g.n_donors as f64)),
        ("status", status.into()),
        ("beta", flat(&|g| &g.beta).into()),
        ("se", flat(&|g| &g.se).into()),
        ("residual", flat(&|g| &g.residual).into()),
        (
            "missing_cells",
            List::from_values(fits.iter().map(|g| {
                Robj::from(g.missing_cells.iter().map(|&i| i as i32 + 1).collect::<Vec<i32>>())
            }))
            .into(),
        ),
    ])
}

/// Score tests of count genes. `genotypes` is a .bed path (with `n_samples`, `n_variants`) or
/// a donors x variants double matrix; `donor_rows` the 1-based genotype row of each donor of
/// the fit; `scan` 1-based variant indices in scan order; per gene (`genes` 1-based ids):
/// `tau`, `theta`, a column of `beta` (p x k) and of `residual` (M x k), its missing cells
/// (list of 1-based cell indices) and its window `start` (0-based) .. `end` (exclusive).
/// @noRd
#[extendr]
#[allow(clippy::too_many_arguments)]
fn rs_map_cis_counts(
    genotypes: Robj,
    n_samples: i32,
    n_variants: i32,
    donor_rows: &[i32],
    scan: &[i32],
    genes: &[i32],
    tau: &[f64],
    theta: &[f64],
    beta: &[f64],
    residual: &[f64],
    missing: List,
    start: &[i32],
    end: &[i32],
    donor_of_cell: &[i32],
    kernel: Robj,
    design: &[f64],
    n_columns: i32,
    offset: &[f64],
    min_mac: f64,
    max_missing: f64,
    requested_threads: Robj,
) -> Robj {
    reply((|| {
        let (threads, _) = threads::resolve(optional_int(&requested_threads, "cores")?)?;
        let size = |v: i32| usize::try_from(v).map_err(|_| RError::argument("A count must not be negative."));
        let (n_samples, n_variants, p) = (size(n_samples)?, size(n_variants)?, size(n_columns)?);
        let donor_rows = zero_based(donor_rows, "A genotype row")?;
        let scan = zero_based(scan, "A variant index")?;
        let ids = zero_based(genes, "A gene index")?;
        let donors = zero_based(donor_of_cell, "the donor of each cell")?;
        let m = donor_rows.len();
        let k = ids.len();
        let missing: Vec<Vec<usize>> = missing
            .values()
            .map(|v| zero_based(v.as_integer_slice().unwrap_or(&[]), "A missing cell"))
            .collect::<RResult<_>>()?;
        if [tau.len(), theta.len(), start.len(), end.len(), missing.len()].iter().any(|&l| l != k)
            || beta.len() != p * k
            || residual.len() != m * k
        {
            return Err(RError::argument("The per-gene inputs of map_cis disagree in length."));
        }
        let kernel = if kernel.is_null() { None } else { kernel.as_real_slice() };
        let model = CountModel {
            design,
            n_cells: donors.len(),
            n_columns: p,
            offset,
            donor_of_cell: &donors,
            n_donors: m,
            kernel,
        };
        let mut tasks = Vec::with_capacity(k);
        for g in 0..k {
            tasks.push(CountMapGene {
                id: ids[g],
                null: CountNull {
                    tau: tau[g],
                    theta: theta[g],
                    beta: &beta[g * p..(g + 1) * p],
                    residual: &residual[g * m..(g + 1) * m],
                    missing: &missing[g],
                },
                start: size(start[g])?,
                end: size(end[g])?,
            });
        }
        let mut source = if let Some(path) = genotypes.as_str() {
            GenotypeSource::Bed(BedReader::open(Path::new(path), n_samples, n_variants).map_err(core_error)?)
        } else {
            let values = genotypes
                .as_real_slice()
                .ok_or_else(|| RError::argument("The dosages must be a double matrix."))?;
            GenotypeSource::Matrix { values, n_samples, n_variants }
        };
        let filter = FilterOptions { min_mac, max_missing };
        let results = interrupt::run(threads, |cancel| {
            map_count_genes(&model, &tasks, &mut source, &donor_rows, &scan, &filter, cancel)
        })?
        .map_err(core_error)?;
        let mut v_gene = Vec::new();
        let mut v_pos = Vec::new();
        let mut cols: [Vec<f64>; 11] = Default::default();
        let mut filt = Vec::new();
        let mut spa = Vec::new();
        let (mut g_id, mut g_num, mut g_acat, mut g_top) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for r in &results {
            for j in 0..r.end - r.start {
                let s = &r.summaries[j];
                let t = &r.tests[j];
                v_gene.push(r.id as i32 + 1);
                v_pos.push((r.start + j) as i32 + 1);
                for (c, v) in cols.iter_mut().zip([
                    s.ac, s.af, s.missing_rate, s.mac, s.maf, s.ma_samples, t.tstat, t.var,
                    t.p_value, t.p_normal, 0.0,
                ]) {
                    c.push(v);
                }
                filt.push(s.filter.code());
                spa.push(t.is_spa);
            }
            g_id.push(r.id as i32 + 1);
            g_num.push(r.num_var as i32);
            g_acat.push(r.acat_p);
            g_top.push(r.top.map_or(Rint::na(), |t| Rint::from((r.start + t) as i32 + 1)));
        }
        let [ac, af, mr, mac, maf, mas, ts, var, pv, pn, _] = cols;
        let variants = named_list(vec![
            ("gene", v_gene.into()),
            ("position", v_pos.into()),
            ("AC_Allele2", ac.into()),
            ("AF_Allele2", af.into()),
            ("MissingRate", mr.into()),
            ("MAC", mac.into()),
            ("MAF", maf.into()),
            ("ma_samples", mas.into()),
            ("filter", filt.into()),
            ("Tstat", ts.into()),
            ("var", var.into()),
            ("p.value", pv.into()),
            ("p.value.NA", pn.into()),
            ("Is.SPA", spa.into()),
        ])?;
        let genes = named_list(vec![
            ("gene", g_id.into()),
            ("num_var", g_num.into()),
            ("ACAT_p", g_acat.into()),
            ("top", Integers::from_values(g_top).into()),
        ])?;
        named_list(vec![("variants", variants), ("genes", genes)])
    })())
}

extendr_module! {
    mod single_cell_counts;
    fn rs_fit_counts_sc;
    fn rs_map_cis_counts;
}
