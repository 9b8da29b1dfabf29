//! `map_cis()`: PLINK tables for R, and the cis score tests of one cell group. R matches
//! donors and variants, computes the windows and shapes the tables; Rust reads genotypes,
//! projects them and tests.

use crate::convert::{named_list, optional_int, zero_based};
use crate::errors::{core_error, reply, RError, RResult};
use crate::single_cell_state::stage1_from_r;
use crate::{interrupt, threads};
use extendr_api::prelude::*;
use gsem_core::single_cell::association::plink::{read_bim, read_fam, BedReader};
use gsem_core::single_cell::association::{
    map_group, AssociationError, FilterOptions, GeneResult, GeneTask, GenotypeSource, MapOptions,
};
use std::path::Path;

/// The .bim and .fam tables of a PLINK prefix.
/// @noRd
#[extendr]
fn rs_read_plink_tables(bim: &str, fam: &str) -> Robj {
    reply((|| {
        let b = read_bim(Path::new(bim)).map_err(core_error)?;
        let f = read_fam(Path::new(fam)).map_err(core_error)?;
        named_list(vec![
            ("CHR", b.chrom.into()),
            ("MarkerID", b.marker.into()),
            ("POS", b.pos.into()),
            ("Allele2", b.allele1_col5.into()),
            ("Allele1", b.allele2_col6.into()),
            ("FID", f.fid.into()),
            ("IID", f.iid.into()),
        ])
    })())
}

/// Columns of the variant and gene tables, filled batch by batch.
#[derive(Default)]
struct Collected {
    gene: Vec<i32>,
    position: Vec<i32>,
    ac: Vec<f64>,
    af: Vec<f64>,
    missing: Vec<f64>,
    mac: Vec<f64>,
    maf: Vec<f64>,
    ma_samples: Vec<f64>,
    filter: Vec<&'static str>,
    tstat: Vec<f64>,
    var: Vec<f64>,
    pvalue: Vec<f64>,
    gene_id: Vec<i32>,
    num_var: Vec<i32>,
    acat: Vec<f64>,
    top: Vec<Option<i32>>,
}

impl Collected {
    fn add(&mut self, results: Vec<GeneResult>) {
        for r in results {
            let id = r.id as i32 + 1;
            for j in 0..(r.end - r.start) {
                let s = &r.summaries[j];
                self.gene.push(id);
                self.position.push((r.start + j) as i32 + 1);
                self.ac.push(s.ac);
                self.af.push(s.af);
                self.missing.push(s.missing_rate);
                self.mac.push(s.mac);
                self.maf.push(s.maf);
                self.ma_samples.push(s.ma_samples);
                self.filter.push(s.filter.code());
                self.tstat.push(r.tests[j].tstat);
                self.var.push(r.tests[j].var);
                self.pvalue.push(r.pvalues[j]);
            }
            self.gene_id.push(id);
            self.num_var.push(r.num_var as i32);
            self.acat.push(r.acat_p);
            self.top.push(r.top.map(|t| (r.start + t) as i32 + 1));
        }
    }

    fn into_r(self) -> RResult<Robj> {
        let top: Robj =
            Integers::from_values(self.top.iter().map(|t| t.map_or(Rint::na(), Rint::from))).into();
        let variants = named_list(vec![
            ("gene", self.gene.into()),
            ("position", self.position.into()),
            ("AC_Allele2", self.ac.into()),
            ("AF_Allele2", self.af.into()),
            ("MissingRate", self.missing.into()),
            ("MAC", self.mac.into()),
            ("MAF", self.maf.into()),
            ("ma_samples", self.ma_samples.into()),
            ("filter", self.filter.into()),
            ("Tstat", self.tstat.into()),
            ("var", self.var.into()),
            ("p.value", self.pvalue.into()),
        ])?;
        let genes = named_list(vec![
            ("gene", self.gene_id.into()),
            ("num_var", self.num_var.into()),
            ("ACAT_p", self.acat.into()),
            ("top", top),
        ])?;
        named_list(vec![("variants", variants), ("genes", genes)])
    }
}

