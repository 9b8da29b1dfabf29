//! Closed forms and bad input: the balanced one-way random-effects ANOVA (K = I, intercept
//! only) has explicit REML estimates; every bad input gives a classed error or a gene flag.

use gsem_core::error::Classed;
use gsem_core::parallel::CancelToken;
use gsem_core::single_cell::{
    build_stage1, fit_group_genes, fit_null_sc, Design, DonorKernel, Expression, ExpressionLayout,
    FitOptions, GeneStatus, NullFits, SingleCellError, TauMode,
};

/// xorshift64*: a deterministic stream of uniforms in (-0.5, 0.5).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let x = self.0.wrapping_mul(0x2545_f491_4f6c_dd1d);
        (x >> 11) as f64 / (1u64 << 53) as f64 - 0.5
    }
}

struct Data {
    donor: Vec<usize>,
    n_donors: usize,
    x: Vec<f64>,
    p: usize,
    y: Vec<f64>,
    n_genes: usize,
}

impl Data {
    fn n(&self) -> usize {
        self.donor.len()
    }
    fn fit(&self, kernel: DonorKernel<'_>, tau: TauMode) -> Result<NullFits, SingleCellError> {
        let design = Design {
            values: &self.x,
            n_cells: self.n(),
            n_columns: self.p,
            names: &[],
        };
        let expr = Expression {
            values: &self.y,
            n_cells: self.n(),
            n_genes: self.n_genes,
            layout: ExpressionLayout::CellsByGenes,
        };
        let options = FitOptions {
            tau,
            ..FitOptions::default()
        };
        fit_null_sc(
            &self.donor,
            self.n_donors,
            kernel,
            &design,
            &expr,
            &options,
            &CancelToken::new(),
        )
    }
}

/// m donors with c cells each, intercept only, `genes` genes with donor effects of sd `sd_u`.
fn balanced(m: usize, c: usize, genes: usize, sd_u: f64, seed: u64) -> Data {
    let mut rng = Rng(seed);
    let n = m * c;
    let donor: Vec<usize> = (0..n).map(|i| i % m).collect();
    let mut y = vec![0.0; n * genes];
    for g in 0..genes {
        let u: Vec<f64> = (0..m).map(|_| sd_u * rng.next()).collect();
        for i in 0..n {
            y[i + g * n] = 1.0 + u[donor[i]] + rng.next();
        }
    }
    Data {
        donor,
        n_donors: m,
        x: vec![1.0; n],
        p: 1,
        y,
        n_genes: genes,
    }
}

#[test]
fn balanced_one_way_anova_matches_the_closed_form_reml() {
    let (m, c) = (40, 7);
    let data = balanced(m, c, 6, 1.5, 42);
    let fits = data.fit(DonorKernel::Identity, TauMode::Estimate).unwrap();
    let n = m * c;
    let mut interior = 0;
    for g in 0..data.n_genes {
        let y = &data.y[g * n..(g + 1) * n];
        let mut means = vec![0.0; m];
        for (i, v) in y.iter().enumerate() {
            means[data.donor[i]] += v / c as f64;
        }
        let grand = y.iter().sum::<f64>() / n as f64;
        let ssw: f64 = y
            .iter()
            .enumerate()
            .map(|(i, v)| (v - means[data.donor[i]]).powi(2))
            .sum();
        let ssb: f64 = means.iter().map(|mu| c as f64 * (mu - grand).powi(2)).sum();
        let (msw, msb) = (ssw / (n - m) as f64, ssb / (m - 1) as f64);
        let fit = &fits.genes[g];
        let (s2e, s2g) = if msb > msw {
            (msw, (msb - msw) / c as f64)
        } else {
            ((ssw + ssb) / (n - 1) as f64, 0.0)
        };
        assert!(
            (fit.s2e / s2e - 1.0).abs() < 1e-9,
            "gene {g}: {} vs {s2e}",
            fit.s2e
        );
        assert!(
            (fit.s2g - s2g).abs() < 1e-9 * s2g.max(1e-300) + 1e-12,
            "gene {g}"
        );
        // REMLcrit = (N-1) log(2 pi s2e) + m log(1 + c tau) + log(N / (1 + c tau)) + (N - 1).
        let tau = s2g / s2e;
        let crit = (n - 1) as f64 * ((2.0 * std::f64::consts::PI * s2e).ln() + 1.0)
            + m as f64 * (1.0 + c as f64 * tau).ln()
            + (n as f64 / (1.0 + c as f64 * tau)).ln();
        assert!((fit.loglik_reml + crit / 2.0).abs() < 1e-8, "gene {g}");
        // se(intercept)^2 = s2e (1 + c tau) / N.
        let se = (s2e * (1.0 + c as f64 * tau) / n as f64).sqrt();
        assert!((fits.se[g] / se - 1.0).abs() < 1e-8);
        assert!((fits.beta[g] - grand).abs() < 1e-12);
        interior += (msb > msw) as usize;
    }
    assert!(interior >= 4, "most genes should have an interior optimum");
    // With no donor effect some genes fall on the boundary: MSB <= MSW gives s2g = 0.
    let null = balanced(30, 5, 12, 0.0, 7);
    let fits = null.fit(DonorKernel::Identity, TauMode::Estimate).unwrap();
    assert!(fits.genes.iter().any(|f| f.at_boundary && f.s2g == 0.0));
}

