//! map_group's donor-level score tests against the dense cell-level definition
//! T = (Zg)'P y, Var(T) = (Zg)'P(Zg) with V = s2g Z K Z' + s2e I (spec step 2, section 2),
//! computed here with nalgebra on a small simulated data set, for K = I and a dense K.

use gsem_core::parallel::CancelToken;
use gsem_core::single_cell::association::{
    map_group, AssociationError, GeneResult, GeneTask, GenotypeSource, MapOptions, VariantFilter,
};
use gsem_core::single_cell::{
    fit_null_sc, Design, DonorKernel, Expression, ExpressionLayout, FitOptions,
};
use nalgebra::{DMatrix, DVector};

struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 11) as f64) / ((1u64 << 53) as f64)
    }
}

#[derive(Debug)]
#[allow(dead_code)]
struct Failure(String);
impl From<AssociationError> for Failure {
    fn from(e: AssociationError) -> Self {
        Failure(e.to_string())
    }
}
impl From<gsem_core::error::Cancelled> for Failure {
    fn from(_: gsem_core::error::Cancelled) -> Self {
        Failure("cancelled".into())
    }
}

fn check(dense_kernel: bool) {
    let (m, n, p, q) = (12usize, 90usize, 3usize, 7usize);
    let mut rng = Lcg(if dense_kernel { 7 } else { 11 });
    let donor: Vec<usize> = (0..n)
        .map(|i| {
            if i < m {
                i
            } else {
                (rng.next() * m as f64) as usize % m
            }
        })
        .collect();
    let mut x = vec![1.0; n * p];
    for i in 0..n {
        x[i + n] = rng.next();
        x[i + 2 * n] = (donor[i] % 3) as f64 + rng.next();
    }
    // K: a PSD matrix with relatedness (B B' / m) or the identity.
    let b = DMatrix::from_fn(m, 4, |_, _| rng.next() - 0.5);
    let k = if dense_kernel {
        &b * b.transpose() + DMatrix::identity(m, m) * 0.2
    } else {
        DMatrix::identity(m, m)
    };
    let u: Vec<f64> = (0..m).map(|_| rng.next() - 0.5).collect();
    let y: Vec<f64> = (0..n)
        .map(|i| u[donor[i]] + 0.3 * x[i + n] + rng.next() - 0.5)
        .collect();
    let names: Vec<String> = Vec::new();
    let design = Design {
        values: &x,
        n_cells: n,
        n_columns: p,
        names: &names,
    };
    let expr = Expression {
        values: &y,
        n_cells: n,
        n_genes: 1,
        layout: ExpressionLayout::GenesByCells,
    };
    let kvec: Vec<f64> = k.iter().copied().collect();
    let kernel = if dense_kernel {
        DonorKernel::Dense(&kvec)
    } else {
        DonorKernel::Identity
    };
    let fits = fit_null_sc(
        &donor,
        m,
        kernel,
        &design,
        &expr,
        &FitOptions::default(),
        &CancelToken::new(),
    )
    .unwrap();
    let gene = fits.genes[0];
    let sys = fits.groups[0].stage1.as_ref().unwrap();
    // Genotypes: q variants over m donors, one missing call, one monomorphic variant.
    let mut g = vec![0.0; m * q];
    for v in 0..q {
        for d in 0..m {
            g[d + v * m] = if v == 3 {
                2.0
            } else if v == 4 {
                1.0
            } else {
                ((rng.next() * 3.0) as usize).min(2) as f64
            };
        }
    }
    g[5 + m] = f64::NAN;
    let rows: Vec<usize> = sys.donors.clone();
    let scan: Vec<usize> = (0..q).collect();
    let tasks = [GeneTask {
        id: 0,
        tau: gene.tau,
        s2e: gene.s2e,
        stats: &fits.score_stats[0],
        start: 0,
        end: q,
    }];
    let mut source = GenotypeSource::Matrix {
        values: &g,
        n_samples: m,
        n_variants: q,
    };
    let mut results: Vec<GeneResult> = Vec::new();
    map_group::<Failure>(
        sys,
        &rows,
        &mut source,
        &scan,
        &tasks,
        &MapOptions::default(),
        &CancelToken::new(),
        |b| {
            results.extend(b);
            Ok(())
        },
    )
    .unwrap();
    let r = &results[0];
    // Dense reference.
    let zkz = DMatrix::from_fn(n, n, |i, j| k[(donor[i], donor[j])]);
    let v = zkz * gene.s2g + DMatrix::identity(n, n) * gene.s2e;
    let vinv = v.try_inverse().unwrap();
    let xm = DMatrix::from_column_slice(n, p, &x);
    let xtvx = xm.transpose() * &vinv * &xm;
    let pm = &vinv - &vinv * &xm * xtvx.try_inverse().unwrap() * xm.transpose() * &vinv;
    let yv = DVector::from_column_slice(&y);
    for var in 0..q {
        let mut gd: Vec<f64> = (0..m).map(|d| g[d + var * m]).collect();
        let obs: Vec<f64> = gd.iter().copied().filter(|x| !x.is_nan()).collect();
        let mean = obs.iter().sum::<f64>() / obs.len() as f64;
        gd.iter_mut().filter(|x| x.is_nan()).for_each(|x| *x = mean);
        if var == 3 {
            assert_eq!(r.summaries[var].filter, VariantFilter::Monomorphic);
            assert!(r.tests[var].tstat.is_nan());
            continue;
        }
        if var == 4 {
            // All heterozygous: MAC = m passes the filter, but the genotype is the intercept.
            assert_eq!(r.summaries[var].filter, VariantFilter::Pass);
            assert!(r.tests[var].var.is_nan() && r.pvalues[var].is_nan());
            continue;
        }
        let gc = DVector::from_fn(n, |i, _| gd[donor[i]]);
        let t = (gc.transpose() * &pm * &yv)[(0, 0)];
        let vt = (gc.transpose() * &pm * &gc)[(0, 0)];
        let (ours_t, ours_v) = (r.tests[var].tstat, r.tests[var].var);
        assert!((ours_t - t).abs() / vt.sqrt() < 1e-10, "T {ours_t} vs {t}");
        assert!((ours_v - vt).abs() / vt < 1e-10, "Var {ours_v} vs {vt}");
    }
    assert_eq!(r.num_var, q - 2);
}

#[test]
fn donor_level_score_tests_equal_the_dense_definition_with_k_identity() {
    check(false);
}

#[test]
fn donor_level_score_tests_equal_the_dense_definition_with_a_dense_kernel() {
    check(true);
}
