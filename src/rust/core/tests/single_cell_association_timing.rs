//! Timings of map_group at the bench's scale and of its small products (ignored by default).

use gsem_core::parallel::CancelToken;
use gsem_core::single_cell::association::{map_group, GeneTask, GenotypeSource, MapOptions};
use gsem_core::single_cell::{Design, Expression, ExpressionLayout};
use nalgebra::DMatrix;

mod association_support;
use association_support::{fit_one, Failure, Lcg};

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
