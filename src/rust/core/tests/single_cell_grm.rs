//! GRM readers and checks against the reference GRM (plink1.9 --make-grm-bin) and its TSV
//! rendering (float32 values promoted to double, 17 significant digits).

mod single_cell_support;

use gsem_core::error::Classed;
use gsem_core::single_cell::grm::{
    check_positive_semidefinite, check_symmetric, gcta_paths, read_gcta_grm, read_sparse_grm,
    GrmError,
};
use gsem_core::single_cell::tolerances::KERNEL_PSD_RELATIVE;
use single_cell_support::{data, num, read_table};
use std::path::Path;

fn grm_tsv() -> (Vec<String>, Vec<f64>) {
    let (header, rows) = read_table("grm.tsv.gz");
    let m = rows.len();
    let mut values = vec![0.0; m * m];
    for (i, row) in rows.iter().enumerate() {
        for j in 0..m {
            values[i + j * m] = num(&row[j + 1]);
        }
    }
    (header[1..].to_vec(), values)
}

#[test]
fn gcta_grm_reads_back_bit_identical_to_the_tsv_from_prefix_or_bin_path() {
    let (ids, expected) = grm_tsv();
    for path in [data("grm"), data("grm.grm.bin")] {
        let grm = read_gcta_grm(&path).unwrap();
        assert_eq!(grm.individual_ids, ids);
        assert_eq!(grm.family_ids, ids);
        assert_eq!(grm.n(), 120);
        for (a, b) in grm.values.iter().zip(&expected) {
            assert_eq!(a.to_bits(), b.to_bits());
        }
        let n_snps = grm.n_snps.as_ref().unwrap();
        assert!(
            n_snps.iter().all(|&n| n == 3000.0),
            "plink --dummy has 3000 SNPs, none missing"
        );
    }
}

#[test]
fn plink_grm_is_symmetric_and_passes_the_psd_check_despite_its_rounding_negative() {
    let grm = read_gcta_grm(&data("grm")).unwrap();
    check_symmetric(&grm.values, grm.n(), 0.0).unwrap();
    let (smallest, largest) =
        check_positive_semidefinite(&grm.values, grm.n(), KERNEL_PSD_RELATIVE).unwrap();
    // README: centred, rank m - 1, smallest eigenvalue about -1.5e-9 (float32 rounding).
    assert!(smallest < 0.0 && smallest > -1e-8, "{smallest}");
    assert!(largest > 0.9 && largest < 2.0, "{largest}");
}

#[test]
fn an_indefinite_matrix_fails_the_psd_check() {
    // [[1, 2], [2, 1]] has eigenvalues -1 and 3.
    let err =
        check_positive_semidefinite(&[1.0, 2.0, 2.0, 1.0], 2, KERNEL_PSD_RELATIVE).unwrap_err();
    match err {
        GrmError::NotPositiveSemidefinite { smallest, largest } => {
            assert!((smallest + 1.0).abs() < 1e-14 && (largest - 3.0).abs() < 1e-14);
        }
        other => panic!("{other}"),
    }
    assert!(check_symmetric(&[1.0, 2.0, 2.5, 1.0], 2, 1e-8).is_err());
}

#[test]
fn sparse_matrix_market_grm_matches_the_thresholded_reference() {
    // sparse_grm.mtx: Matrix::writeMM of the reference GRM with |off-diagonal| <= 0.03 set to 0,
    // symmetric storage, 16 significant digits.
    let (ids, dense) = grm_tsv();
    let grm = read_sparse_grm(&data("sparse_grm.mtx"), &data("sparse_grm.sampleIDs.txt")).unwrap();
    assert_eq!(grm.individual_ids, ids);
    let m = ids.len();
    let mut nonzero = 0;
    for j in 0..m {
        for i in 0..m {
            let reference = dense[i + j * m];
            let expected = if i == j || reference.abs() > 0.03 {
                reference
            } else {
                0.0
            };
            let got = grm.values[i + j * m];
            assert!(
                (got - expected).abs() <= 1e-15 * expected.abs(),
                "[{i},{j}] {got} {expected}"
            );
            nonzero += (got != 0.0) as usize;
        }
    }
    assert_eq!(
        nonzero,
        2 * 1087 - m,
        "1087 stored entries in the lower triangle"
    );
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("gsem_sc_grm_{}_{}", name, std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn reader_errors_name_the_problem() {
    let missing = read_gcta_grm(Path::new("/nonexistent/dir/grm")).unwrap_err();
    assert_eq!(missing.class(), "io");
    assert!(missing.to_string().contains("grm.grm.id") || missing.to_string().contains(".grm.id"));

    // An id file with one individual more than the .bin holds.
    let dir = temp_dir("size");
    let prefix = dir.join("bad");
    std::fs::copy(data("grm.grm.bin"), gcta_paths(&prefix).bin).unwrap();
    let mut ids = std::fs::read_to_string(data("grm.grm.id")).unwrap();
    ids.push_str("X X\n");
    std::fs::write(gcta_paths(&prefix).id, &ids).unwrap();
    let err = read_gcta_grm(&prefix).unwrap_err();
    assert!(
        matches!(err, GrmError::SizeMismatch { ids: 121, .. }),
        "{err}"
    );
    assert_eq!(err.class(), "grm");
    std::fs::write(gcta_paths(&prefix).id, "A\n").unwrap();
    assert!(matches!(
        read_gcta_grm(&prefix).unwrap_err(),
        GrmError::Malformed { line: 1, .. }
    ));

    let mtx = dir.join("bad.mtx");
    let id = dir.join("bad.ids");
    std::fs::write(&id, "a\nb\n").unwrap();
    let cases = [
        (
            "%%MatrixMarket matrix array real general\n2 2\n1\n0\n0\n1\n",
            1,
        ),
        (
            "%%MatrixMarket matrix coordinate real symmetric\n2 2 2\n1 1 1\n3 1 0.5\n",
            4,
        ),
        (
            "%%MatrixMarket matrix coordinate real symmetric\n2 2 3\n1 1 1\n2 2 1\n",
            4,
        ),
        (
            "%%MatrixMarket matrix coordinate real symmetric\n3 3 1\n1 1 1\n",
            2,
        ),
        (
            "%%MatrixMarket matrix coordinate real symmetric\n2 2 2\n1 1 1\n1 1 2\n",
            0,
        ),
    ];
    for (text, line) in cases {
        std::fs::write(&mtx, text).unwrap();
        match read_sparse_grm(&mtx, &id).unwrap_err() {
            GrmError::Malformed { line: l, .. } => assert_eq!(l, line, "{text}"),
            other => panic!("{text}: {other}"),
        }
    }
    std::fs::write(
        &mtx,
        "%%MatrixMarket matrix coordinate real general\n2 2 3\n1 1 1\n2 1 0.5\n1 2 0.25\n",
    )
    .unwrap();
    assert!(matches!(
        read_sparse_grm(&mtx, &id).unwrap_err(),
        GrmError::NotSymmetric { .. }
    ));
    std::fs::write(
        &mtx,
        "%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1\n1 2 0.25\n",
    )
    .unwrap();
    let upper_only = read_sparse_grm(&mtx, &id).unwrap();
    assert_eq!(upper_only.values, [1.0, 0.25, 0.25, 0.0]);
    std::fs::remove_dir_all(&dir).ok();
}