struct BindingError(RError);

impl From<AssociationError> for BindingError {
    fn from(e: AssociationError) -> Self {
        BindingError(core_error(e))
    }
}

impl From<gsem_core::error::Cancelled> for BindingError {
    fn from(e: gsem_core::error::Cancelled) -> Self {
        BindingError(core_error(e))
    }
}

/// Score tests of the genes of one cell group. `genotypes` is a .bed path (with `n_samples`,
/// `n_variants` from the .fam/.bim) or a donors x variants double matrix; `donor_rows` the
/// 1-based genotype row of each stage-1 donor; `scan` 1-based variant indices in scan order;
/// per gene (`genes` 1-based ids): `tau`, `s2e`, `stats` (a column of (m + p + 1) x genes)
/// and the window `start` (0-based, inclusive) .. `end` (exclusive) in scan positions.
/// @noRd
#[extendr]
#[allow(clippy::too_many_arguments)]
fn rs_map_cis_sc(
    stage1: List,
    genotypes: Robj,
    n_samples: i32,
    n_variants: i32,
    donor_rows: &[i32],
    scan: &[i32],
    genes: &[i32],
    tau: &[f64],
    s2e: &[f64],
    stats: &[f64],
    start: &[i32],
    end: &[i32],
    min_mac: f64,
    max_missing: f64,
    requested_threads: Robj,
) -> Robj {
    reply((|| {
        let (threads, _) = threads::resolve(optional_int(&requested_threads, "cores")?)?;
        let sys = stage1_from_r(stage1)?;
        let donor_rows = zero_based(donor_rows, "A genotype row")?;
        let scan = zero_based(scan, "A variant index")?;
        let ids = zero_based(genes, "A gene index")?;
        let (n_samples, n_variants) = (count(n_samples)?, count(n_variants)?);
        let mut source = if let Some(path) = genotypes.as_str() {
            let bed =
                BedReader::open(Path::new(path), n_samples, n_variants).map_err(core_error)?;
            GenotypeSource::Bed(bed)
        } else {
            let values = genotypes
                .as_real_slice()
                .ok_or_else(|| RError::argument("The dosages must be a double matrix."))?;
            GenotypeSource::Matrix {
                values,
                n_samples,
                n_variants,
            }
        };
        let rows = sys.n_donors + sys.n_columns + 1;
        let k = ids.len();
        if [tau.len(), s2e.len(), start.len(), end.len()]
            .iter()
            .any(|&l| l != k)
            || stats.len() != rows * k
        {
            return Err(RError::argument(
                "The per-gene inputs of map_cis disagree in length.",
            ));
        }
        let mut tasks = Vec::with_capacity(k);
        for g in 0..k {
            tasks.push(GeneTask {
                id: ids[g],
                tau: tau[g],
                s2e: s2e[g],
                stats: &stats[g * rows..(g + 1) * rows],
                start: count(start[g])?,
                end: count(end[g])?,
            });
        }
        let options = MapOptions {
            filter: FilterOptions {
                min_mac,
                max_missing,
            },
            ..MapOptions::default()
        };
        let mut collected = Collected::default();
        let outcome = interrupt::run(threads, |cancel| {
            map_group::<BindingError>(
                &sys,
                &donor_rows,
                &mut source,
                &scan,
                &tasks,
                &options,
                cancel,
                |batch| {
                    collected.add(batch);
                    Ok(())
                },
            )
        })?;
        outcome.map_err(|e| e.0)?;
        collected.into_r()
    })())
}

fn count(value: i32) -> RResult<usize> {
    usize::try_from(value).map_err(|_| RError::argument("A count must not be negative."))
}

extendr_module! {
    mod map_cis;
    fn rs_read_plink_tables;
    fn rs_map_cis_sc;
}
