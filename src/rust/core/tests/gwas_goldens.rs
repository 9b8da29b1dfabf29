//! userGWAS / commonfactorGWAS per-SNP loops against GenomicSEM 0.0.5's goldens (first 40
//! SNPs of the shared reference set's ug_default and cfg_default), and the invariance of the
//! results to how SNPs are split into calls.

use gsem_core::gwas::{self, CommonGwas, CovStruc, GcMode, GwasOptions, SnpColumns, UserGwas};
use gsem_core::parallel::CancelToken;
use gsem_core::sem::partable::ParOp;
use gsem_core::sem::Estimator;
use nalgebra::DMatrix;

/// The acceptance criterion: |difference| < 0.001 SE; chi-squares 1e-3 relative.
const EST_IN_SE: f64 = 1e-3;
const CHISQ_REL: f64 = 1e-3;
/// The direct Q follow-up converges to 1e-13; the general fitter stops at GWAS_STEP (1e-7 of a
/// step), which leaves Q off by ~1e-8 relative: 1e-6 is far from both and far below 1e-3.
const Q_DIRECT_REL: f64 = 1e-6;
/// The written-out commonfactorGWAS fit and the general fitter take the same Gauss-Newton
/// steps to the same optimum and stop at GWAS_STEP (1e-7 of a step): estimates, SEs and Q
/// agree to ~1e-6 (of the SE, relative; 5.8e-7 worst on 50,573 reference SNPs, the general
/// fitter's linear-rate stopping error), two orders below the 1e-3 SE criterion.
const FAST_FIT_IN_SE: f64 = 1e-5;

fn table(name: &str) -> Vec<Vec<String>> {
    let path = format!("{}/tests/data/gwas/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split('\t').map(|f| f.trim().to_string()).collect())
        .collect()
}

fn num(s: &str) -> f64 {
    if s == "NA" {
        f64::NAN
    } else {
        s.parse().unwrap()
    }
}

fn matrix(name: &str) -> DMatrix<f64> {
    let rows = table(name);
    DMatrix::from_fn(rows.len(), rows[0].len(), |i, j| num(&rows[i][j]))
}

fn covstruc() -> CovStruc {
    CovStruc {
        s: matrix("S.tsv"),
        v: matrix("V.tsv"),
        i: matrix("I.tsv"),
        names: ["T1", "T2", "T3", "T4", "T5"].map(String::from).to_vec(),
    }
}

/// beta, se (n x 5 column-major) and 2 MAF (1 - MAF).
fn snp_data() -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let rows = table("snps40.tsv");
    let n = rows.len();
    let mut beta = vec![0.0; n * 5];
    let mut se = vec![0.0; n * 5];
    let mut var = vec![0.0; n];
    for (i, r) in rows.iter().enumerate() {
        let maf = num(&r[3]);
        var[i] = 2.0 * maf * (1.0 - maf);
        for t in 0..5 {
            beta[t * n + i] = num(&r[6 + 2 * t]);
            se[t * n + i] = num(&r[7 + 2 * t]);
        }
    }
    (beta, se, var)
}

fn columns<'a>(beta: &'a [f64], se: &'a [f64], var: &'a [f64]) -> SnpColumns<'a> {
    SnpColumns {
        beta,
        se,
        var_snp: var,
    }
}

fn options() -> GwasOptions {
    GwasOptions {
        estimator: Estimator::Dwls,
        gc: GcMode::Standard,
        var_snp_se2: 0.0005f64.powi(2),
        toler: f64::EPSILON,
        smooth_check: false,
        std_lv: false,
        fix_measurement: true,
        q_snp: false,
        twas: false,
    }
}

const MODEL: &str = "F1 =~ NA*T1 + T2 + T3 + T4 + T5\nF1 ~ SNP\nF1 ~~ 1*F1\nSNP ~~ SNP";

