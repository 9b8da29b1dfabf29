//! Null-model fits against references nobody on the project wrote: lme4 (K = I), a dense
//! cell-level REML in R and GEMMA (K = plink GRM), from shared/reference/single_cell; and
//! lme4 on a copy of three genes with missing values (tests/data/single_cell/README.md).

mod single_cell_support;

use gsem_core::parallel::CancelToken;
use gsem_core::single_cell::grm::read_gcta_grm;
use gsem_core::single_cell::{
    fit_null_sc, Design, DonorKernel, Expression, ExpressionLayout, FitOptions, GeneStatus,
    NullFits,
};
use single_cell_support::{cells, data, expression, num, read_keyed, read_table, rel, TERMS};

/// Tolerances, from the agreement between the independent references
/// (shared/reference/single_cell/agreement_summary.tsv).
mod tol {
    /// lme4 (tight control) vs dense REML differ by at most 7e-7 relative in tau and s2g, and
    /// our optimum is located to ~1e-10: 2e-6 leaves a margin of 3 over the references' own
    /// disagreement (the brief asks for 1e-5).
    pub const LME4_VC_REL: f64 = 2e-6;
    /// lme4's s2e agrees with dense REML to 8e-9 relative.
    pub const LME4_S2E_REL: f64 = 1e-7;
    /// logLik: lme4 vs dense REML within 1.2e-10 absolute; criterion rounding ~1e-9.
    pub const LOGLIK_ABS: f64 = 1e-6;
    /// Fixed effects: lme4 vs dense REML within 1e-7 se; SEs within 8.3e-8 relative.
    pub const BETA_OVER_SE: f64 = 1e-5;
    pub const SE_REL: f64 = 1e-5;
    /// Dense REML located its optimum to ~1e-12 relative (README); both sides compute the
    /// same exact criterion, so 1e-6 (the README's suggestion) is conservative.
    pub const DENSE_VC_REL: f64 = 1e-6;
    /// GEMMA prints 6 significant digits and stops Newton at ~1e-5 relative; the README
    /// measured 7.2e-6 vs dense REML and suggests 2e-5.
    pub const GEMMA_VC_REL: f64 = 2e-5;
    /// GEMMA's logl (its convention) agreed with dense REML within 0.0058 absolute.
    pub const GEMMA_LOGL_ABS: f64 = 0.01;
    /// Boundary genes: tau must be exactly 0 (references: dense 0, lme4 <= 1.2e-14).
    pub const BOUNDARY_TAU: f64 = 1e-8;
}

struct Problem {
    cells: single_cell_support::Cells,
    genes: Vec<String>,
    expr: Vec<f64>,
}

fn problem(expr_file: &str) -> Problem {
    let (genes, expr, n_cells) = expression(expr_file);
    let cells = cells();
    assert_eq!(n_cells, cells.n);
    Problem { cells, genes, expr }
}

