//! Q_Factor, implied covariance, nearPD and error classes against references.

mod sem_common;

use gsem_core::error::Classed;
use gsem_core::sem::nearpd::nearpd;
use gsem_core::sem::{q_factor, usermodel, Estimator, SemError, UsermodelOptions};
use nalgebra::DMatrix;
use sem_common::{data_path, ldsc, num, read_tsv, rel_diff, tol};

const DWLS: UsermodelOptions = UsermodelOptions {
    estimation: Estimator::Dwls,
    std_lv: false,
    fix_resid: true,
    toler: None,
};

fn read_matrix(name: &str) -> DMatrix<f64> {
    let text = std::fs::read_to_string(data_path(name)).unwrap();
    let rows: Vec<Vec<f64>> = text
        .lines()
        .map(|l| l.split('\t').map(num).collect())
        .collect();
    DMatrix::from_fn(rows.len(), rows[0].len(), |i, j| rows[i][j])
}

#[test]
fn q_factor_matches_genomicsem() {
    let (s, names, v) = ldsc();
    let model = "F1 =~ NA*T1 + T2 + T3\nF2 =~ NA*T4 + T5\nF1 ~~ 1*F1\nF2 ~~ 1*F2\nF1 ~~ F2";
    let out = usermodel(&s, &names, &v, model, DWLS).unwrap();
    let q = q_factor(&out);
    let (_, want) = read_tsv("golden_um_2fQ_QFactor.Q_Factor.tsv");
    assert_eq!(q.len(), want.len());
    assert_eq!(
        (&q[0].factor1[..], &q[0].factor2[..]),
        (&want[0][0][..], &want[0][1][..])
    );
    assert_eq!(q[0].df, num(&want[0][3]));
    assert!(
        rel_diff(q[0].chisq, num(&want[0][2])) < tol::REL,
        "{} vs {}",
        q[0].chisq,
        want[0][2]
    );
    assert!((q[0].p - num(&want[0][4])).abs() < tol::FIT_ABS);
}

#[test]
fn implied_covariance_matches_genomicsem() {
    let (s, names, v) = ldsc();
    let out = usermodel(
        &s,
        &names,
        &v,
        "F1 =~ NA*T1 + T2 + T3 + T4 + T5\nF1 ~~ 1*F1",
        DWLS,
    )
    .unwrap();
    let want = read_matrix("golden_um_1f_impcov.implied.tsv");
    for i in 0..5 {
        for j in 0..5 {
            assert!(
                rel_diff(out.implied[(i, j)], want[(i, j)]) < tol::REL,
                "implied[{i},{j}]"
            );
            assert!(
                (out.residual[(i, j)] - (s[(i, j)] - want[(i, j)])).abs()
                    < tol::REL * want[(i, j)].abs()
            );
        }
    }
}

#[test]
fn nearpd_matches_matrix_package() {
    let x = read_matrix("nearpd_input.tsv");
    let want = read_matrix("nearpd_output.tsv");
    let got = nearpd(&x).unwrap();
    assert!(got.converged);
    for i in 0..3 {
        for j in 0..3 {
            // Matrix::nearPD stops at conv.tol = 1e-7, so both sides carry that much noise.
            assert!(
                (got.mat[(i, j)] - want[(i, j)]).abs() < 1e-7,
                "[{i},{j}] {} vs {}",
                got.mat[(i, j)],
                want[(i, j)]
            );
        }
    }
}

#[test]
fn errors_are_classed_and_name_the_problem() {
    let (s, names, v) = ldsc();
    let err = usermodel(&s, &names, &v, "F1 =~ T1 + T2 + T9", DWLS).unwrap_err();
    assert!(
        matches!(&err, SemError::UnknownVariables { names } if names == &vec!["T9".to_string()])
    );
    assert_eq!(err.class(), "model_variables");
    assert!(err.to_string().contains("T9"));

    let err = usermodel(&s, &names, &v, "F1 =~ T1 + T2 +* T3", DWLS).unwrap_err();
    assert_eq!(err.class(), "model_syntax");
    assert!(err.to_string().contains("line 1"), "{err}");

    // 3 indicators, all loadings and residuals free plus a free factor variance: df < 0.
    let err = usermodel(&s, &names, &v, "F1 =~ NA*T1 + T2 + T3", DWLS).unwrap_err();
    assert_eq!(err.class(), "not_identified", "{err}");

    let err = usermodel(&s, &names, &v, "F1 =~ a*T1 + T2 + T3\nsqrt(a) > 1", DWLS).unwrap_err();
    assert_eq!(err.class(), "model_unsupported", "{err}");
}