#[test]
fn user_gwas_matches_genomicsem_on_40_snps() {
    let (beta, se, var) = snp_data();
    let cols = columns(&beta, &se, &var);
    let gwas = UserGwas::new(&covstruc(), MODEL, options(), &cols).unwrap();
    assert_eq!((gwas.df, gwas.npar), (14.0, 7.0));
    let n_rows = gwas.model.pt.rows.len();
    let keep: Vec<usize> = (0..n_rows).collect();
    let out = gwas::run_user(&gwas, &cols, &keep, &CancelToken::new()).unwrap();
    let golden = table("ug_default40.tsv");
    assert_eq!(golden.len(), 40 * n_rows);
    for (g, row) in golden.iter().enumerate() {
        let (snp, r) = (g / n_rows, g % n_rows);
        let pt_row = &gwas.model.pt.rows[r];
        assert_eq!(
            (pt_row.lhs.as_str(), pt_row.op.symbol(), pt_row.rhs.as_str()),
            (row[1].as_str(), row[2].as_str(), row[3].as_str())
        );
        let (est, se_g, chisq) = (num(&row[4]), num(&row[5]), num(&row[6]));
        let scale = if se_g.is_nan() { 1.0 } else { se_g };
        assert!(
            (out.est[g] - est).abs() / scale < EST_IN_SE,
            "SNP {snp} row {r}"
        );
        assert_eq!(out.se[g].is_nan(), se_g.is_nan());
        if !se_g.is_nan() {
            assert!(
                (out.se[g] - se_g).abs() / se_g < EST_IN_SE,
                "SNP {snp} row {r} SE"
            );
        }
        assert!((out.chisq[snp] / chisq - 1.0).abs() < CHISQ_REL);
    }
}

#[test]
fn common_factor_gwas_matches_genomicsem_on_40_snps() {
    let (beta, se, var) = snp_data();
    let cols = columns(&beta, &se, &var);
    let gwas = CommonGwas::new(&covstruc(), options(), &cols).unwrap();
    let out = gwas::run_common(&gwas, &cols, &CancelToken::new()).unwrap();
    for (i, row) in table("cfg_default40.tsv").iter().enumerate() {
        let (est, se_c, q) = (num(&row[0]), num(&row[1]), num(&row[2]));
        assert!((out.est[i] - est).abs() / se_c < EST_IN_SE, "SNP {i}");
        assert!((out.se_c[i] - se_c).abs() / se_c < EST_IN_SE, "SNP {i}");
        assert!(
            (out.q[i] / q - 1.0).abs() < CHISQ_REL,
            "SNP {i}: {} vs {q}",
            out.q[i]
        );
        assert!(out.fail[i].is_empty());
    }
}

#[test]
fn direct_q_follow_up_equals_the_general_refit() {
    let (beta, se, var) = snp_data();
    let cols = columns(&beta, &se, &var);
    let direct = CommonGwas::new(&covstruc(), options(), &cols).unwrap();
    let mut general = direct.clone();
    general.direct_q = false;
    let a = gwas::run_common(&direct, &cols, &CancelToken::new()).unwrap();
    let b = gwas::run_common(&general, &cols, &CancelToken::new()).unwrap();
    for i in 0..a.q.len() {
        assert_eq!(a.est[i], b.est[i]);
        assert!(
            (a.q[i] / b.q[i] - 1.0).abs() < Q_DIRECT_REL,
            "SNP {i}: {} vs {}",
            a.q[i],
            b.q[i]
        );
    }
}

#[test]
fn written_out_common_fit_equals_the_general_fitter() {
    let (beta, se, var) = snp_data();
    let cols = columns(&beta, &se, &var);
    let fast = CommonGwas::new(&covstruc(), options(), &cols).unwrap();
    assert!(
        fast.fast.is_some(),
        "commonfactorGWAS's DWLS model is recognised"
    );
    let mut general = fast.clone();
    general.fast = None;
    let a = gwas::run_common(&fast, &cols, &CancelToken::new()).unwrap();
    let b = gwas::run_common(&general, &cols, &CancelToken::new()).unwrap();
    for i in 0..a.est.len() {
        assert!(
            (a.est[i] - b.est[i]).abs() / b.se_c[i] < FAST_FIT_IN_SE,
            "SNP {i}"
        );
        assert!(
            (a.se_c[i] / b.se_c[i] - 1.0).abs() < FAST_FIT_IN_SE,
            "SNP {i}"
        );
        assert!((a.q[i] / b.q[i] - 1.0).abs() < FAST_FIT_IN_SE, "SNP {i}");
    }
}

