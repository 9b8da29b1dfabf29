//! ldsc() against the original GenomicSEM ldsc() on synthetic edge cases (tests/data/ldsc/edge,
//! made by make_edge.R): duplicated rsIDs in the LD scores and in the sumstats with different
//! values, two SNPs at one position, NA rows, A1 flips, SNPs absent from the LD scores,
//! separate weights missing some SNPs, L2 < 1, a user chisq.max, short jackknife blocks.

mod ldsc_support;

use gsem_core::ldsc::log::{log_text, render_log, LogLabels};
use gsem_core::ldsc::{ldsc, LdscOptions, LdscResult};
use gsem_core::parallel::CancelToken;
use ldsc_support::*;
use std::path::PathBuf;

fn edge() -> PathBuf {
    bundled().join("edge")
}

fn options() -> LdscOptions {
    let dir = edge();
    let traits = (1..=3)
        .map(|t| dir.join(format!("E{t}.sumstats.gz")))
        .collect();
    let mut o = LdscOptions::new(traits, dir.join("ld"), dir.join("wld"));
    o.chr = 3;
    o
}

fn check(result: &LdscResult, golden: &str, stand: bool) {
    let g = |e: &str| edge().join(format!("{golden}.{e}.tsv"));
    assert_close(&format!("{golden} S"), &result.s, &read_matrix(&g("S")).0);
    assert_close(&format!("{golden} V"), &result.v, &read_matrix(&g("V")).0);
    assert_close(&format!("{golden} I"), &result.i, &read_matrix(&g("I")).0);
    assert_close(&format!("{golden} N"), &result.n, &read_tsv(&g("N")).0);
    if stand {
        let (s, v) = result.standardized().unwrap();
        assert_close(
            &format!("{golden} S_Stand"),
            s,
            &read_matrix(&g("S_Stand")).0,
        );
        assert_close(
            &format!("{golden} V_Stand"),
            v,
            &read_matrix(&g("V_Stand")).0,
        );
    }
    let files = (1..=3).map(|t| format!("E{t}.sumstats.gz")).collect();
    assert_log_matches(
        result,
        &edge().join(format!("{golden}_ldsc.log")),
        files,
        None,
        |_| false,
    );
}

#[test]
fn separate_weights_liability_and_chisq_max_match_the_original() {
    let mut o = options();
    o.sep_weights = true;
    o.n_blocks = 20;
    o.stand = true;
    o.chisq_max = Some(100.0);
    o.sample_prev = vec![Some(0.3), None, None];
    o.population_prev = vec![Some(0.05), None, None];
    let result = ldsc(&o, &CancelToken::new()).unwrap();
    check(&result, "edge", true);
}

#[test]
fn defaults_with_30_blocks_match_the_original() {
    let mut o = options();
    o.n_blocks = 30;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let result = pool.install(|| ldsc(&o, &CancelToken::new())).unwrap();
    check(&result, "edge_default", false);
}

/// With more than 18 traits R replaces n.blocks by (k+1)(k+2)/2 + 1. Point estimates do not
/// depend on the blocks, so S and I of the first three traits still equal the golden's.
#[test]
fn more_than_18_traits_use_the_block_rule() {
    let dir = edge();
    let traits = (0..19)
        .map(|i| dir.join(format!("E{}.sumstats.gz", i % 3 + 1)))
        .collect();
    let mut o = LdscOptions::new(traits, dir.join("ld"), dir.join("wld"));
    o.chr = 3;
    o.n_blocks = 30;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let result = pool.install(|| ldsc(&o, &CancelToken::new())).unwrap();
    assert_eq!(result.n_blocks, 211);
    assert_eq!(result.cells.len(), 190);
    let sub = |m: &[f64]| -> Vec<f64> {
        (0..3)
            .flat_map(|c| (0..3).map(move |r| m[r + c * 19]))
            .collect()
    };
    let g = |e: &str| edge().join(format!("edge_default.{e}.tsv"));
    assert_close("S (19 traits)", &sub(&result.s), &read_matrix(&g("S")).0);
    assert_close("I (19 traits)", &sub(&result.i), &read_matrix(&g("I")).0);
    let labels = LogLabels {
        trait_files: (0..19).map(|i| format!("T{i}")).collect(),
        trait_names: None,
        began_at: String::new(),
        finished_at: String::new(),
        elapsed_seconds: 0.0,
    };
    let text = log_text(&render_log(&result, &labels));
    assert!(text.contains("covariance matrix (V) to 211\n"));
}
