//! map_group's donor-level score tests against the dense cell-level definition
//! T = (Zg)'P y, Var(T) = (Zg)'P(Zg) with V = s2g Z K Z' + s2e I (spec step 2, section 2),
//! computed here with nalgebra on a small simulated data set, for K = I and a dense K.

use gsem_core::parallel::CancelToken;
use gsem_core::single_cell::association::{
    map_group, AssociationError, GeneResult, GeneTask, GenotypeSource, MapOptions, VariantFilter,
};
use gsem_core::single_cell::{
    fit_null_sc, Design, DonorKernel, Expression, ExpressionLayout, FitOptions, NullFits,
};
use nalgebra::{DMatrix, DVector};

struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 11) as f64) / ((1u64 << 53) as f64)
    }
}

#[derive(Debug)]
#[allow(dead_code)]
struct Failure(String);
impl From<AssociationError> for Failure {
    fn from(e: AssociationError) -> Self {
        Failure(e.to_string())
    }
}
impl From<gsem_core::error::Cancelled> for Failure {
    fn from(_: gsem_core::error::Cancelled) -> Self {
        Failure("cancelled".into())
    }
}

/// The null fit with K = I, or with the dense kernel `kvec`.
fn fit_one(
    donor: &[usize],
    m: usize,
    dense: bool,
    kvec: &[f64],
    design: &Design<'_>,
    expr: &Expression<'_>,
) -> NullFits {
    let kernel = if dense {
        DonorKernel::Dense(kvec)
    } else {
        DonorKernel::Identity
    };
    fit_null_sc(
        donor,
        m,
        kernel,
        design,
        expr,
        &FitOptions::default(),
        &CancelToken::new(),
    )
    .unwrap()
}

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
    let scan: Vec<usize> = (0..q).collect();
    let tasks = [GeneTask {
        id: 0,
        tau: gene.tau,
        s2e: gene.s2e,
        stats: &fits.score_stats[0],
        start: 0,
        end: q,
        variants: None,
    }];
    let mut source = GenotypeSource::Matrix {
        values: &g,
        n_samples: m,
        n_variants: q,
    };
    let mut results: Vec<GeneResult> = Vec::new();
    map_group::<Failure>(
        sys,
        &rows,
        &mut source,
        &scan,
        &tasks,
        &MapOptions::default(),
        &CancelToken::new(),
        |b| {
            results.extend(b);
            Ok(())
        },
    )
    .unwrap();
    let r = &results[0];
    check_pairs_and_file(sys, &rows, &g, m, q, &tasks[0], r);
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

