//! map_group's donor-level score tests against the dense cell-level definition
//! T = (Zg)'P y, Var(T) = (Zg)'P(Zg) with V = s2g Z K Z' + s2e I (spec step 2, section 2),
//! computed here with nalgebra on a small simulated data set, for K = I and a dense K.

use gsem_core::parallel::CancelToken;
use gsem_core::single_cell::association::{
    map_group, GeneResult, GeneTask, GenotypeSource, MapOptions, VariantFilter,
};
use gsem_core::single_cell::{Design, Expression, ExpressionLayout};
use nalgebra::{DMatrix, DVector};

mod association_support;
use association_support::{fit_one, Failure, Lcg};

fn check(dense_kernel: bool) {
    let (m, n, p, q) = (12usize, 90usize, 3usize, 7usize);
    let mut rng = Lcg(if dense_kernel { 7 } else { 11 });
    let donor: Vec<usize> = (0..n)
        .map(|i| {
            if i < m {
                i
            } else {
                (rng.next() * m as f64) as usize % m
            }
        })
        .collect();
    let mut x = vec![1.0; n * p];
    for i in 0..n {
        x[i + n] = rng.next();
        x[i + 2 * n] = (donor[i] % 3) as f64 + rng.next();
    }
    // K: a PSD matrix with relatedness (B B' / m) or the identity.
    let b = DMatrix::from_fn(m, 4, |_, _| rng.next() - 0.5);
    let k = if dense_kernel {
        &b * b.transpose() + DMatrix::identity(m, m) * 0.2
    } else {
        DMatrix::identity(m, m)
    };
    let u: Vec<f64> = (0..m).map(|_| rng.next() - 0.5).collect();
    let y: Vec<f64> = (0..n)
        .map(|i| u[donor[i]] + 0.3 * x[i + n] + rng.next() - 0.5)
        .collect();
    let names: Vec<String> = Vec::new();
    let design = Design {
        values: &x,
        n_cells: n,
        n_columns: p,
        names: &names,
    };
    let expr = Expression {
        values: &y,
        n_cells: n,
        n_genes: 1,
        layout: ExpressionLayout::GenesByCells,
    };
    let kvec: Vec<f64> = k.iter().copied().collect();
    let fits = fit_one(&donor, m, dense_kernel, &kvec, &design, &expr);
    let gene = fits.genes[0];
    let sys = fits.groups[0].stage1.as_ref().unwrap();
    // Genotypes: q variants over m donors, one missing call, one monomorphic variant.
    let mut g = vec![0.0; m * q];
    for v in 0..q {
        for d in 0..m {
            g[d + v * m] = if v == 3 {
                2.0
            } else if v == 4 {
                1.0
            } else {
                ((rng.next() * 3.0) as usize).min(2) as f64
            };
        }
    }
    g[5 + m] = f64::NAN;
    let rows: Vec<usize> = sys.donors.clone();
    let case = Case {
        sys,
        rows: &rows,
        g: &g,
        m,
        q,
    };
    let tasks = [GeneTask {
        id: 0,
        tau: gene.tau,
        s2e: gene.s2e,
        stats: &fits.score_stats[0],
        start: 0,
        end: q,
        variants: None,
    }];
    let results = case.map(&tasks, &MapOptions::default()).unwrap();
    let r = &results[0];
    check_pairs_and_file(&case, &tasks[0], r);
    check_blocks(&case, &tasks[0], r);
    // Dense reference.
    let zkz = DMatrix::from_fn(n, n, |i, j| k[(donor[i], donor[j])]);
    let v = zkz * gene.s2g + DMatrix::identity(n, n) * gene.s2e;
    let vinv = v.try_inverse().unwrap();
    let xm = DMatrix::from_column_slice(n, p, &x);
    let xtvx = xm.transpose() * &vinv * &xm;
    let pm = &vinv - &vinv * &xm * xtvx.try_inverse().unwrap() * xm.transpose() * &vinv;
    let yv = DVector::from_column_slice(&y);
    for var in 0..q {
        let mut gd: Vec<f64> = (0..m).map(|d| g[d + var * m]).collect();
        let obs: Vec<f64> = gd.iter().copied().filter(|x| !x.is_nan()).collect();
        let mean = obs.iter().sum::<f64>() / obs.len() as f64;
        gd.iter_mut().filter(|x| x.is_nan()).for_each(|x| *x = mean);
        if var == 3 {
            assert_eq!(r.summaries[var].filter, VariantFilter::Monomorphic);
            assert!(r.tests[var].tstat.is_nan());
            continue;
        }
        if var == 4 {
            // All heterozygous: MAC = m passes the filter, but the genotype is the intercept.
            assert_eq!(r.summaries[var].filter, VariantFilter::Pass);
            assert!(r.tests[var].var.is_nan() && r.pvalues[var].is_nan());
            continue;
        }
        let gc = DVector::from_fn(n, |i, _| gd[donor[i]]);
        let t = (gc.transpose() * &pm * &yv)[(0, 0)];
        let vt = (gc.transpose() * &pm * &gc)[(0, 0)];
        let (ours_t, ours_v) = (r.tests[var].tstat, r.tests[var].var);
        assert!((ours_t - t).abs() / vt.sqrt() < 1e-10, "T {ours_t} vs {t}");
        assert!((ours_v - vt).abs() / vt < 1e-10, "Var {ours_v} vs {vt}");
    }
    assert_eq!(r.num_var, q - 2);
}

