//! Rates of the stacked product (ignored tests, run by hand; see bench/README.md):
//! `cargo test --release -p genomicsemrs-core stacked_rate -- --ignored --nocapture` (one
//! block reused, data in cache), `stacked_map_rate` (the map's shape: a cold cache of 8,192
//! variants, ~7 overlapping windows of 3,000 variants, blocks on 2 threads; knobs
//! `STACKED_THREADS`, `STACKED_SPAN`, `STACKED_FULL`; `STACKED_GENES` for `stacked_rate`),
//! `tile_rate` (one tile in L1) and `alignment_rate` (`ALIGN_M`, `ALIGN_OFFSET`).

use super::cpu_time::process_cpu_seconds;
use super::score::{GeneScore, VariantTest};
use super::stacked::{test_stacked, StackedGene, StackedScratch};
use rayon::prelude::*;
use std::time::Instant;

const M: usize = 1611;
const P: usize = 6;

fn scores(n: usize) -> Vec<GeneScore> {
    (0..n)
        .map(|g| GeneScore {
            q: (0..M)
                .map(|i| 1.0 / (1.0 + (i + g) as f64 / M as f64))
                .collect(),
            weights: (0..M * (P + 1))
                .map(|i| ((i * 31 + g) % 97) as f64 / 97.0)
                .collect(),
            s2e: 1.0,
            p: P,
        })
        .collect()
}

