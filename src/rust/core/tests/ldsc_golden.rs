//! ldsc() against the original GenomicSEM's goldens (extended/ldsc_*.tsv) on the reference
//! set's full inputs. Skips when the reference set is not on this machine; the bundled
//! chromosome 1-5 subset in ldsc_bundled.rs always runs.

mod ldsc_support;

use gsem_core::ldsc::{ldsc, ChromosomeSelection, LdscOptions, LdscResult};
use gsem_core::parallel::CancelToken;
use ldsc_support::*;
use std::path::Path;

fn run(options: &LdscOptions) -> LdscResult {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    pool.install(|| ldsc(options, &CancelToken::new())).unwrap()
}

fn compare(root: &Path, golden: &str, result: &LdscResult, stand: bool) {
    let g = |e: &str| root.join("extended").join(format!("{golden}.{e}.tsv"));
    assert_close(&format!("{golden} S"), &result.s, &read_matrix(&g("S")).0);
    assert_close(&format!("{golden} V"), &result.v, &read_matrix(&g("V")).0);
    assert_close(&format!("{golden} I"), &result.i, &read_matrix(&g("I")).0);
    assert_close(&format!("{golden} N"), &result.n, &read_tsv(&g("N")).0);
    assert_eq!(result.m, read_tsv(&g("m")).0[0]);
    if stand {
        let (s, v) = result.standardized().expect("standardized matrices");
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
}

fn options(root: &Path) -> LdscOptions {
    let data = root.join("data");
    reference_options(
        &root.join("out/munged"),
        &data.join("eur_ld_chr"),
        &data.join("eur_w_ld_chr"),
    )
}

#[test]
fn stand_matches_golden_matrices_and_logs() {
    let Some(root) = reference_root() else { return };
    let result = run(&options(&root));
    compare(&root, "ldsc_stand", &result, true);
    let log = root.join("extended/logs/ldsc_stand_ldsc.log");
    assert_log_matches(&result, &log, extended_labels(), names(), |_| false);
    // The reference run's log (out/) names the files without folders.
    let short = (1..=5).map(|t| format!("T{t}.sumstats.gz")).collect();
    let log = root.join("out/ldsc_T1_T5_ldsc.log");
    assert_log_matches(&result, &log, short, names(), |_| false);
}

#[test]
fn chisq_max_40_matches_golden() {
    let Some(root) = reference_root() else { return };
    let mut o = options(&root);
    o.chisq_max = Some(40.0);
    let result = run(&o);
    compare(&root, "ldsc_chisqmax40", &result, true);
    let log = root.join("extended/logs/ldsc_chisqmax40_ldsc.log");
    assert_log_matches(&result, &log, extended_labels(), names(), |_| false);
}

#[test]
fn select_odd_and_even_match_goldens() {
    let Some(root) = reference_root() else { return };
    let mut o = options(&root);
    o.select = ChromosomeSelection::Odd;
    let result = run(&o);
    compare(&root, "ldsc_selectODD", &result, true);
    let log = root.join("extended/logs/ldsc_selectODD_ldsc.log");
    assert_log_matches(&result, &log, extended_labels(), names(), |_| false);
    o.select = ChromosomeSelection::Even;
    let result = run(&o);
    compare(&root, "ldsc_selectEVEN", &result, true);
    let log = root.join("extended/logs/ldsc_selectEVEN_ldsc.log");
    assert_log_matches(&result, &log, extended_labels(), names(), |_| false);
}

#[test]
fn separate_weights_match_golden() {
    let Some(root) = reference_root() else { return };
    let mut o = options(&root);
    o.sep_weights = true;
    let result = run(&o);
    compare(&root, "ldsc_sepweights", &result, true);
    let log = root.join("extended/logs/ldsc_sepweights_ldsc.log");
    assert_log_matches(&result, &log, extended_labels(), names(), |_| false);
}

#[test]
fn no_liability_with_100_blocks_matches_golden() {
    let Some(root) = reference_root() else { return };
    let mut o = options(&root);
    o.sample_prev = vec![None; 5];
    o.population_prev = vec![None; 5];
    o.n_blocks = 100;
    let result = run(&o);
    compare(&root, "ldsc_noliab_nblocks100", &result, true);
    let log = root.join("extended/logs/ldsc_noliab_nblocks100_ldsc.log");
    assert_log_matches(&result, &log, extended_labels(), names(), |_| false);
}

fn extended_labels() -> Vec<String> {
    (1..=5)
        .map(|t| format!("inputs/munged/T{t}.sumstats.gz"))
        .collect()
}

fn names() -> Option<Vec<String>> {
    Some((1..=5).map(|t| format!("T{t}")).collect())
}