#[test]
fn dense_identity_kernel_equals_the_identity_shortcut() {
    let data = balanced(25, 4, 3, 1.0, 3);
    let identity: Vec<f64> = (0..625)
        .map(|k| if k % 26 == 0 { 1.0 } else { 0.0 })
        .collect();
    let a = data.fit(DonorKernel::Identity, TauMode::Estimate).unwrap();
    let b = data
        .fit(DonorKernel::Dense(&identity), TauMode::Estimate)
        .unwrap();
    for (x, y) in a.genes.iter().zip(&b.genes) {
        assert!((x.tau - y.tau).abs() <= 1e-9 * x.tau.max(1e-12));
        assert!((x.loglik_reml - y.loglik_reml).abs() < 1e-8);
    }
}

fn class_of(result: Result<NullFits, SingleCellError>) -> (String, &'static str) {
    let err = result.unwrap_err();
    (err.to_string(), err.class())
}

#[test]
fn bad_input_gives_classed_errors() {
    let mut data = balanced(10, 3, 1, 1.0, 5);
    let n = data.n();
    // A second column equal to twice the intercept.
    let mut collinear = data.x.clone();
    collinear.extend(std::iter::repeat_n(2.0, n));
    let names = ["(Intercept)".to_string(), "twice".to_string()];
    let design = Design {
        values: &collinear,
        n_cells: n,
        n_columns: 2,
        names: &names,
    };
    let err = build_stage1(&data.donor, 10, DonorKernel::Identity, &design, None).unwrap_err();
    assert!(matches!(&err, SingleCellError::CollinearCovariate { column } if column == "twice"));
    assert_eq!(err.class(), "single_cell");
    assert!(err.to_string().contains("`twice`"));

    let (message, class) = class_of(data.fit(DonorKernel::Dense(&[1.0; 4]), TauMode::Estimate));
    assert_eq!(class, "single_cell");
    assert!(message.contains("GRM"), "{message}");

    let mut one_donor = balanced(1, 5, 1, 1.0, 1);
    one_donor.n_donors = 1;
    assert!(matches!(
        one_donor.fit(DonorKernel::Identity, TauMode::Estimate),
        Err(SingleCellError::TooFewDonors { found: 1 })
    ));

    assert!(matches!(
        data.fit(DonorKernel::Identity, TauMode::Fixed(-1.0)),
        Err(SingleCellError::InvalidTau { .. })
    ));

    // [[1, 2], [2, 1]] on the first two donors: indefinite.
    let mut indefinite = vec![0.0; 100];
    (0..10).for_each(|i| indefinite[i * 11] = 1.0);
    indefinite[1] = 2.0;
    indefinite[10] = 2.0;
    let (message, class) = class_of(data.fit(DonorKernel::Dense(&indefinite), TauMode::Estimate));
    assert_eq!(class, "grm");
    assert!(message.contains("not positive semi-definite"), "{message}");

    data.donor[4] = 99;
    assert!(matches!(
        data.fit(DonorKernel::Identity, TauMode::Estimate),
        Err(SingleCellError::DonorOutOfRange {
            cell: 4,
            donor: 99,
            ..
        })
    ));
    data.donor[4] = 1;
    data.x[2] = f64::NAN;
    assert!(matches!(
        data.fit(DonorKernel::Identity, TauMode::Estimate),
        Err(SingleCellError::NonFiniteCovariate { cell: 2, .. })
    ));

    let cancel = CancelToken::new();
    cancel.cancel();
    let ok = balanced(10, 3, 1, 1.0, 5);
    let design = Design {
        values: &ok.x,
        n_cells: ok.n(),
        n_columns: 1,
        names: &[],
    };
    let expr = Expression {
        values: &ok.y,
        n_cells: ok.n(),
        n_genes: 1,
        layout: ExpressionLayout::CellsByGenes,
    };
    let err = fit_null_sc(
        &ok.donor,
        10,
        DonorKernel::Identity,
        &design,
        &expr,
        &FitOptions::default(),
        &cancel,
    )
    .unwrap_err();
    assert_eq!(err.class(), "interrupted");
}