/// An environment knob of these timings (`default` when unset or unreadable).
fn knob(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// GFLOP/s of a kernel loop that did `flop` in `wall` and `cpu` seconds (`check` is printed
/// so that the loop's result is used).
fn report_rate(label: &str, flop: f64, wall: f64, cpu: f64, check: f64) {
    println!(
        "{label}: {:.1} GFLOP/s per CPU second, {:.1} per wall second ({check})",
        flop / cpu * 1e-9,
        flop / wall * 1e-9
    );
}

fn report(label: &str, tests: usize, wall: f64, cpu: f64) {
    let flop = tests as f64 * 2.0 * (P + 2) as f64 * M as f64;
    println!(
        "{label}: {:.3} us wall, {:.3} us CPU per test, {:.1} GFLOP/s per CPU second",
        1e6 * wall / tests as f64,
        1e6 * cpu / tests as f64,
        flop / cpu * 1e-9
    );
}

#[test]
#[ignore]
fn stacked_rate() {
    let (k, n) = (128usize, knob("STACKED_GENES", 6));
    let block: Vec<f64> = (0..M * k)
        .map(|i| ((i * 7919) % 1000) as f64 / 1000.0)
        .collect();
    let scores = scores(n);
    let stack: Vec<StackedGene> = scores
        .iter()
        .map(|score| StackedGene {
            score,
            from: 0,
            to: k,
        })
        .collect();
    let (mut scratch, mut out) = (StackedScratch::default(), Vec::new());
    let reps = 2000;
    let (clock, cpu) = (Instant::now(), process_cpu_seconds());
    for _ in 0..reps {
        test_stacked(&stack, &block, M, &mut scratch, &mut out);
    }
    let (wall, cpu) = (clock.elapsed().as_secs_f64(), process_cpu_seconds() - cpu);
    report("one block, 1 thread", reps * n * k, wall, cpu);
}

#[test]
#[ignore]
fn stacked_map_rate() {
    const BLOCK: usize = 128;
    // STACKED_SPAN 1024 keeps the cache in L3 (cold columns cost the difference).
    let (span, threads) = (knob("STACKED_SPAN", 8192), knob("STACKED_THREADS", 2));
    // STACKED_FULL=1: every gene covers the whole span (no window edges).
    let full = knob("STACKED_FULL", 0) == 1;
    let (window, n) = if full {
        (span, 7)
    } else {
        (3000usize.min(span / 2), 12usize)
    };
    let cache: Vec<f64> = (0..M * span)
        .map(|i| ((i * 7919) % 1000) as f64 / 1000.0)
        .collect();
    let scores = scores(n);
    let step = (span - window) / (n - 1).max(1);
    let windows: Vec<(usize, usize)> = (0..n).map(|g| (g * step, g * step + window)).collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let starts: Vec<usize> = (0..span).step_by(BLOCK).collect();
    let reps = 20 * 8192 / span;
    let (clock, cpu) = (Instant::now(), process_cpu_seconds());
    let mut tests = 0;
    for _ in 0..reps {
        let counts: Vec<usize> = pool.install(|| {
            starts
                .par_iter()
                .map_init(
                    || {
                        (
                            StackedScratch::default(),
                            Vec::<VariantTest>::new(),
                            Vec::new(),
                        )
                    },
                    |(scratch, out, stack), &b0| {
                        let b1 = (b0 + BLOCK).min(span);
                        stack.clear();
                        for (g, &(s, e)) in windows.iter().enumerate() {
                            let (from, to) = (s.max(b0), e.min(b1));
                            if from < to {
                                stack.push(StackedGene {
                                    score: &scores[g],
                                    from: from - b0,
                                    to: to - b0,
                                });
                            }
                        }
                        test_stacked(stack, &cache[b0 * M..b1 * M], M, scratch, out);
                        out.len()
                    },
                )
                .collect()
        });
        tests += counts.iter().sum::<usize>();
    }
    let (wall, cpu) = (clock.elapsed().as_secs_f64(), process_cpu_seconds() - cpu);
    report(
        &format!("map-like, span {span}, {threads} threads"),
        tests,
        wall,
        cpu,
    );
}

/// The 3 x 4 tile alone on 256 terms in L1 (its ceiling; `NOSQ=1`: no squared tiles).
#[test]
#[ignore]
fn tile_rate() {
    use super::dot::{dot_tile, MR, NR};
    let n = 256;
    let v: Vec<Vec<f64>> = (0..MR + NR)
        .map(|s| (0..n).map(|i| ((i * 31 + s) % 97) as f64 / 97.0).collect())
        .collect();
    let rows = [&v[0][..], &v[1][..], &v[2][..]];
    let cols = [&v[3][..], &v[4][..], &v[5][..], &v[6][..]];
    let (reps, square) = (2_000_000, std::env::var_os("NOSQ").is_none());
    let mut sum = 0.0;
    let (clock, cpu) = (Instant::now(), process_cpu_seconds());
    for r in 0..reps {
        let tile = if r % 2 == 0 || !square {
            dot_tile::<false, MR>(rows, cols, n)
        } else {
            dot_tile::<true, MR>(rows, cols, n)
        };
        sum += tile[r % MR][r % NR];
    }
    let (wall, cpu) = (clock.elapsed().as_secs_f64(), process_cpu_seconds() - cpu);
    report_rate(
        "tile in L1",
        (reps * MR * NR * n * 2) as f64,
        wall,
        cpu,
        sum,
    );
}

/// Alignment of the stacked product's vectors: 48 rows against 128 columns of m = 1,616
/// donors (a multiple of 8), all in one buffer starting `ALIGN_OFFSET` doubles past a
/// 64-byte boundary (0: every 32-byte load inside one cache line).
#[test]
#[ignore]
fn alignment_rate() {
    use super::dot::{dot_tile, MR_WIDE, NR};
    let (ma, offset) = (knob("ALIGN_M", 1616), knob("ALIGN_OFFSET", 0));
    let (rows, cols) = (48usize, 128usize);
    let mut buf = vec![0.0f64; (rows + cols) * ma + 64];
    let start = (8 - (buf.as_ptr() as usize / 8) % 8) % 8 + offset;
    for (i, x) in buf.iter_mut().enumerate() {
        *x = ((i * 7919) % 1000) as f64 / 1000.0;
    }
    let data = &buf[start..start + (rows + cols) * ma];
    let (a, b) = data.split_at(rows * ma);
    let reps = 4000;
    let mut sum = 0.0;
    let (clock, cpu) = (Instant::now(), process_cpu_seconds());
    for _ in 0..reps {
        for c0 in (0..cols).step_by(NR) {
            let cs: [&[f64]; NR] = std::array::from_fn(|c| &b[(c0 + c) * ma..(c0 + c + 1) * ma]);
            for r0 in (0..rows).step_by(MR_WIDE) {
                let rs: [&[f64]; MR_WIDE] =
                    std::array::from_fn(|r| &a[(r0 + r) * ma..(r0 + r + 1) * ma]);
                sum += dot_tile::<false, MR_WIDE>(rs, cs, ma)[0][0];
            }
        }
    }
    let (wall, cpu) = (clock.elapsed().as_secs_f64(), process_cpu_seconds() - cpu);
    let flop = (reps * rows * cols * ma * 2) as f64;
    report_rate(&format!("offset {offset}"), flop, wall, cpu, sum);
}
