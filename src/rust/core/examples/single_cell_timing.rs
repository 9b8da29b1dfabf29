//! Timing probe for the single-cell null-model fit at the scale of the original study:
//! 1,611 donors, 26,593 cells, 2,000 genes, p = 8, simulated with a deterministic PRNG.
//!
//!     cargo run --release -p genomicsemrs-core --example single_cell_timing [genes]
//!     /usr/bin/time -v target/release/examples/single_cell_timing   # peak memory
//!
//! Goals (issue 7): stage 1 < 2 s, < 2 ms per gene, peak memory < 1 GB.

use faer::linalg::matmul::matmul;
use faer::{Accum, Mat, Par};
use gsem_core::parallel::CancelToken;
use gsem_core::single_cell::{
    build_stage1, fit_group_genes, fit_null_sc, Design, DonorKernel, Expression, ExpressionLayout,
    FitOptions, TauMode,
};
use std::time::Instant;

const DONORS: usize = 1_611;
const CELLS: usize = 26_593;
const SNPS: usize = 2_000;
const P: usize = 8;

/// xorshift64*: uniforms in (-0.5, 0.5).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64 - 0.5
    }
}

fn main() {
    let n_genes: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(2_000);
    let mut rng = Rng(20_240_601);
    let t = Instant::now();
    // GRM from standardised genotypes: K = W W' / SNPS.
    let setup = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let w = Mat::<f64>::from_fn(DONORS, SNPS, |_, _| {
        let g = (rng.next() + 0.5) * 3.0;
        (g.floor() - 1.0) / 0.8165
    });
    let mut k = Mat::<f64>::zeros(DONORS, DONORS);
    setup.install(|| {
        let scale = 1.0 / SNPS as f64;
        matmul(
            k.as_mut(),
            Accum::Replace,
            w.as_ref(),
            w.transpose(),
            scale,
            Par::rayon(0),
        )
    });
    let kernel: Vec<f64> = (0..DONORS * DONORS)
        .map(|i| k[(i % DONORS, i / DONORS)])
        .collect();
    drop((w, k));
    // Cells: donors get 1..=32 cells, shuffled by the PRNG.
    let donor_of_cell: Vec<usize> = (0..CELLS)
        .map(|i| {
            if i < DONORS {
                i
            } else {
                ((rng.next() + 0.5) * DONORS as f64) as usize % DONORS
            }
        })
        .collect();
    let mut x = vec![0.0; CELLS * P];
    let donor_covariates: Vec<[f64; 4]> = (0..DONORS)
        .map(|_| {
            [
                rng.next() * 40.0 + 50.0,
                (rng.next() > 0.0) as u8 as f64,
                rng.next(),
                rng.next(),
            ]
        })
        .collect();
    for i in 0..CELLS {
        let d = donor_of_cell[i];
        let cell_type = rng.next();
        let row = [
            1.0,
            donor_covariates[d][0],
            donor_covariates[d][1],
            donor_covariates[d][2],
            donor_covariates[d][3],
            (cell_type > 0.2) as u8 as f64,
            (cell_type < -0.2) as u8 as f64,
            8.0 + rng.next(),
        ];
        for j in 0..P {
            x[i + j * CELLS] = row[j];
        }
    }
    // Expression, genes x cells (R's layout): y = X b + u + e with h2 in [0, 0.6].
    let mut expr = vec![0.0; n_genes * CELLS];
    for g in 0..n_genes {
        let h2 = (rng.next() + 0.5) * 0.6;
        let u: Vec<f64> = (0..DONORS)
            .map(|_| rng.next() * (12.0 * h2).sqrt())
            .collect();
        let sd_e = (12.0 * (1.0 - h2)).sqrt();
        for i in 0..CELLS {
            expr[g + i * n_genes] = 2.0
                + 0.01 * x[i + CELLS]
                + 0.5 * x[i + 5 * CELLS]
                + u[donor_of_cell[i]]
                + sd_e * rng.next();
        }
    }
    eprintln!("simulated in {:.1} s", t.elapsed().as_secs_f64());

    let design = Design {
        values: &x,
        n_cells: CELLS,
        n_columns: P,
        names: &[],
    };
    let view = Expression {
        values: &expr,
        n_cells: CELLS,
        n_genes,
        layout: ExpressionLayout::GenesByCells,
    };
    let genes: Vec<usize> = (0..n_genes).collect();
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let t = Instant::now();
            let sys = build_stage1(&donor_of_cell, DONORS, DonorKernel::Dense(&kernel), &design, None).unwrap();
            let stage1 = t.elapsed().as_secs_f64();
            let t = Instant::now();
            let fits = fit_group_genes(&sys, &view, &genes, &FitOptions::default(), &CancelToken::new()).unwrap();
            let stage2 = t.elapsed().as_secs_f64();
            let evaluations: u32 = fits.genes.iter().map(|f| f.evaluations).sum();
            let boundary = fits.genes.iter().filter(|f| f.at_boundary).count();
            let ok = fits.genes.iter().filter(|f| f.converged).count();
            println!(
                "threads {threads}: stage 1 {stage1:.3} s; stage 2 {stage2:.3} s for {n_genes} genes = {:.3} ms/gene \
                 ({:.1} evaluations/gene, {ok} converged, {boundary} at tau = 0)",
                1e3 * stage2 / n_genes as f64,
                evaluations as f64 / n_genes as f64
            );
            // The aggregation alone: tau fixed costs three criterion evaluations per gene.
            let t = Instant::now();
            let fixed = FitOptions { tau: TauMode::Fixed(0.3), ..FitOptions::default() };
            fit_group_genes(&sys, &view, &genes, &fixed, &CancelToken::new()).unwrap();
            println!("threads {threads}: fixed tau {:.3} ms/gene", 1e3 * t.elapsed().as_secs_f64() / n_genes as f64);
            // End to end as the bindings call it: grouping by missing values, stage 1, stage 2.
            let t = Instant::now();
            let options = FitOptions { keep_stage1: false, ..FitOptions::default() };
            let kernel = DonorKernel::Dense(&kernel);
            fit_null_sc(&donor_of_cell, DONORS, kernel, &design, &view, &options, &CancelToken::new()).unwrap();
            println!("threads {threads}: fit_null_sc end to end {:.3} s", t.elapsed().as_secs_f64());
        });
    }
}