#[test]
fn problem_genes_are_flagged_and_the_others_still_fit() {
    let mut data = balanced(12, 4, 7, 1.0, 11);
    let n = data.n();
    // Gene 0 constant; gene 1 infinite in one cell; gene 2 observed only on donor 0 (too few
    // donors); gene 3 observed on a single cell of donor 3 (fine); gene 4 constant again
    // after a second design column makes it exactly explained (below); gene 5 ordinary;
    // gene 6 observed only where that column is 0 (collinear with nothing left: flagged).
    data.y[..n].iter_mut().for_each(|v| *v = 3.25);
    data.y[n + 5] = f64::INFINITY;
    for i in 0..n {
        if data.donor[i] != 0 {
            data.y[2 * n + i] = f64::NAN;
        }
    }
    let mut dropped = 0;
    for i in 0..n {
        if data.donor[i] == 3 && dropped < 3 {
            data.y[3 * n + i] = f64::NAN;
            dropped += 1;
        }
    }
    // Gene 4 = 1 + 2 t for a cell-level covariate t.
    let t: Vec<f64> = (0..n).map(|i| ((i * 7) % 5) as f64).collect();
    for (y, ti) in data.y[4 * n..5 * n].iter_mut().zip(&t) {
        *y = 1.0 + 2.0 * ti;
    }
    for (y, ti) in data.y[6 * n..7 * n].iter_mut().zip(&t) {
        if *ti != 0.0 {
            *y = f64::NAN;
        }
    }
    let fits = data.fit(DonorKernel::Identity, TauMode::Estimate).unwrap();
    let status: Vec<GeneStatus> = fits.genes.iter().map(|f| f.status).collect();
    use GeneStatus::*;
    // Gene 6 keeps one cell on each of 10 donors: with K = I and one cell per donor the donor
    // and residual variances coincide, so tau is not identifiable.
    assert_eq!(
        status,
        [
            Constant,
            NonFinite,
            TooFewObservations,
            Ok,
            Ok,
            Ok,
            NotIdentifiable
        ]
    );
    assert!(fits.genes[0].tau.is_nan() && fits.beta[0].is_nan());
    let single = &fits.groups[fits.group_of_gene[3]];
    assert_eq!(single.single_cell_donors, 1);
    assert_eq!(single.n_cells, n - 3);

    data.x.extend_from_slice(&t);
    data.p = 2;
    let fits = data.fit(DonorKernel::Identity, TauMode::Estimate).unwrap();
    assert_eq!(fits.genes[4].status, ExplainedByCovariates);
    assert_eq!(fits.genes[5].status, Ok);
    assert_eq!(fits.genes[6].status, DesignSingular);
}

#[test]
fn a_stage1_state_can_be_reused_and_is_checked_before_use() {
    let data = balanced(15, 3, 4, 1.0, 9);
    let n = data.n();
    let design = Design {
        values: &data.x,
        n_cells: n,
        n_columns: 1,
        names: &[],
    };
    let expr = Expression {
        values: &data.y,
        n_cells: n,
        n_genes: 4,
        layout: ExpressionLayout::CellsByGenes,
    };
    let mut sys = build_stage1(&data.donor, 15, DonorKernel::Identity, &design, None).unwrap();
    let options = FitOptions::default();
    let cancel = CancelToken::new();
    let reused = fit_group_genes(&sys, &expr, &[0, 1, 2, 3], &options, &cancel).unwrap();
    let direct = data.fit(DonorKernel::Identity, TauMode::Estimate).unwrap();
    assert_eq!(reused.genes, direct.genes);
    assert_eq!(reused.beta, direct.beta);
    // A subset comes back in the order asked for (how the bindings fit slices in place).
    let subset = fit_group_genes(&sys, &expr, &[3, 1], &options, &cancel).unwrap();
    assert_eq!(subset.genes, [direct.genes[3], direct.genes[1]]);
    assert_eq!(subset.beta, [direct.beta[3], direct.beta[1]]);
    assert!(fit_group_genes(&sys, &expr, &[4], &options, &cancel).is_err());
    sys.eigenvalues.pop();
    let err = fit_group_genes(&sys, &expr, &[0], &options, &cancel).unwrap_err();
    assert!(err.to_string().contains("stage-1 eigenvalues"), "{err}");
}
