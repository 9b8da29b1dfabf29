//! Times sumstats on files: `cargo run --release --example sumstats_timing -- <ref> <raw>...`.
use gsem_core::munge::{
    join_traits, prepare_reference, sumstats_traits, SumstatsJob, SumstatsOptions,
};
use gsem_core::parallel::CancelToken;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let t = Instant::now();
    let reference = prepare_reference(Path::new(&args[1]), 0.01, false).expect("reference");
    println!("reference: {:?}", t.elapsed());
    let jobs: Vec<SumstatsJob> = args[2..]
        .iter()
        .map(|f| SumstatsJob {
            input: PathBuf::from(f),
            label: f.clone(),
            options: SumstatsOptions {
                n: None,
                keep_indel: false,
                ols: true,
                linprob: false,
                se_logit: false,
                betas_given: false,
                info_filter: 0.6,
                direct_filter: false,
                trait_name: f.clone(),
            },
        })
        .collect();
    let t = Instant::now();
    let traits: Vec<_> = sumstats_traits(&jobs, &reference, "ref", &CancelToken::new())
        .into_iter()
        .map(|r| r.expect("trait"))
        .collect();
    println!("traits: {:?}", t.elapsed());
    let t = Instant::now();
    let table = join_traits(reference, &traits);
    println!("join: {:?} ({} rows)", t.elapsed(), table.rows.len());
}
