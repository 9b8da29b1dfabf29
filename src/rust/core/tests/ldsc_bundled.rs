//! ldsc() on the bundled chromosome 1-5 subset against the original's `select = 1:5` golden.
//! Always runs (no external data needed).

mod ldsc_support;

use gsem_core::ldsc::{ldsc, ChromosomeSelection};
use gsem_core::parallel::CancelToken;
use ldsc_support::*;

#[test]
fn select_1_to_5_matches_golden_matrices_and_log() {
    let data = bundled();
    let ld = data.join("eur_ld_chr");
    let mut o = reference_options(&data.join("munged"), &ld, &ld);
    o.select = ChromosomeSelection::List(vec![1, 2, 3, 4, 5]);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let result = pool.install(|| ldsc(&o, &CancelToken::new())).unwrap();
    let g = |e: &str| data.join(format!("ldsc_select_1to5.{e}.tsv"));
    assert_close("S", &result.s, &read_matrix(&g("S")).0);
    assert_close("V", &result.v, &read_matrix(&g("V")).0);
    assert_close("I", &result.i, &read_matrix(&g("I")).0);
    assert_close("N", &result.n, &read_tsv(&g("N")).0);
    assert_eq!(result.m, read_tsv(&g("m")).0[0]);
    let (s, v) = result.standardized().unwrap();
    assert_close("S_Stand", s, &read_matrix(&g("S_Stand")).0);
    assert_close("V_Stand", v, &read_matrix(&g("V_Stand")).0);
    // The subset files hold fewer rows, so only "Out of N SNPs" lines differ from the log.
    let files = (1..=5)
        .map(|t| format!("inputs/munged/T{t}.sumstats.gz"))
        .collect();
    let names = Some((1..=5).map(|t| format!("T{t}")).collect());
    assert_log_matches(
        &result,
        &data.join("ldsc_select_1to5_ldsc.log"),
        files,
        names,
        |l| l.starts_with("Out of "),
    );
    // The counts after the LD merge, chi-square filter and pair merges do match the log.
    assert_eq!(result.traits[1].rows_removed, 13);
    assert_eq!(result.traits[1].rows_used, 19790);
}