fn fit(problem: &Problem, kernel: DonorKernel<'_>, options: FitOptions) -> NullFits {
    let c = &problem.cells;
    let design = Design {
        values: &c.design,
        n_cells: c.n,
        n_columns: 8,
        names: &c.names,
    };
    let expr = Expression {
        values: &problem.expr,
        n_cells: c.n,
        n_genes: problem.genes.len(),
        layout: ExpressionLayout::GenesByCells,
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    pool.install(|| {
        fit_null_sc(
            &c.donor_of_cell,
            c.n_donors,
            kernel,
            &design,
            &expr,
            &options,
            &CancelToken::new(),
        )
    })
    .unwrap()
}

/// Worst differences, printed for the report.
#[derive(Default, Debug)]
struct Worst {
    tau: f64,
    s2g: f64,
    s2e: f64,
    loglik: f64,
    beta_over_se: f64,
    se: f64,
}

fn compare_fixef(
    fits: &NullFits,
    genes: &[String],
    file: &str,
    kernel: Option<&str>,
    worst: &mut Worst,
) {
    let (header, rows) = read_table(file);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let mut seen = 0;
    for row in &rows {
        if let Some(k) = kernel {
            if row[col("kernel")] != k {
                continue;
            }
        }
        let g = genes
            .iter()
            .position(|id| *id == row[col("gene_id")])
            .unwrap();
        let t = TERMS.iter().position(|t| *t == row[col("term")]).unwrap();
        let (beta, se) = (fits.beta[g * 8 + t], fits.se[g * 8 + t]);
        let (ref_beta, ref_se) = (num(&row[col("estimate")]), num(&row[col("se")]));
        worst.beta_over_se = worst.beta_over_se.max((beta - ref_beta).abs() / ref_se);
        worst.se = worst.se.max(rel(se, ref_se));
        seen += 1;
    }
    assert_eq!(seen, genes.len() * 8);
}

#[test]
fn identity_kernel_matches_lme4() {
    let problem = problem("expr.tsv.gz");
    let fits = fit(&problem, DonorKernel::Identity, FitOptions::default());
    let golden = read_keyed("golden_lme4_K_I.tsv");
    let mut worst = Worst::default();
    let mut boundary = 0;
    for (g, id) in problem.genes.iter().enumerate() {
        let (ours, reference) = (&fits.genes[g], &golden[id]);
        assert_eq!(ours.status, GeneStatus::Ok);
        assert!(ours.converged, "{id}");
        let tau = num(&reference["tau"]);
        // lme4 reports theta = 0 or <= 1.1e-7 (tau <= 1.2e-14) for the boundary genes.
        if tau < 1e-12 {
            boundary += 1;
            assert!(
                ours.at_boundary && ours.tau <= tol::BOUNDARY_TAU,
                "{id} {}",
                ours.tau
            );
        } else {
            worst.tau = worst.tau.max(rel(ours.tau, tau));
            worst.s2g = worst.s2g.max(rel(ours.s2g, num(&reference["s2g"])));
        }
        worst.s2e = worst.s2e.max(rel(ours.s2e, num(&reference["s2e"])));
        worst.loglik = worst
            .loglik
            .max((ours.loglik_reml - num(&reference["logLik_REML"])).abs());
        assert!((ours.h2 - num(&reference["h2"])).abs() < 1e-6);
    }
    compare_fixef(
        &fits,
        &problem.genes,
        "golden_lme4_K_I_fixef.tsv",
        None,
        &mut worst,
    );
    eprintln!("K = I vs lme4: {worst:?}");
    assert_eq!(boundary, 4, "G003, G030, G045, G050");
    assert!(
        worst.tau < tol::LME4_VC_REL && worst.s2g < tol::LME4_VC_REL,
        "{worst:?}"
    );
    assert!(
        worst.s2e < tol::LME4_S2E_REL && worst.loglik < tol::LOGLIK_ABS,
        "{worst:?}"
    );
    assert!(
        worst.beta_over_se < tol::BETA_OVER_SE && worst.se < tol::SE_REL,
        "{worst:?}"
    );
}

#[test]
fn plink_grm_kernel_matches_dense_reml_and_gemma() {
    let problem = problem("expr.tsv.gz");
    let grm = read_gcta_grm(&data("grm")).unwrap();
    let fits = fit(
        &problem,
        DonorKernel::Dense(&grm.values),
        FitOptions::default(),
    );
    let dense = read_keyed("golden_denseR_K_GRM.tsv");
    let gemma = read_keyed("golden_gemma_K_GRM.tsv");
    let (mut worst, mut worst_gemma) = (Worst::default(), Worst::default());
    for (g, id) in problem.genes.iter().enumerate() {
        let ours = &fits.genes[g];
        assert_eq!(ours.status, GeneStatus::Ok);
        let (d, e) = (&dense[id], &gemma[id]);
        if d["boundary"] == "TRUE" {
            assert!(ours.at_boundary && ours.tau == 0.0, "{id} {}", ours.tau);
            // GEMMA clamps lambda at its lower bound 1e-5.
            assert!(num(&e["lambda"]) <= 1.0001e-5);
        } else {
            worst.tau = worst.tau.max(rel(ours.tau, num(&d["tau"])));
            worst.s2g = worst.s2g.max(rel(ours.s2g, num(&d["s2g"])));
            worst_gemma.tau = worst_gemma.tau.max(rel(ours.tau, num(&e["lambda"])));
            worst_gemma.s2g = worst_gemma.s2g.max(rel(ours.s2g, num(&e["vg"])));
        }
        worst.s2e = worst.s2e.max(rel(ours.s2e, num(&d["s2e"])));
        worst_gemma.s2e = worst_gemma.s2e.max(rel(ours.s2e, num(&e["ve"])));
        worst.loglik = worst
            .loglik
            .max((ours.loglik_reml - num(&d["logLik_REML"])).abs());
        // GEMMA's REML log-likelihood is larger by 0.5 log|X'X|; the dense golden reports both.
        let shift = num(&d["logLik_REML_gemma_convention"]) - num(&d["logLik_REML"]);
        let ours_gemma = ours.loglik_reml + shift;
        worst_gemma.loglik = worst_gemma
            .loglik
            .max((ours_gemma - num(&e["logl_REML"])).abs());
    }
    compare_fixef(
        &fits,
        &problem.genes,
        "golden_denseR_K_GRM_fixef.tsv",
        Some("GRM"),
        &mut worst,
    );
    eprintln!("K = GRM vs dense REML: {worst:?}\nK = GRM vs GEMMA: {worst_gemma:?}");
    assert!(
        worst.tau < tol::DENSE_VC_REL && worst.s2g < tol::DENSE_VC_REL,
        "{worst:?}"
    );
    assert!(
        worst.s2e < tol::DENSE_VC_REL && worst.loglik < tol::LOGLIK_ABS,
        "{worst:?}"
    );
    assert!(worst.beta_over_se < 1e-6 && worst.se < 1e-6, "{worst:?}");
    assert!(worst_gemma.tau < tol::GEMMA_VC_REL && worst_gemma.s2g < tol::GEMMA_VC_REL);
    assert!(worst_gemma.s2e < tol::GEMMA_VC_REL && worst_gemma.loglik < tol::GEMMA_LOGL_ABS);
}

/// expr_missing.tsv.gz: genes G001 (261 random cells NA), G003 (all cells of donors D001-D003
/// NA, so they drop out) and G010 (500 random cells NA); golden_lme4_missing*.tsv: lme4 with
/// the reference's tight control on the observed cells (script in the report of issue 7).
#[test]
fn missing_values_fit_each_gene_on_its_observed_cells_like_lme4() {
    let problem = problem("expr_missing.tsv.gz");
    let fits = fit(&problem, DonorKernel::Identity, FitOptions::default());
    assert_eq!(fits.groups.len(), 3);
    let golden = read_keyed("golden_lme4_missing.tsv");
    let mut worst = Worst::default();
    for (g, id) in problem.genes.iter().enumerate() {
        let (ours, reference) = (&fits.genes[g], &golden[id]);
        let group = &fits.groups[fits.group_of_gene[g]];
        assert_eq!(group.n_cells.to_string(), reference["n_cells"]);
        assert_eq!(group.n_donors.to_string(), reference["n_donors"]);
        let tau = num(&reference["tau"]);
        if tau == 0.0 {
            assert!(ours.at_boundary, "{id}");
        } else {
            worst.tau = worst.tau.max(rel(ours.tau, tau));
            worst.s2g = worst.s2g.max(rel(ours.s2g, num(&reference["s2g"])));
        }
        worst.s2e = worst.s2e.max(rel(ours.s2e, num(&reference["s2e"])));
        worst.loglik = worst
            .loglik
            .max((ours.loglik_reml - num(&reference["logLik_REML"])).abs());
    }
    compare_fixef(
        &fits,
        &problem.genes,
        "golden_lme4_missing_fixef.tsv",
        None,
        &mut worst,
    );
    eprintln!("missing values vs lme4: {worst:?}");
    assert!(
        worst.tau < 1e-5 && worst.s2g < 1e-5 && worst.s2e < 1e-6,
        "{worst:?}"
    );
    assert!(worst.loglik < tol::LOGLIK_ABS && worst.beta_over_se < 1e-4 && worst.se < 1e-4);
}

/// With a GRM, a donor without observed cells drops out and the GRM's submatrix is used: the
/// fit of G001 with the cells of donors D001-D003 set missing equals a fit on the remaining
/// cells with the 117 x 117 submatrix passed explicitly.
#[test]
fn missing_donors_use_the_grm_submatrix() {
    let mut problem = problem("expr.tsv.gz");
    let grm = read_gcta_grm(&data("grm")).unwrap();
    let g = problem.genes.iter().position(|id| id == "G001").unwrap();
    let n_genes = problem.genes.len();
    let c = &problem.cells;
    for i in 0..c.n {
        if c.donor_of_cell[i] < 3 {
            problem.expr[g + i * n_genes] = f64::NAN;
        }
    }
    let fits = fit(
        &problem,
        DonorKernel::Dense(&grm.values),
        FitOptions::default(),
    );
    let c = &problem.cells;
    let observed: Vec<usize> = (0..c.n).filter(|&i| c.donor_of_cell[i] >= 3).collect();
    let (m_all, m) = (c.n_donors, c.n_donors - 3);
    let mut sub_grm = vec![0.0; m * m];
    for j in 0..m {
        for i in 0..m {
            sub_grm[i + j * m] = grm.values[(i + 3) + (j + 3) * m_all];
        }
    }
    let n = observed.len();
    let donor: Vec<usize> = observed.iter().map(|&i| c.donor_of_cell[i] - 3).collect();
    let mut x = vec![0.0; n * 8];
    for j in 0..8 {
        for (r, &i) in observed.iter().enumerate() {
            x[r + j * n] = c.design[i + j * c.n];
        }
    }
    let y: Vec<f64> = observed
        .iter()
        .map(|&i| problem.expr[g + i * n_genes])
        .collect();
    let design = Design {
        values: &x,
        n_cells: n,
        n_columns: 8,
        names: &c.names,
    };
    let expr = Expression {
        values: &y,
        n_cells: n,
        n_genes: 1,
        layout: ExpressionLayout::CellsByGenes,
    };
    let direct = fit_null_sc(
        &donor,
        m,
        DonorKernel::Dense(&sub_grm),
        &design,
        &expr,
        &FitOptions::default(),
        &CancelToken::new(),
    )
    .unwrap();
    let (a, b) = (&fits.genes[g], &direct.genes[0]);
    assert_eq!(fits.groups[fits.group_of_gene[g]].n_donors, 117);
    assert!(
        b.tau > 0.1,
        "an interior optimum, so that the kernel matters: {b:?}"
    );
    assert!((a.tau - b.tau).abs() <= 1e-9 * b.tau, "{a:?} {b:?}");
    assert!((a.loglik_reml - b.loglik_reml).abs() < 1e-8);
    for t in 0..8 {
        assert!((fits.beta[g * 8 + t] - direct.beta[t]).abs() <= 1e-9 * direct.se[t]);
    }
}
