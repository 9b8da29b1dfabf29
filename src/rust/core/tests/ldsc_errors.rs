//! Bad input gives classed errors that name the problem.

mod ldsc_support;

use gsem_core::error::Classed;
use gsem_core::ldsc::{ldsc, ChromosomeSelection, LdscError, LdscOptions};
use gsem_core::parallel::CancelToken;
use ldsc_support::*;
use std::path::PathBuf;

fn bundled_options() -> LdscOptions {
    let data = bundled();
    let ld = data.join("eur_ld_chr");
    let mut o = reference_options(&data.join("munged"), &ld, &ld);
    o.select = ChromosomeSelection::List(vec![1, 2, 3, 4, 5]);
    o
}

fn run(o: &LdscOptions) -> LdscError {
    ldsc(o, &CancelToken::new()).expect_err("ldsc should fail")
}

fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gsem-ldsc-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn missing_ld_file_is_named() {
    let mut o = bundled_options();
    o.select = ChromosomeSelection::List(vec![1, 6]);
    let e = run(&o);
    assert_eq!(e.class(), "ldsc_input");
    assert!(e.to_string().contains("6.l2.ldscore.gz"), "{e}");
    assert!(e.to_string().contains("`ld`"), "{e}");
}

#[test]
fn missing_weight_file_names_wld() {
    let mut o = bundled_options();
    o.sep_weights = true;
    o.wld = scratch_dir("nowld");
    let e = run(&o);
    assert!(
        matches!(
            e,
            LdscError::MissingLdFile {
                folder_argument: "wld",
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn prevalence_vectors_of_the_wrong_length() {
    let mut o = bundled_options();
    o.sample_prev.pop();
    let e = run(&o);
    assert_eq!(e.class(), "ldsc_argument");
    assert!(
        e.to_string()
            .contains("`sample.prev` has 4 values but there are 5 traits"),
        "{e}"
    );
}

#[test]
fn prevalences_outside_the_unit_interval() {
    let mut o = bundled_options();
    o.population_prev[1] = Some(1.0);
    let e = run(&o);
    assert!(
        matches!(
            e,
            LdscError::PrevalenceRange {
                argument: "population.prev",
                trait_index: 1,
                ..
            }
        ),
        "{e}"
    );
    o.population_prev[1] = Some(0.01);
    o.sample_prev[0] = Some(0.0);
    assert!(matches!(
        run(&o),
        LdscError::PrevalenceRange {
            argument: "sample.prev",
            ..
        }
    ));
}

#[test]
fn too_few_snps_for_the_blocks() {
    let mut o = bundled_options();
    o.n_blocks = 19_000;
    let e = run(&o);
    assert_eq!(e.class(), "ldsc_data");
    assert!(
        matches!(
            e,
            LdscError::TooFewSnps {
                n_blocks: 19_000,
                ..
            }
        ),
        "{e}"
    );
    o.n_blocks = 1;
    assert_eq!(run(&o).class(), "ldsc_argument");
}

#[test]
fn trait_without_overlap_and_trait_without_z() {
    let dir = scratch_dir("overlap");
    let no_overlap = dir.join("none.sumstats");
    std::fs::write(
        &no_overlap,
        "SNP\tN\tZ\tA1\tA2\nrsX1\t100\t1.0\tA\tG\nrsX2\t100\t-1.0\tC\tT\n",
    )
    .unwrap();
    let mut o = bundled_options();
    o.traits[2] = no_overlap.clone();
    let e = run(&o);
    assert!(
        matches!(&e, LdscError::NoOverlap { path } if *path == no_overlap),
        "{e}"
    );
    assert_eq!(e.class(), "ldsc_data");
    let no_z = dir.join("noz.sumstats");
    std::fs::write(&no_z, "SNP\tN\tBETA\tA1\nrs1\t100\t1.0\tA\n").unwrap();
    o.traits[2] = no_z;
    let e = run(&o);
    assert!(
        matches!(&e, LdscError::MissingColumn { column, .. } if column == "Z"),
        "{e}"
    );
    o.traits[2] = dir.join("absent.sumstats.gz");
    assert_eq!(run(&o).class(), "io");
}

#[test]
fn cancelled_token_stops_the_run() {
    let token = CancelToken::new();
    token.cancel();
    let e = ldsc(&bundled_options(), &token).unwrap_err();
    assert_eq!(e.class(), "interrupted");
}