#[test]
fn results_do_not_depend_on_how_snps_are_split() {
    let (beta, se, var) = snp_data();
    let all = columns(&beta, &se, &var);
    let gwas = UserGwas::new(&covstruc(), MODEL, options(), &all).unwrap();
    let keep = vec![11usize];
    let whole = gwas::run_user(&gwas, &all, &keep, &CancelToken::new()).unwrap();
    // SNPs 25..40 alone (a later batch): the base solution still comes from SNP 1.
    let (n, from) = (40, 25);
    let pick = |v: &[f64]| -> Vec<f64> {
        (0..5)
            .flat_map(|t| v[t * n + from..t * n + n].to_vec())
            .collect()
    };
    let (b2, s2, v2) = (pick(&beta), pick(&se), var[from..].to_vec());
    let part = SnpColumns {
        beta: &b2,
        se: &s2,
        var_snp: &v2,
    };
    let later = gwas::run_user(&gwas, &part, &keep, &CancelToken::new()).unwrap();
    assert_eq!(&whole.est[from..], &later.est[..]);
    assert_eq!(&whole.se[from..], &later.se[..]);
    assert_eq!(&whole.chisq[from..], &later.chisq[..]);
}

#[test]
fn a_cancelled_run_stops() {
    let (beta, se, var) = snp_data();
    let cols = columns(&beta, &se, &var);
    let gwas = UserGwas::new(&covstruc(), MODEL, options(), &cols).unwrap();
    let cancel = CancelToken::new();
    cancel.cancel();
    assert!(gwas::run_user(&gwas, &cols, &[0], &cancel).is_err());
}

/// The block-diagonal shortcuts (chi-square from the fixed inverses, sandwich meat block by
/// block) must equal the dense formulas GenomicSEM uses on the same unsmoothed V_Full.
#[test]
fn block_shortcuts_equal_the_dense_formulas() {
    use gsem_core::gwas::q_stats::{q_dense, residual_vech};
    use gsem_core::gwas::sandwich_work::SandwichWork;
    use gsem_core::gwas::snp_matrices::{FullSnp, SnpMatrices};
    use gsem_core::sem::sandwich::Weight;
    let cov = covstruc();
    let (beta, se, var) = snp_data();
    let cols = columns(&beta, &se, &var);
    let m = SnpMatrices::new(
        &cov,
        cov.s.clone(),
        cov.v.clone(),
        GcMode::Standard,
        0.0005f64.powi(2),
    );
    let blocks = m.chisq_blocks().unwrap();
    let mut gwas = UserGwas::new(&cov, MODEL, options(), &cols).unwrap();
    let mut full = FullSnp::new(5);
    for snp in [0, 7, 33] {
        m.fill(&cols, snp, &mut full).unwrap();
        assert!(!full.v_smoothed && !full.s_smoothed);
        let diag: Vec<f64> = (0..21).map(|a| full.v_full[(a, a)]).collect();
        let mut w = vec![0.0; 21];
        gwas.model.fill_dwls_weights(&diag, &mut w).unwrap();
        gwas.model
            .refit(full.s_full.as_slice(), &w, &gwas.start.clone())
            .unwrap();
        // Chi-square.
        let implied = gsem_core::sem::usermodel::to_user_order(&gwas.model, gwas.model.implied());
        let mut eta = Vec::new();
        residual_vech(&full.s_full, &implied, &mut eta);
        let (fast, dense) = (blocks.q(&eta, &full.d), q_dense(&eta, &full.v_full));
        assert!((fast / dense - 1.0).abs() < 1e-10, "{fast} vs {dense}");
        // Sandwich.
        let delta = gwas.model.delta().clone();
        let moments = gwas.model.moments().to_vec();
        let nf = delta.ncols();
        let (mut a, mut b) = (SandwichWork::new(21, nf), SandwichWork::new(21, nf));
        a.compute(
            &delta,
            Weight::Diagonal(&w),
            &full.v_full,
            Some((&blocks, &full.d)),
            &moments,
            1e-300,
        )
        .unwrap();
        b.compute(
            &delta,
            Weight::Diagonal(&w),
            &full.v_full,
            None,
            &moments,
            1e-300,
        )
        .unwrap();
        for i in 0..nf {
            let scale = b.cov[(i, i)].abs();
            for j in 0..nf {
                assert!(
                    (a.cov[(i, j)] - b.cov[(i, j)]).abs() < 1e-10 * scale,
                    "({i}, {j})"
                );
            }
        }
    }
}

