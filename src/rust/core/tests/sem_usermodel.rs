//! usermodel() against the GenomicSEM goldens (extended/um_*.rds, converted to tsv).

mod sem_common;

use gsem_core::sem::{usermodel, Estimator, UsermodelOptions};
use sem_common::{ldsc, num, read_tsv, rel_diff, tol};

const MODEL_1F: &str = "F1 =~ NA*T1 + T2 + T3 + T4 + T5\nF1 ~~ 1*F1";
const MODEL_2F: &str = "F1 =~ NA*T1 + T2\nF2 =~ NA*T3 + l1*T4 + l1*T5\nF1 ~~ 1*F1\nF2 ~~ 1*F2\nF1 ~~ r*F2\nT4 ~~ T5\nT1 ~~ a*T1\na > .001\nd := r*l1";
const MODEL_2F_NODEF: &str = "F1 =~ NA*T1 + T2\nF2 =~ NA*T3 + l1*T4 + l1*T5\nF1 ~~ 1*F1\nF2 ~~ 1*F2\nF1 ~~ r*F2\nT4 ~~ T5\nT1 ~~ a*T1\na > .001";

fn check(golden: &str, model: &str, estimation: Estimator, std_lv: bool, rel: f64) {
    let (s, names, v) = ldsc();
    let out = usermodel(
        &s,
        &names,
        &v,
        model,
        UsermodelOptions {
            estimation,
            std_lv,
            fix_resid: true,
            toler: None,
        },
    )
    .unwrap();
    let (header, rows) = read_tsv(&format!("golden_{golden}.results.tsv"));
    assert_eq!(out.results.len(), rows.len(), "{golden}: rows");
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    let mut worst = [0.0f64; 6];
    for (got, want) in out.results.iter().zip(&rows) {
        assert_eq!(
            (&got.lhs[..], &got.op[..], &got.rhs[..]),
            (&want[0][..], &want[1][..], &want[2][..]),
            "{golden}"
        );
        let pairs = [
            (got.est, num(&want[col("Unstand_Est")])),
            (got.se, num(&want[col("Unstand_SE")])),
            (got.std_genotype, num(&want[col("STD_Genotype")])),
            (got.std_genotype_se, num(&want[col("STD_Genotype_SE")])),
            (got.std_all, num(&want[col("STD_All")])),
            (got.p_value, num(&want[col("p_value")])),
        ];
        for (c, (g, w)) in pairs.iter().enumerate() {
            // p-values inherit the relative error of est/SE times |z|^2.
            let allowed = if c == 5 { rel * 1e3 } else { rel };
            // Estimates near zero are compared on the scale of their standard error.
            let scale = match c {
                0 => pairs[1].1.abs(),
                2 | 4 => pairs[3].1.abs(),
                _ => 0.0,
            };
            let d = if scale > w.abs() {
                (g - w).abs() / scale
            } else {
                rel_diff(*g, *w)
            };
            worst[c] = worst[c].max(d);
            assert!(
                d <= allowed,
                "{golden} {} {} {} column {c}: got {g}, want {w} (rel {d:e})",
                got.lhs,
                got.op,
                got.rhs
            );
        }
    }
    let (_, fit) = read_tsv(&format!("golden_{golden}.modelfit.tsv"));
    let f = &fit[0];
    let m = out.modelfit;
    let mut fit_diffs = Vec::new();
    for (name, g, w) in [
        ("chisq", m.chisq, num(&f[0])),
        ("df", m.df, num(&f[1])),
        ("p", m.p_chisq, num(&f[2])),
        ("AIC", m.aic, num(&f[3])),
        ("CFI", m.cfi, num(&f[4])),
        ("SRMR", m.srmr, num(&f[5])),
    ] {
        let d = if g.is_nan() && w.is_nan() {
            0.0
        } else {
            (g - w).abs()
        };
        let fit_abs = if rel > tol::REL {
            tol::FIT_ABS_CONSTRAINED
        } else {
            tol::FIT_ABS
        };
        assert!(
            d <= fit_abs.max(w.abs() * rel),
            "{golden} {name}: got {g}, want {w}"
        );
        fit_diffs.push(format!(
            "{name} {:.1e}",
            if w != 0.0 { d / w.abs() } else { d }
        ));
    }
    eprintln!("{golden}: worst relative differences est/se/stdg/stdg_se/std_all/p = {:?}; modelfit (relative) {}",
        worst.iter().map(|d| format!("{d:.1e}")).collect::<Vec<_>>(),
        fit_diffs.join(", ")
    );
}

#[test]
fn one_factor_dwls() {
    check("um_1f_DWLS", MODEL_1F, Estimator::Dwls, false, tol::REL);
}

#[test]
fn one_factor_ml() {
    check("um_1f_ML", MODEL_1F, Estimator::Ml, false, tol::REL);
}

#[test]
fn one_factor_std_lv() {
    check(
        "um_1f_stdlv",
        "F1 =~ T1 + T2 + T3 + T4 + T5",
        Estimator::Dwls,
        true,
        tol::REL,
    );
}

#[test]
fn two_factor_constraints_and_definition_dwls() {
    check(
        "um_2f_DWLS",
        MODEL_2F,
        Estimator::Dwls,
        false,
        tol::REL_CONSTRAINED,
    );
}

#[test]
fn two_factor_constraints_dwls() {
    check(
        "um_2f_nodef_DWLS",
        MODEL_2F_NODEF,
        Estimator::Dwls,
        false,
        tol::REL_CONSTRAINED,
    );
}

#[test]
fn two_factor_constraints_ml() {
    check(
        "um_2f_nodef_ML",
        MODEL_2F_NODEF,
        Estimator::Ml,
        false,
        tol::REL_CONSTRAINED,
    );
}
