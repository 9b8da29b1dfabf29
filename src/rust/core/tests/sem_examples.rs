//! lavaan's own examples (HolzingerSwineford1939 3-factor CFA; PoliticalDemocracy with
//! regressions, residual covariances and equality-constrained loadings), fitted from their
//! sample covariance matrices, against lavaan 0.6.14 (fixtures from make_fixtures.R).

mod sem_common;

use gsem_core::sem::{Estimator, Model};
use nalgebra::DMatrix;
use sem_common::{num, read_tsv, rel_diff};

const HS: &str = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9";
const PD: &str = "ind60 =~ x1 + x2 + x3\ndem60 =~ y1 + a*y2 + b*y3 + c*y4\ndem65 =~ y5 + a*y6 + b*y7 + c*y8\ndem60 ~ ind60\ndem65 ~ ind60 + dem60\ny1 ~~ y5\ny2 ~~ y4 + y6\ny3 ~~ y7\ny4 ~~ y8\ny6 ~~ y8";

/// Against lavaan refitted with optim's BFGS at reltol 1e-16 ("tight"; ties removed with
/// ceq.simple): the brief's 1e-6 target (measured: HS 1.1e-9 DWLS, 8.5e-8 ML).
const REL_TIGHT: f64 = 1e-6;
/// Against lavaan's defaults (nlminb), which stop up to ~4.5e-6 relative short of the optimum.
const REL_DEFAULT: f64 = 5e-6;
/// PoliticalDemocracy (flat likelihood, 75 cases): even BFGS stops with an objective above
/// ours (ML: 1e-11 relative) and estimates up to 6e-6 relative away; lavaan's default
/// nlminb, which handles the `==` ties as constraints, up to 3.2e-5. The objective check
/// shows ours is the better optimum.
const REL_FLAT_TIGHT: f64 = 1e-5;
const REL_FLAT: f64 = 5e-5;

fn load(name: &str) -> (DMatrix<f64>, Vec<String>, Vec<f64>) {
    let (names, rows) = read_tsv(&format!("example_{name}_S.tsv"));
    let k = names.len();
    let s = DMatrix::from_fn(k, k, |i, j| num(&rows[i][j]));
    let (_, w) = read_tsv(&format!("example_{name}_W.tsv"));
    (s, names, w.iter().map(|r| num(&r[0])).collect())
}

fn check(name: &str, model: &str, estimator: Estimator, tolerances: [f64; 2]) {
    let (s, names, w) = load(name);
    let mut fitted = Model::new(model, &names, estimator, false).unwrap();
    fitted.fit(s.as_slice(), &w).unwrap();
    let ours = fitted.theta().to_vec();
    let f_ours = fitted.objective_at(s.as_slice(), &w, &ours).unwrap();
    let free_rows: Vec<_> = fitted
        .pt
        .rows
        .iter()
        .filter(|r| r.free > 0)
        .cloned()
        .collect();
    let est = if estimator == Estimator::Dwls {
        "DWLS"
    } else {
        "ML"
    };
    for (ctl, tol) in [("tight", tolerances[0]), ("default", tolerances[1])] {
        let (_, want) = read_tsv(&format!("example_{name}_{est}_{ctl}.tsv"));
        assert_eq!(want.len(), free_rows.len());
        let mut worst = 0.0f64;
        for ((row, w), g) in free_rows.iter().zip(&want).zip(&ours) {
            assert_eq!(
                (&row.lhs, row.op.symbol(), &row.rhs),
                (&w[0], &w[1][..], &w[2])
            );
            let d = rel_diff(*g, num(&w[3]));
            worst = worst.max(d);
        }
        let theirs: Vec<f64> = want.iter().map(|r| num(&r[3])).collect();
        let f_theirs = fitted.objective_at(s.as_slice(), &w, &theirs).unwrap();
        assert!(
            f_ours <= f_theirs + 1e-13 * (1.0 + f_theirs.abs()),
            "{name} {est} {ctl}: objective {f_ours} above lavaan's {f_theirs}"
        );
        eprintln!("{name} {est} vs lavaan {ctl}: worst relative difference {worst:e}; objective ours {f_ours:.15e} lavaan {f_theirs:.15e}");
        assert!(
            worst <= tol,
            "{name} {est} {ctl}: worst relative difference {worst:e}"
        );
    }
}

#[test]
fn holzinger_swineford_dwls() {
    check("hs", HS, Estimator::Dwls, [REL_TIGHT, REL_DEFAULT]);
}

#[test]
fn holzinger_swineford_ml() {
    check("hs", HS, Estimator::Ml, [REL_TIGHT, REL_DEFAULT]);
}

#[test]
fn political_democracy_dwls() {
    check("pd", PD, Estimator::Dwls, [REL_FLAT_TIGHT, REL_FLAT]);
}

#[test]
fn political_democracy_ml() {
    check("pd", PD, Estimator::Ml, [REL_FLAT_TIGHT, REL_FLAT]);
}

/// Delta = d vech(Sigma) / d theta at lavaan's estimates equals lavInspect(fit, "delta").
#[test]
fn delta_matches_lavaan() {
    for (name, model) in [("hs", HS), ("pd", PD)] {
        let (s, names, _) = load(name);
        let mut m = Model::new(model, &names, Estimator::Dwls, false).unwrap();
        let (_, est) = read_tsv(&format!("example_{name}_DWLS_tight.tsv"));
        let theta: Vec<f64> = est.iter().map(|r| num(&r[3])).collect();
        m.evaluate_at(s.as_slice(), &theta).unwrap();
        let delta = m.delta().clone();
        let text =
            std::fs::read_to_string(sem_common::data_path(&format!("example_{name}_delta.tsv")))
                .unwrap();
        let want: Vec<Vec<f64>> = text
            .lines()
            .map(|l| l.split('\t').map(num).collect())
            .collect();
        assert_eq!((delta.nrows(), delta.ncols()), (want.len(), want[0].len()));
        for (a, row) in want.iter().enumerate() {
            for (k, w) in row.iter().enumerate() {
                assert!(
                    (delta[(a, k)] - w).abs() <= 1e-12 * (1.0 + w.abs()),
                    "{name} delta[{a},{k}] = {} want {w}",
                    delta[(a, k)]
                );
            }
        }
    }
}
