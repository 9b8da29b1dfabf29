//! commonfactor() against the GenomicSEM goldens (extended/cf_*.rds, converted to tsv).

mod sem_common;

use gsem_core::sem::{commonfactor, Estimator};
use sem_common::{ldsc, num, read_tsv, rel_diff, tol};

fn check(golden: &str, estimation: Estimator) {
    let (s, names, v) = ldsc();
    let out = commonfactor(&s, &names, &v, estimation).unwrap();
    let (_, rows) = read_tsv(&format!("golden_{golden}.results.tsv"));
    assert_eq!(out.results.len(), rows.len());
    let mut worst = [0.0f64; 5];
    for (got, want) in out.results.iter().zip(&rows) {
        assert_eq!(
            (&got.lhs[..], &got.op[..], &got.rhs[..]),
            (&want[0][..], &want[1][..], &want[2][..])
        );
        let pairs = [
            (got.est, num(&want[3])),
            (got.se, num(&want[4])),
            (got.std_genotype, num(&want[5])),
            (got.std_genotype_se, num(&want[6])),
            (got.p_value, num(&want[7])),
        ];
        for (c, (g, w)) in pairs.iter().enumerate() {
            let allowed = if c == 4 { tol::REL * 1e3 } else { tol::REL };
            let d = rel_diff(*g, *w);
            worst[c] = worst[c].max(d);
            assert!(
                d <= allowed,
                "{golden} {}{}{} col {c}: got {g} want {w}",
                got.lhs,
                got.op,
                got.rhs
            );
        }
    }
    let (_, fit) = read_tsv(&format!("golden_{golden}.modelfit.tsv"));
    let m = out.modelfit;
    let mut worst_fit = [0.0f64; 4];
    for (c, (g, w)) in [
        (m.chisq, num(&fit[0][0])),
        (m.p_chisq, num(&fit[0][2])),
        (m.cfi, num(&fit[0][4])),
        (m.srmr, num(&fit[0][5])),
    ]
    .into_iter()
    .enumerate()
    {
        worst_fit[c] = (g - w).abs();
        // chisq and its p-value relative: lavaan stops ~1e-7 short of the optimum.
        let allowed = tol::FIT_ABS.max(w.abs() * tol::REL);
        assert!(
            (g - w).abs() <= allowed,
            "{golden} fit {c}: got {g} want {w}"
        );
    }
    assert_eq!(m.df, num(&fit[0][1]));
    eprintln!(
        "{golden}: worst rel est/se/std/std_se/p {worst:?}; abs chisq/p/CFI/SRMR {worst_fit:?}"
    );
}

#[test]
fn commonfactor_dwls() {
    check("cf_DWLS", Estimator::Dwls);
}

#[test]
fn commonfactor_ml() {
    check("cf_ML", Estimator::Ml);
}
