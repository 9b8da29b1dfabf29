//! Fixed and shared tau against lme4's profiled REML deviance (`lmer(..., devFunOnly = TRUE)`
//! evaluated at theta = sqrt(tau); the shared tau minimises the deviance summed over the 50
//! genes, found with optimize() and polished with uniroot(): golden_lme4_devfun.tsv).

mod single_cell_support;

use gsem_core::parallel::CancelToken;
use gsem_core::single_cell::{
    fit_null_sc, Design, DonorKernel, Expression, ExpressionLayout, FitOptions, NullFits, TauMode,
};
use single_cell_support::{cells, expression, num, read_table, rel};

/// Our criterion and lme4's deviance are the same exact function: they agree to rounding
/// (~1e-10 absolute on values of ~7000, see the K = I goldens).
const CRIT_ABS: f64 = 1e-6;
/// The R script's shared theta is located by optimize(tol 1e-12) and a central-difference
/// uniroot on a sum of ~3e5; 1e-6 relative on tau is well above that error.
const SHARED_TAU_REL: f64 = 1e-6;

fn fit_all(tau: TauMode, layout: ExpressionLayout) -> (Vec<String>, NullFits) {
    let (genes, values, n_cells) = expression("expr.tsv.gz");
    let c = cells();
    let values = match layout {
        ExpressionLayout::GenesByCells => values,
        ExpressionLayout::CellsByGenes => {
            let n_genes = genes.len();
            let mut t = vec![0.0; values.len()];
            for g in 0..n_genes {
                for i in 0..n_cells {
                    t[i + g * n_cells] = values[g + i * n_genes];
                }
            }
            t
        }
    };
    let design = Design {
        values: &c.design,
        n_cells: c.n,
        n_columns: 8,
        names: &c.names,
    };
    let expr = Expression {
        values: &values,
        n_cells,
        n_genes: genes.len(),
        layout,
    };
    let options = FitOptions {
        tau,
        genes_per_chunk: 7,
        ..FitOptions::default()
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let fits = pool
        .install(|| {
            fit_null_sc(
                &c.donor_of_cell,
                c.n_donors,
                DonorKernel::Identity,
                &design,
                &expr,
                &options,
                &CancelToken::new(),
            )
        })
        .unwrap();
    (genes, fits)
}

#[test]
fn fixed_tau_reproduces_lme4_deviance_at_that_tau() {
    let (_, rows) = read_table("golden_lme4_devfun.tsv");
    let mut worst: f64 = 0.0;
    for tau in [0.0, 0.1, 0.5] {
        let (genes, fits) = fit_all(TauMode::Fixed(tau), ExpressionLayout::GenesByCells);
        for row in rows.iter().filter(|r| r[0] == "fixed" && num(&r[2]) == tau) {
            let g = genes.iter().position(|id| *id == row[1]).unwrap();
            let fit = &fits.genes[g];
            assert_eq!(fit.tau, tau);
            assert_eq!(fit.at_boundary, tau == 0.0);
            worst = worst.max((-2.0 * fit.loglik_reml - num(&row[3])).abs());
        }
    }
    eprintln!("fixed tau: max |REMLcrit - lme4 devfun| = {worst:e}");
    assert!(worst < CRIT_ABS);
}

#[test]
fn shared_tau_minimises_the_summed_lme4_deviance() {
    let (_, rows) = read_table("golden_lme4_devfun.tsv");
    let shared = rows.iter().find(|r| r[0] == "shared").unwrap();
    for layout in [
        ExpressionLayout::GenesByCells,
        ExpressionLayout::CellsByGenes,
    ] {
        let (_, fits) = fit_all(TauMode::Shared, layout);
        let tau = fits.shared_tau.unwrap();
        let total: f64 = fits.genes.iter().map(|f| -2.0 * f.loglik_reml).sum();
        eprintln!(
            "shared tau {tau} (rel diff {:e}), summed crit diff {:e}",
            rel(tau, num(&shared[2])),
            total - num(&shared[3])
        );
        assert!(rel(tau, num(&shared[2])) < SHARED_TAU_REL);
        assert!((total - num(&shared[3])).abs() < 50.0 * CRIT_ABS);
        assert!(fits.genes.iter().all(|f| f.tau == tau && f.converged));
    }
}