/// A non-positive-definite V_LD sends every SNP through nearPD (GenomicSEM's smoothing) and
/// the dense formulas; the results stay finite and flag the smoothing in Z_smooth.
#[test]
fn smoothing_path_runs_when_v_ld_is_not_positive_definite() {
    let mut cov = covstruc();
    // Make V_LD indefinite: a covariance larger than its variances allow.
    let (a, b) = (0, 1);
    cov.v[(a, b)] = 2.0 * (cov.v[(a, a)] * cov.v[(b, b)]).sqrt();
    cov.v[(b, a)] = cov.v[(a, b)];
    let (beta, se, var) = snp_data();
    let cols = columns(&beta, &se, &var);
    let mut opts = options();
    opts.fix_measurement = false;
    opts.smooth_check = true;
    let gwas = UserGwas::new(&cov, MODEL, opts, &cols).unwrap();
    assert!(gwas.chisq.is_none());
    let out = gwas::run_user(&gwas, &cols, &[5], &CancelToken::new()).unwrap();
    assert!(out.error.iter().all(String::is_empty));
    assert!(out
        .est
        .iter()
        .chain(&out.se)
        .chain(&out.chisq)
        .all(|x| x.is_finite()));
    assert!(out.z_smooth.iter().all(|&z| z >= 0.0 && z.is_finite()));
    assert!(out.z_smooth.iter().any(|&z| z > 0.0));
}

#[test]
fn written_out_user_fit_equals_the_general_fitter() {
    let (beta, se, var) = snp_data();
    let cols = columns(&beta, &se, &var);
    for (fix_measurement, q_snp) in [(true, false), (false, false), (true, true)] {
        let mut o = options();
        o.fix_measurement = fix_measurement;
        o.q_snp = q_snp;
        let fast = UserGwas::new(&covstruc(), MODEL, o, &cols).unwrap();
        assert!(
            fast.fast.is_some(),
            "the one-factor userGWAS model is recognised"
        );
        let mut general = fast.clone();
        general.fast = None;
        let rows = fast.model.pt.rows.len();
        let snp_row = (0..rows)
            .find(|&r| fast.model.pt.rows[r].op == ParOp::Regress)
            .unwrap();
        // The SNP row alone (the selected, absorbing sandwich) and every row (the full one).
        for keep in [vec![snp_row], (0..rows).collect::<Vec<_>>()] {
            let a = gwas::run_user(&fast, &cols, &keep, &CancelToken::new()).unwrap();
            let b = gwas::run_user(&general, &cols, &keep, &CancelToken::new()).unwrap();
            for s in 0..a.chisq.len() {
                assert!(
                    (a.chisq[s] / b.chisq[s] - 1.0).abs() < FAST_FIT_IN_SE,
                    "SNP {s}"
                );
                for j in 0..keep.len() {
                    let (i, se) = (s * keep.len() + j, b.se[s * keep.len() + j]);
                    let scale = if se.is_finite() {
                        se
                    } else {
                        b.est[i].abs().max(1e-12)
                    };
                    assert!(
                        (a.est[i] - b.est[i]).abs() / scale < FAST_FIT_IN_SE,
                        "SNP {s} {j}"
                    );
                    assert_eq!(a.se[i].is_nan(), se.is_nan(), "SNP {s} {j}");
                    if se.is_finite() {
                        assert!((a.se[i] / se - 1.0).abs() < FAST_FIT_IN_SE, "SNP {s} {j}");
                    }
                    if q_snp && keep[j] == snp_row {
                        let (qa, qb) = (a.q_snp[i], b.q_snp[i]);
                        assert!((qa / qb - 1.0).abs() < FAST_FIT_IN_SE, "SNP {s}");
                    }
                }
            }
        }
    }
}