/// Explicit pairs (every third variant, so the gathered block differs from the window's) give
/// the window's numbers, and the streamed file has one line per test after the header.
fn check_pairs_and_file(
    sys: &gsem_core::single_cell::DonorEigensystem,
    rows: &[usize],
    g: &[f64],
    m: usize,
    q: usize,
    window: &GeneTask<'_>,
    full: &GeneResult,
) {
    use gsem_core::single_cell::association::{GeneLabel, VariantFile, VariantLabels};
    use std::io::Read;
    let picked: Vec<usize> = (window.start..window.end).step_by(3).collect();
    let task = GeneTask {
        variants: Some(&picked),
        ..*window
    };
    let scan: Vec<usize> = (0..q).collect();
    let mut source = GenotypeSource::Matrix {
        values: g,
        n_samples: m,
        n_variants: q,
    };
    let mut results: Vec<GeneResult> = Vec::new();
    map_group::<Failure>(
        sys,
        rows,
        &mut source,
        &scan,
        &[task],
        &MapOptions::default(),
        &CancelToken::new(),
        |b| {
            results.extend(b);
            Ok(())
        },
    )
    .unwrap();
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
    let refused = map_group::<Failure>(
        sys,
        rows,
        &mut source,
        &scan,
        &[bad],
        &MapOptions::default(),
        &CancelToken::new(),
        |_| Ok(()),
    );
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
    let path = std::env::temp_dir().join(format!("cis_file_{}.tsv.gz", std::process::id()));
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

/// Timing at the bench's scale (1,611 donors, 26,593 cells): `cargo test --release --test
/// single_cell_association -- --ignored --nocapture`.
#[test]
#[ignore]
fn timing_at_scale() {
    use std::time::Instant;
    let (m, n, p, q, genes) = (1611usize, 26593usize, 5usize, 20000usize, 40usize);
    let mut rng = Lcg(3);
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
    for v in x.iter_mut().skip(n) {
        *v = rng.next();
    }
    let y: Vec<f64> = (0..n * genes).map(|_| rng.next()).collect();
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
        n_genes: genes,
        layout: ExpressionLayout::GenesByCells,
    };
    let b = DMatrix::from_fn(m, 50, |_, _| rng.next() - 0.5);
    let k = &b * b.transpose() / 50.0 + DMatrix::identity(m, m) * 0.5;
    let kvec: Vec<f64> = k.iter().copied().collect();
    let g: Vec<f64> = (0..m * q)
        .map(|_| ((rng.next() * 3.0) as usize).min(2) as f64)
        .collect();
    for (dense, used) in [(false, genes), (false, 4), (true, genes)] {
        let fits = fit_one(&donor, m, dense, &kvec, &design, &expr);
        let sys = fits.groups[0].stage1.as_ref().unwrap();
        let tasks: Vec<GeneTask> = (0..used)
            .map(|i| {
                let start = i * (q - 3000) / used;
                GeneTask {
                    id: i,
                    tau: fits.genes[i].tau.max(0.1),
                    s2e: fits.genes[i].s2e,
                    stats: &fits.score_stats[i],
                    start,
                    end: start + 3000,
                    variants: None,
                }
            })
            .collect();
        let scan: Vec<usize> = (0..q).collect();
        let mut source = GenotypeSource::Matrix {
            values: &g,
            n_samples: m,
            n_variants: q,
        };
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let cpu0 = cpu_seconds();
        let t0 = Instant::now();
        let mut count = 0usize;
        let timings = pool.install(|| {
            map_group::<Failure>(
                sys,
                &sys.donors,
                &mut source,
                &scan,
                &tasks,
                &MapOptions::default(),
                &CancelToken::new(),
                |b| {
                    count += b.iter().map(|r| r.end - r.start).sum::<usize>();
                    Ok(())
                },
            )
            .unwrap()
        });
        let s = t0.elapsed().as_secs_f64();
        let cpu = cpu_seconds() - cpu0;
        println!(
            "dense K: {dense}: {s:.2} s elapsed, {cpu:.2} s CPU, {count} tests, {q} variants: {:.2} us CPU per test",
            1e6 * cpu / count as f64
        );
        let flop = 2.0 * (m * m * q) as f64 * 1e-9;
        println!(
            "  phases (wall): read {:.2} s, summarise {:.2} s, project {:.2} s ({:.1} GFLOP/s), \
             tests {:.2} s ({:.3} us per test)",
            timings.read,
            timings.summarise,
            timings.project,
            if dense { flop / timings.project } else { 0.0 },
            timings.test,
            1e6 * timings.test / timings.tests as f64
        );
    }
}

/// CPU time (user + system, all threads) of this process, from /proc/self/stat.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

