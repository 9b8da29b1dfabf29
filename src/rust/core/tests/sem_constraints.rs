//! An active inequality bound and an explicit `==` constraint against lavaan (DWLS on the
//! reference ldsc S with GenomicSEM's diagonal weights).

mod sem_common;

use gsem_core::sem::{Estimator, Model};
use sem_common::{ldsc, num, read_tsv, rel_diff};

/// lavaan enforces `>` and `==` with its augmented-Lagrangian optimiser, which leaves the
/// bound violated by 2e-6 relative (T1 ~~ T1 = 0.0599998848 for `a > 0.06`); ours is exact.
const REL_CONSTRAINED: f64 = 1e-5;

fn check(name: &str, model: &str) -> Vec<f64> {
    let (s, names, v) = ldsc();
    let mut m = Model::new(model, &names, Estimator::Dwls, false).unwrap();
    let v_diag: Vec<f64> = (0..v.nrows()).map(|a| v[(a, a)]).collect();
    let mut w = vec![0.0; v.nrows()];
    m.fill_dwls_weights(&v_diag, &mut w).unwrap();
    m.fit(s.as_slice(), &w).unwrap();
    let (_, want) = read_tsv(&format!("fit_{name}.tsv"));
    assert_eq!(m.theta().len(), want.len());
    for (got, w) in m.theta().iter().zip(&want) {
        let d = rel_diff(*got, num(&w[3]));
        assert!(
            d < REL_CONSTRAINED,
            "{name} {}{}{}: {got} vs {} ({d:e})",
            w[0],
            w[1],
            w[2],
            w[3]
        );
    }
    m.theta().to_vec()
}

#[test]
fn active_lower_bound() {
    let theta = check(
        "bound_active",
        "F1 =~ NA*T1 + T2 + T3 + T4 + T5\nF1 ~~ 1*F1\nT1 ~~ a*T1\na > 0.06",
    );
    assert_eq!(theta[5], 0.06);
}

#[test]
fn explicit_equality() {
    let theta = check(
        "eq_explicit",
        "F1 =~ NA*T1 + b1*T2 + b2*T3 + T4 + T5\nF1 ~~ 1*F1\nb1 == b2",
    );
    assert_eq!(theta[1], theta[2]);
    let (_, names, _) = ldsc();
    let m = Model::new(
        "F1 =~ NA*T1 + b1*T2 + b2*T3 + T4 + T5\nF1 ~~ 1*F1\nb1 == b2",
        &names,
        Estimator::Dwls,
        false,
    )
    .unwrap();
    // lavaan: df = 15 moments - (10 free - 1 equality) = 6, npar 9.
    assert_eq!((m.df(), m.npar()), (6, 9));
}

/// Fixing parameters in a table (as GenomicSEM's fix_measurement does): with the loadings
/// fixed at GenomicSEM's estimates, the residual variances refit to GenomicSEM's values.
#[test]
fn fixing_rows_at_reference_estimates_keeps_the_optimum() {
    use gsem_core::sem::{ParOp, ParTable, PartableOptions};
    let (s, names, v) = ldsc();
    let (_, golden) = read_tsv("golden_um_1f_DWLS.results.tsv");
    let model = "F1 =~ NA*T1 + T2 + T3 + T4 + T5\nF1 ~~ 1*F1";
    let mut pt = ParTable::from_model(model, PartableOptions::default()).unwrap();
    let loadings: Vec<usize> = (0..pt.rows.len())
        .filter(|&r| pt.rows[r].op == ParOp::Measure)
        .collect();
    for (k, &r) in loadings.iter().enumerate() {
        assert!(pt.fix_row(r, num(&golden[k][3])));
    }
    assert_eq!(pt.n_free(), 5);
    let mut m = Model::from_partable(pt, &names, Estimator::Dwls).unwrap();
    let v_diag: Vec<f64> = (0..v.nrows()).map(|a| v[(a, a)]).collect();
    let mut w = vec![0.0; v.nrows()];
    m.fill_dwls_weights(&v_diag, &mut w).unwrap();
    m.fit(s.as_slice(), &w).unwrap();
    for (k, got) in m.theta().iter().enumerate() {
        let want = num(&golden[5 + k][3]);
        assert!(rel_diff(*got, want) < 1e-6, "{got} vs {want}");
    }
}