#[test]
fn donor_level_score_tests_equal_the_dense_definition_with_k_identity() {
    check(false);
}

#[test]
fn donor_level_score_tests_equal_the_dense_definition_with_a_dense_kernel() {
    check(true);
}

/// A fitted group and q variants of genotypes over its m donors (donor d at row rows[d]).
struct Case<'a> {
    sys: &'a gsem_core::single_cell::DonorEigensystem,
    rows: &'a [usize],
    g: &'a [f64],
    m: usize,
    q: usize,
}

impl Case<'_> {
    /// map_group over all q variants in scan order, its results in the order given.
    fn map(
        &self,
        tasks: &[GeneTask<'_>],
        options: &MapOptions,
    ) -> Result<Vec<GeneResult>, Failure> {
        let scan: Vec<usize> = (0..self.q).collect();
        let mut source = GenotypeSource::Matrix {
            values: self.g,
            n_samples: self.m,
            n_variants: self.q,
        };
        let mut results = Vec::new();
        let sink = |b: Vec<GeneResult>| {
            results.extend(b);
            Ok(())
        };
        map_group::<Failure>(
            self.sys,
            self.rows,
            &mut source,
            &scan,
            tasks,
            options,
            &CancelToken::new(),
            sink,
        )?;
        Ok(results)
    }
}

