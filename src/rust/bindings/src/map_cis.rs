//! `map_cis()`: PLINK tables for R, and the cis score tests of one cell group. R matches
//! donors and variants, computes the windows and shapes the tables; Rust reads genotypes,
//! projects them and tests.

use crate::convert::{doubles, list_elements, named_list, optional_int, strs, zero_based};
use crate::errors::{core_error, reply, RError, RResult};
use crate::single_cell_state::stage1_from_r;
use crate::{interrupt, threads};
use extendr_api::prelude::*;
use gsem_core::single_cell::association::plink::{read_bim, read_fam, BedReader};
use gsem_core::single_cell::association::{
    map_group, AssociationError, FilterOptions, GeneLabel, GeneResult, GeneTask, GenotypeSource,
    MapOptions, MapTimings, VariantFile, VariantLabels, VARIANT_COLUMNS,
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

/// The column names of the variant table, in the order of the streamed file.
/// @noRd
#[extendr]
fn rs_cis_variant_columns() -> Robj {
    VARIANT_COLUMNS.to_vec().into()
}

/// The gene table's columns and, unless the variants went to a file, the variant table's,
/// filled batch by batch (`ids[task]` is the caller's 1-based gene index).
#[derive(Default)]
struct Collected {
    keep_variants: bool,
    gene: Vec<i32>,
    position: Vec<i32>,
    ac: Vec<f64>,
    af: Vec<f64>,
    missing: Vec<f64>,
    mac: Vec<f64>,
    maf: Vec<f64>,
    ma_samples: Vec<i32>,
    filter: Vec<&'static str>,
    tstat: Vec<f64>,
    var: Vec<f64>,
    pvalue: Vec<f64>,
    gene_id: Vec<i32>,
    num_var: Vec<i32>,
    n_tested: Vec<i32>,
    acat: Vec<f64>,
    top: Vec<Option<i32>>,
    top_p: Vec<f64>,
    top_t: Vec<f64>,
    top_var: Vec<f64>,
}

impl Collected {
    fn add(&mut self, results: &[GeneResult], ids: &[usize]) {
        for r in results {
            let id = ids[r.id] as i32 + 1;
            if self.keep_variants {
                for (j, &position) in r.positions.iter().enumerate() {
                    let s = &r.summaries[j];
                    self.gene.push(id);
                    self.position.push(position as i32 + 1);
                    self.ac.push(s.ac);
                    self.af.push(s.af);
                    self.missing.push(s.missing_rate);
                    self.mac.push(s.mac);
                    self.maf.push(s.maf);
                    self.ma_samples.push(s.ma_samples as i32);
                    self.filter.push(s.filter.code());
                    self.tstat.push(r.tests[j].tstat);
                    self.var.push(r.tests[j].var);
                    self.pvalue.push(r.pvalues[j]);
                }
            }
            self.gene_id.push(id);
            self.num_var.push(r.num_var as i32);
            self.n_tested.push(r.positions.len() as i32);
            self.acat.push(r.acat_p);
            self.top.push(r.top.map(|t| r.positions[t] as i32 + 1));
            let at = |x: &dyn Fn(usize) -> f64| r.top.map_or(f64::NAN, x);
            self.top_p.push(at(&|t| r.pvalues[t]));
            self.top_t.push(at(&|t| r.tests[t].tstat));
            self.top_var.push(at(&|t| r.tests[t].var));
        }
    }

    fn into_r(self, t: &MapTimings) -> RResult<Robj> {
        let top: Robj =
            Integers::from_values(self.top.iter().map(|t| t.map_or(Rint::na(), Rint::from))).into();
        let variants = if self.keep_variants {
            named_list(vec![
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
            ])?
        } else {
            Robj::from(())
        };
        let genes = named_list(vec![
            ("gene", self.gene_id.into()),
            ("num_var", self.num_var.into()),
            ("n_tested", self.n_tested.into()),
            ("ACAT_p", self.acat.into()),
            ("top", top),
            ("top_pval", self.top_p.into()),
            ("top_Tstat", self.top_t.into()),
            ("top_var", self.top_var.into()),
        ])?;
        let timings = named_list(vec![
            ("read", t.read.into()),
            ("summarise", t.summarise.into()),
            ("project", t.project.into()),
            ("test", t.test.into()),
            ("write", t.sink.into()),
            ("cpu_read", t.cpu[0].into()),
            ("cpu_summarise", t.cpu[1].into()),
            ("cpu_project", t.cpu[2].into()),
            ("cpu_test", t.cpu[3].into()),
            ("cpu_write", t.cpu[4].into()),
            ("variants", (t.variants as f64).into()),
            ("tests", (t.tests as f64).into()),
        ])?;
        named_list(vec![
            ("variants", variants),
            ("genes", genes),
            ("timings", timings),
        ])
    }
}

/// The labels that the variant file needs: `variants` (the scan positions `first..` of the
/// batch: CHR, POS, MarkerID, Allele1, Allele2) and, per task gene, gene_id, tss, N, N_cells.
struct Labels<'a> {
    variants: VariantLabels<'a>,
    gene_id: Vec<&'a str>,
    tss: &'a [f64],
    n_donors: &'a [f64],
    n_cells: &'a [f64],
}

