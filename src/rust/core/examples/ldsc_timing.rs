//! Timing probe for `ldsc()`: 5 traits x 1.2 million SNPs on 22 chromosomes, simulated.
//!
//!     cargo run --release -p genomicsemrs-core --example ldsc_timing [n_snps] [threads] [dups]
//!
//! With `dups` > 0 every trait file repeats that many rsIDs with another Z, which makes the
//! merges reproduce R's Shell-sort order of duplicated keys (the slow, exact path).
//!
//! The original GenomicSEM takes about 5.5 s for 5 traits x 60,000 SNPs (reference set).

use flate2::write::GzEncoder;
use flate2::Compression;
use gsem_core::ldsc::{ldsc, LdscOptions};
use gsem_core::parallel::CancelToken;
use std::io::Write;
use std::path::Path;
use std::time::Instant;

/// SplitMix64: a small, reproducible generator (no extra crate for an example).
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

fn gz_writer(path: &Path) -> std::io::BufWriter<GzEncoder<std::fs::File>> {
    let file = std::fs::File::create(path).expect("create file");
    std::io::BufWriter::new(GzEncoder::new(file, Compression::fast()))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n_snps: usize = args
        .get(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_200_000);
    let threads: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(2);
    let dups: usize = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(0);
    let dir = std::env::temp_dir().join(format!("gsem-ldsc-timing-{}", std::process::id()));
    let ld = dir.join("ld");
    std::fs::create_dir_all(&ld).expect("create dir");
    let started = Instant::now();
    let mut rng = Rng(20_240_601);
    let per_chr = n_snps / 22;
    let mut l2 = Vec::with_capacity(n_snps);
    for chr in 1..=22 {
        let mut w = gz_writer(&ld.join(format!("{chr}.l2.ldscore.gz")));
        writeln!(w, "CHR\tSNP\tBP\tCM\tMAF\tL2").unwrap();
        for i in 0..per_chr {
            let score = 1.0 + 150.0 * rng.uniform().powi(2);
            l2.push(score);
            writeln!(
                w,
                "{chr}\trs{}\t{}\t0.1\t0.25\t{score:.3}",
                chr * 10_000_000 + i,
                1000 + 150 * i
            )
            .unwrap();
        }
        w.into_inner().ok().map(|e| e.finish());
        std::fs::write(
            ld.join(format!("{chr}.l2.M_5_50")),
            format!("{}\n", per_chr * 8),
        )
        .unwrap();
    }
    let m = (per_chr * 8 * 22) as f64;
    let traits: Vec<_> = (1..=5)
        .map(|t| dir.join(format!("T{t}.sumstats.gz")))
        .collect();
    for (t, path) in traits.iter().enumerate() {
        let n = 50_000.0 * (t + 1) as f64;
        let h2 = 0.1 + 0.05 * t as f64;
        let mut w = gz_writer(path);
        writeln!(w, "SNP\tN\tZ\tA1\tA2").unwrap();
        let mut k = 0;
        for chr in 1..=22 {
            for i in 0..per_chr {
                let z = (1.0 + n * h2 / m * l2[k]).sqrt() * rng.normal();
                k += 1;
                writeln!(w, "rs{}\t{n}\t{z:.6}\tA\tG", chr * 10_000_000 + i).unwrap();
                if i < dups / 22 {
                    let z = z + 0.5;
                    writeln!(w, "rs{}\t{n}\t{z:.6}\tA\tG", chr * 10_000_000 + i).unwrap();
                }
            }
        }
        w.into_inner().ok().map(|e| e.finish());
    }
    eprintln!(
        "simulated {} SNPs x 5 traits in {:.1} s",
        per_chr * 22,
        started.elapsed().as_secs_f64()
    );
    let options = LdscOptions::new(traits, ld.clone(), ld);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("pool");
    let started = Instant::now();
    let result = pool
        .install(|| ldsc(&options, &CancelToken::new()))
        .expect("ldsc");
    let wall = started.elapsed().as_secs_f64();
    println!(
        "ldsc: 5 traits x {} SNPs ({dups} duplicated rsIDs), {threads} threads: {wall:.2} s wall (h2 of trait 1 = {:.4})",
        result.traits[0].rows_used, result.s[0]
    );
    std::fs::remove_dir_all(&dir).ok();
}