/// Explicit pairs (every third variant, so the gathered block differs from the window's) give
/// the window's numbers, and the streamed file has one line per test after the header.
fn check_pairs_and_file(case: &Case<'_>, window: &GeneTask<'_>, full: &GeneResult) {
    use gsem_core::single_cell::association::{GeneLabel, VariantFile, VariantLabels};
    use std::io::Read;
    let picked: Vec<usize> = (window.start..window.end).step_by(3).collect();
    let task = GeneTask {
        variants: Some(&picked),
        ..*window
    };
    let (m, q) = (case.m, case.q);
    let results = case.map(&[task], &MapOptions::default()).unwrap();
    let r = &results[0];
    assert_eq!(r.positions, picked);
    for (j, &v) in picked.iter().enumerate() {
        let (a, b) = (r.tests[j], full.tests[v]);
        assert_eq!(a.tstat.is_nan(), b.tstat.is_nan());
        if !a.tstat.is_nan() {
            assert!((a.tstat - b.tstat).abs() <= 1e-12 * b.var.sqrt());
            assert!((a.var - b.var).abs() <= 1e-12 * b.var);
        }
        assert_eq!(r.summaries[j], full.summaries[v]);
    }
    // A selection outside the window is refused.
    let outside = [window.end];
    let bad = GeneTask {
        variants: Some(&outside),
        ..*window
    };
    let refused = case.map(&[bad], &MapOptions::default());
    assert!(refused.is_err());
    // The file: header + one row per test, 22 fields each.
    let names: Vec<String> = (0..q).map(|v| format!("v{v}")).collect();
    let pos: Vec<f64> = (0..q).map(|v| 100.0 + v as f64).collect();
    let labels = VariantLabels {
        first: 0,
        chrom: vec!["1"; q],
        pos: &pos,
        marker: names.iter().map(|s| s.as_str()).collect(),
        allele1: vec!["A"; q],
        allele2: vec!["G"; q],
    };
    // Tests run in parallel threads of one process: the counter keeps their files apart.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("cis_file_{}_{call}.tsv.gz", std::process::id()));
    let mut file = VariantFile::open(&path, false, true).unwrap();
    let gene = |_| GeneLabel {
        gene_id: "G1",
        tss: 110.0,
        n_donors: m as f64,
        n_cells: 1.0,
    };
    file.write_genes(std::slice::from_ref(full), gene, &labels)
        .unwrap();
    file.write_genes(&results, gene, &labels).unwrap();
    file.finish().unwrap();
    let mut text = String::new();
    flate2::read::MultiGzDecoder::new(std::fs::File::open(&path).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    std::fs::remove_file(&path).ok();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1 + full.positions.len() + picked.len());
    assert!(lines[0].starts_with("gene_id\tCHR\tPOS\tMarkerID"));
    assert!(lines.iter().all(|l| l.split('\t').count() == 22));
    let first: Vec<&str> = lines[1].split('\t').collect();
    assert_eq!(&first[..6], &["G1", "1", "100", "v0", "A", "G"]);
    assert_eq!(
        first[11].parse::<f64>().unwrap().to_bits(),
        full.tests[0].tstat.to_bits()
    );
}

/// Overlapping, nested, empty and explicit windows given out of order: results come back in
/// window order with the same bits for every block size (the scan's step), and each gene's
/// tests are those of the whole window alone.
fn check_blocks(case: &Case<'_>, window: &GeneTask<'_>, full: &GeneResult) {
    let q = case.q;
    let picked = [1, 4, q - 1];
    let span = |id, start, end| GeneTask {
        id,
        start,
        end,
        ..*window
    };
    let explicit = GeneTask {
        variants: Some(&picked),
        ..span(4, 1, q)
    };
    let tasks = [
        span(0, 2, 5),
        span(1, 0, q),
        span(2, 5, q),
        span(3, 3, 3),
        explicit,
    ];
    let run = |block: usize| {
        let options = MapOptions {
            block,
            ..MapOptions::default()
        };
        case.map(&tasks, &options).unwrap()
    };
    let reference = run(512);
    let ids: Vec<usize> = reference.iter().map(|r| r.id).collect();
    assert_eq!(ids, [1, 4, 0, 3, 2]);
    for r in &reference {
        assert_eq!(r.positions.len(), r.tests.len());
        for (j, &v) in r.positions.iter().enumerate() {
            assert_eq!(r.summaries[j], full.summaries[v]);
            assert_eq!(r.tests[j].tstat.to_bits(), full.tests[v].tstat.to_bits());
            assert_eq!(r.tests[j].var.to_bits(), full.tests[v].var.to_bits());
        }
    }
    // The same bits with K = I; with a dense K the projection's matrix product may sum in a
    // shape-dependent order (rounding only).
    let same = |x: f64, y: f64, scale: f64| {
        if case.sys.identity_kernel {
            x.to_bits() == y.to_bits()
        } else {
            (x.is_nan() && y.is_nan()) || (x - y).abs() <= 1e-12 * scale
        }
    };
    for block in [1, 2, 3] {
        let other = run(block);
        assert_eq!(other.len(), reference.len());
        for (a, b) in other.iter().zip(&reference) {
            assert_eq!(
                (a.id, &a.positions, a.num_var),
                (b.id, &b.positions, b.num_var)
            );
            assert!(same(a.acat_p, b.acat_p, b.acat_p), "block {block}");
            for (x, y) in a.tests.iter().zip(&b.tests) {
                let sd = y.var.sqrt();
                assert!(
                    same(x.tstat, y.tstat, sd) && same(x.var, y.var, y.var),
                    "block {block}"
                );
            }
        }
    }
}