const LABEL_NAMES: [&str; 10] = [
    "first", "CHR", "POS", "MarkerID", "Allele1", "Allele2", "gene_id", "tss", "N", "N_cells",
];

fn labels(values: &[Robj], n_genes: usize) -> RResult<Labels<'_>> {
    let first = doubles(&values[0], "first")?
        .first()
        .copied()
        .unwrap_or(0.0);
    let variants = VariantLabels {
        first: count(first as i32)?,
        chrom: strs(&values[1], "CHR")?,
        pos: doubles(&values[2], "POS")?,
        marker: strs(&values[3], "MarkerID")?,
        allele1: strs(&values[4], "Allele1")?,
        allele2: strs(&values[5], "Allele2")?,
    };
    let out = Labels {
        variants,
        gene_id: strs(&values[6], "gene_id")?,
        tss: doubles(&values[7], "tss")?,
        n_donors: doubles(&values[8], "N")?,
        n_cells: doubles(&values[9], "N_cells")?,
    };
    let lengths = [
        out.gene_id.len(),
        out.tss.len(),
        out.n_donors.len(),
        out.n_cells.len(),
    ];
    if lengths.iter().any(|&l| l != n_genes) {
        return Err(RError::argument(
            "The gene labels of map_cis disagree in length.",
        ));
    }
    Ok(out)
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
/// `pair_counts` (per gene, or empty for whole windows) and `pairs` (1-based scan positions,
/// increasing within each gene) select explicit gene x variant pairs. With `output` (a path)
/// the variant rows are written there (appended when `append`, else to a new file; R writes
/// the header) using `labels`, and only the gene table is returned.
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
    pair_counts: &[i32],
    pairs: &[i32],
    min_mac: f64,
    max_missing: f64,
    output: Robj,
    append: bool,
    labels_list: Robj,
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
        let pairs = zero_based(pairs, "A paired variant")?;
        let selection = !pair_counts.is_empty();
        if selection
            && (pair_counts.len() != k
                || pair_counts
                    .iter()
                    .map(|&c| c.max(0) as usize)
                    .sum::<usize>()
                    != pairs.len())
        {
            return Err(RError::argument(
                "The gene x variant pairs of map_cis are inconsistent.",
            ));
        }
        let mut tasks = Vec::with_capacity(k);
        let mut offset = 0;
        for g in 0..k {
            let variants = if selection {
                let c = count(pair_counts[g])?;
                offset += c;
                Some(&pairs[offset - c..offset])
            } else {
                None
            };
            tasks.push(GeneTask {
                id: g,
                tau: tau[g],
                s2e: s2e[g],
                stats: &stats[g * rows..(g + 1) * rows],
                start: count(start[g])?,
                end: count(end[g])?,
                variants,
            });
        }
        let options = MapOptions {
            filter: FilterOptions {
                min_mac,
                max_missing,
            },
            ..MapOptions::default()
        };
        let mut collected = Collected {
            keep_variants: output.is_null(),
            ..Collected::default()
        };
        let label_values = if output.is_null() {
            Vec::new()
        } else {
            list_elements(&labels_list, &LABEL_NAMES)?
        };
        let labels = if output.is_null() {
            None
        } else {
            Some(labels(&label_values, k)?)
        };
        let path = output.as_str();
        let outcome = interrupt::run(threads, |cancel| {
            let mut file = match (path, &labels) {
                (Some(path), Some(_)) => Some(
                    VariantFile::open(Path::new(path), append, false)
                        .map_err(BindingError::from)?,
                ),
                _ => None,
            };
            let timings = map_group::<BindingError>(
                &sys,
                &donor_rows,
                &mut source,
                &scan,
                &tasks,
                &options,
                cancel,
                |batch| {
                    if let (Some(file), Some(l)) = (file.as_mut(), labels.as_ref()) {
                        let gene = |g: usize| GeneLabel {
                            gene_id: l.gene_id[g],
                            tss: l.tss[g],
                            n_donors: l.n_donors[g],
                            n_cells: l.n_cells[g],
                        };
                        file.write_genes(&batch, gene, &l.variants)?;
                    }
                    collected.add(&batch, &ids);
                    Ok(())
                },
            )?;
            if let Some(f) = file {
                f.finish().map_err(BindingError::from)?;
            }
            Ok(timings)
        })?;
        let timings = outcome.map_err(|e: BindingError| e.0)?;
        collected.into_r(&timings)
    })())
}

fn count(value: i32) -> RResult<usize> {
    usize::try_from(value).map_err(|_| RError::argument("A count must not be negative."))
}

extendr_module! {
    mod map_cis;
    fn rs_read_plink_tables;
    fn rs_cis_variant_columns;
    fn rs_map_cis_sc;
}
