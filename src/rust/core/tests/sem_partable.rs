//! Parameter tables against lavaan 0.6.14's `lavaanify()` with `sem()` defaults
//! (fixtures from tests/data/sem/make_fixtures.R).

use gsem_core::error::Classed;
use gsem_core::sem::{ParTable, PartableOptions, SemError};

const MODELS: &[(&str, &str, bool, bool)] = &[
    ("cf1", "F1 =~ NA*T1 + T2 + T3 + T4 + T5\nF1 ~~ 1*F1", false, false),
    ("cf1_stdlv", "F1 =~ T1 + T2 + T3 + T4 + T5", true, false),
    ("two_f", "F1 =~ NA*T1 + T2\nF2 =~ NA*T3 + l1*T4 + l1*T5\nF1 ~~ 1*F1\nF2 ~~ 1*F2\nF1 ~~ r*F2\nT4 ~~ T5\nT1 ~~ a*T1\na > .001\nd := r*l1", false, false),
    ("two_f_marker", "F1 =~ T1 + T2 + T3; F2 =~ T4 + T5 # comment\nF2 ~ F1\nT1 ~~ T4", false, false),
    ("gwas_dwls", "F1 =~ NA*T1 + T2 + T3 + T4 + T5\nF1 ~ SNP\nF1 ~~ 1*F1\nSNP ~~ SNP", false, false),
    ("gwas_ml", "F1 =~ NA*T1 + T2 + T3 + T4 + T5\nF1 ~ SNP\nF1 ~~ 1*F1", false, true),
    ("gwas_direct", "F1 =~ NA*T1 + T2 + T3 + T4 + T5\nF1 ~ SNP\nT5 ~ SNP\nF1 ~~ 1*F1\nSNP ~~ SNP", false, false),
    ("gwas_stdlv", "F1 =~ T1 + T2 + T3 + T4 + T5\nF1 ~ SNP\nSNP ~~ SNP", true, false),
    ("single_ind", "F1 =~ T1\nF2 =~ T2 + T3 + T4\nF1 ~~ F2", false, false),
    ("reg_x", "F1 =~ T1 + start(.5)*T2 + T3\nF1 ~ x1 + x2\nT3 ~ x2", false, true),
    ("reg_x_free", "F1 =~ T1 + start(.5)*T2 + T3\nF1 ~ x1 + x2\nT3 ~ x2", false, false),
    ("ov_reg", "y1 ~ y2 + y3\ny2 ~ y3\ny4 ~ y1", false, false),
    ("three_lv", "a =~ T1 + T2\nb =~ T3 + T4\nc =~ T5 + T6\nc ~ a", false, false),
    ("hs", "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9", false, false),
    ("pd", "ind60 =~ x1 + x2 + x3\ndem60 =~ y1 + a*y2 + b*y3 + c*y4\ndem65 =~ y5 + a*y6 + b*y7 + c*y8\ndem60 ~ ind60\ndem65 ~ ind60 + dem60\ny1 ~~ y5\ny2 ~~ y4 + y6\ny3 ~~ y7\ny4 ~~ y8\ny6 ~~ y8", false, false),
    (
        "bound_active",
        "F1 =~ NA*T1 + T2 + T3 + T4 + T5\nF1 ~~ 1*F1\nT1 ~~ a*T1\na > 0.06",
        false,
        false,
    ),
    (
        "eq_explicit",
        "F1 =~ NA*T1 + b1*T2 + b2*T3 + T4 + T5\nF1 ~~ 1*F1\nb1 == b2",
        false,
        false,
    ),
    (
        "swapped_cov",
        "F2 =~ T1 + T2\nF1 =~ T3 + T4 + T5\nF1 ~~ F2\nT4 ~~ T3\nT5 ~~ F1\nF1 ~~ F2",
        false,
        false,
    ),
];

fn read_tsv(name: &str) -> Vec<Vec<String>> {
    let path = format!("{}/tests/data/sem/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    text.lines()
        .skip(1)
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

#[test]
fn partables_match_lavaan_row_by_row() {
    for &(name, model, std_lv, fixed_x) in MODELS {
        let pt = ParTable::from_model(model, PartableOptions { std_lv, fixed_x }).unwrap();
        let want = read_tsv(&format!("partable_{name}.tsv"));
        assert_eq!(pt.rows.len(), want.len(), "{name}: number of rows");
        for (i, (r, w)) in pt.rows.iter().zip(&want).enumerate() {
            let ustart = match r.ustart {
                Some(v) if r.op.is_parameter() => format!("{v}"),
                _ => "NA".to_string(),
            };
            let want_ustart = if w[5] == "NA" {
                "NA".to_string()
            } else {
                format!("{}", w[5].parse::<f64>().unwrap())
            };
            let got = [
                r.lhs.clone(),
                r.op.symbol().to_string(),
                r.rhs.clone(),
                r.user.to_string(),
                r.free.to_string(),
                ustart,
                (r.exo as u8).to_string(),
                r.label.clone(),
                if r.op.is_parameter() {
                    r.plabel.clone()
                } else {
                    String::new()
                },
            ];
            let expect = [
                &w[0],
                &w[1],
                &w[2],
                &w[3],
                &w[4],
                &want_ustart,
                &w[6],
                &w[7],
                &w[8],
            ];
            for c in 0..9 {
                assert_eq!(&got[c], expect[c], "{name}: row {} column {c}", i + 1);
            }
        }
    }
}

#[test]
fn syntax_errors_name_line_and_position() {
    let err =
        ParTable::from_model("F1 =~ T1 + T2\nF1 ~~ *F1", PartableOptions::default()).unwrap_err();
    assert_eq!(err.class(), "model_syntax");
    match err {
        SemError::Syntax { line, column, .. } => assert_eq!((line, column), (2, 7)),
        other => panic!("unexpected {other:?}"),
    }
    let err = ParTable::from_model("F1 =~ T1 + T2\nF2 T3", PartableOptions::default()).unwrap_err();
    assert!(matches!(err, SemError::Syntax { line: 2, .. }), "{err}");
    let err = ParTable::from_model("F1 =~ T1 +\n", PartableOptions::default()).unwrap_err();
    assert!(err.to_string().contains("line 1"), "{err}");
}

#[test]
fn continuation_lines_and_modifiers_parse() {
    let pt = ParTable::from_model(
        "F1 =~ NA*T1 +\n  -0.5*T2 + start(-1)*T3 + lab*T4 ! comment\n F1 ~~ 1*F1",
        PartableOptions::default(),
    )
    .unwrap();
    assert_eq!(pt.rows[1].ustart, Some(-0.5));
    assert_eq!(pt.rows[2].ustart, Some(-1.0));
    assert_eq!(pt.rows[2].free, 2);
    assert_eq!(pt.rows[3].label, "lab");
}

#[test]
fn unsupported_operators_are_named() {
    for (model, what) in [
        ("F =~ a + b\nG <~ c + d", "<~"),
        ("y | t1", "|"),
        ("y ~ 1", "intercepts"),
    ] {
        let err = ParTable::from_model(model, PartableOptions::default()).unwrap_err();
        assert_eq!(err.class(), "model_unsupported", "{model}");
        assert!(err.to_string().contains(what), "{err}");
    }
}