#[test]
#[ignore]
fn timing_small_gemm() {
    use faer::linalg::matmul::matmul;
    use faer::{Accum, MatMut, MatRef, Par};
    let (m, k, w) = (1611usize, 3000usize, 6usize);
    let a: Vec<f64> = (0..m * w).map(|i| (i % 7) as f64).collect();
    let b: Vec<f64> = (0..m * k).map(|i| (i % 5) as f64).collect();
    let mut c = vec![0.0; w * k];
    let cpu0 = cpu_seconds();
    for _ in 0..40 {
        let lhs = MatRef::from_row_major_slice(&a, w, m);
        let rhs = MatRef::from_column_major_slice(&b, m, k);
        let dst = MatMut::from_column_major_slice_mut(&mut c, w, k);
        matmul(dst, Accum::Replace, lhs, rhs, 1.0, Par::Seq);
    }
    let gemm = cpu_seconds() - cpu0;
    let cpu0 = cpu_seconds();
    for _ in 0..40 {
        for j in 0..k {
            let g = &b[j * m..(j + 1) * m];
            for r in 0..w {
                let x = &a[r * m..(r + 1) * m];
                let mut acc = [0.0f64; 4];
                for (gc, xc) in g.chunks_exact(4).zip(x.chunks_exact(4)) {
                    for l in 0..4 {
                        acc[l] += gc[l] * xc[l];
                    }
                }
                c[r + j * w] = acc.iter().sum();
            }
        }
    }
    let hand = cpu_seconds() - cpu0;
    println!("40 x ({w} x {m}) x ({m} x {k}): faer {gemm:.2} s CPU, hand-written dots {hand:.2} s CPU, c0 {}", c[0]);
    // Transposed orientation: (k x m) x (m x w), the long dimension first.
    let mut ct = vec![0.0; k * w];
    // `a` is w x m row-major, i.e. m x w column-major.
    let at = a.clone();
    let cpu0 = cpu_seconds();
    for _ in 0..40 {
        let lhs = MatRef::from_column_major_slice(&b, m, k).transpose();
        let rhs = MatRef::from_column_major_slice(&at, m, w);
        let dst = MatMut::from_column_major_slice_mut(&mut ct, k, w);
        matmul(dst, Accum::Replace, lhs, rhs, 1.0, Par::Seq);
    }
    let trans = cpu_seconds() - cpu0;
    // Two variants at a time against all rows (register blocking).
    let cpu0 = cpu_seconds();
    for _ in 0..40 {
        two_column_kernel(&a, w, m, &b, k, &mut c);
    }
    let blocked = cpu_seconds() - cpu0;
    println!("  transposed faer {trans:.2} s CPU ({:.1} GFLOP/s), two-column kernel {blocked:.2} s CPU ({:.1} GFLOP/s), faer {:.1} GFLOP/s; c0 {} {}",
        80.0 * (m * w * k) as f64 * 1e-9 / trans, 80.0 * (m * w * k) as f64 * 1e-9 / blocked,
        80.0 * (m * w * k) as f64 * 1e-9 / gemm, ct[0], c[0]);
}

fn two_column_kernel(a: &[f64], w: usize, m: usize, b: &[f64], k: usize, c: &mut [f64]) {
    #[target_feature(enable = "avx2,fma")]
    unsafe fn fast(a: &[f64], w: usize, m: usize, b: &[f64], k: usize, c: &mut [f64]) {
        generic(a, w, m, b, k, c)
    }
    if is_x86_feature_detected!("fma") && is_x86_feature_detected!("avx2") {
        unsafe { fast(a, w, m, b, k, c) }
    } else {
        generic(a, w, m, b, k, c)
    }
}

#[inline(always)]
fn generic(a: &[f64], w: usize, m: usize, b: &[f64], k: usize, c: &mut [f64]) {
    const W: usize = 7;
    assert!(w <= W);
    let mut j = 0;
    while j + 2 <= k {
        let g0 = &b[j * m..(j + 1) * m];
        let g1 = &b[(j + 1) * m..(j + 2) * m];
        let mut acc = [[[0.0f64; 4]; 2]; W];
        let chunks = m / 4;
        for ch in 0..chunks {
            let i = ch * 4;
            let x0: [f64; 4] = g0[i..i + 4].try_into().unwrap();
            let x1: [f64; 4] = g1[i..i + 4].try_into().unwrap();
            for r in 0..w {
                let wr: [f64; 4] = a[r * m + i..r * m + i + 4].try_into().unwrap();
                for l in 0..4 {
                    acc[r][0][l] = wr[l].mul_add(x0[l], acc[r][0][l]);
                    acc[r][1][l] = wr[l].mul_add(x1[l], acc[r][1][l]);
                }
            }
        }
        for r in 0..w {
            let mut s0: f64 = acc[r][0].iter().sum();
            let mut s1: f64 = acc[r][1].iter().sum();
            for i in chunks * 4..m {
                s0 += a[r * m + i] * g0[i];
                s1 += a[r * m + i] * g1[i];
            }
            c[r + j * w] = s0;
            c[r + (j + 1) * w] = s1;
        }
        j += 2;
    }
}
