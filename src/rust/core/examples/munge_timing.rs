//! Times the steps of munging one file: `cargo run --release --example munge_timing -- <raw> <hm3>`.
use gsem_core::munge::{munge_file, write_sumstats_gz, MungeOptions, Reference};
use gsem_core::parallel::CancelToken;
use std::path::Path;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (raw, hm3) = (Path::new(&args[1]), Path::new(&args[2]));
    let t = Instant::now();
    let reference = Reference::read(hm3, false).expect("reference");
    println!("reference: {:?}", t.elapsed());
    let options = MungeOptions {
        n: None,
        info_filter: 0.9,
        maf_filter: 0.01,
        column_names: vec![],
    };
    let t = Instant::now();
    let munged =
        munge_file(raw, "raw", &reference, "hm3", &options, &CancelToken::new()).expect("munge");
    println!("munge: {:?} ({} rows)", t.elapsed(), munged.rows.len());
    let t = Instant::now();
    let out = std::env::temp_dir().join("munge_timing.sumstats.gz");
    write_sumstats_gz(&out, &munged).expect("write");
    println!("write: {:?}", t.elapsed());
}
