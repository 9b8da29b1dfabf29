//! The tridiagonal route of the working REML equals the eigenvector route (same criterion,
//! derivative, beta, tau root and donor residual) on a random SPD kernel and on a singular
//! (centred) one.

use super::working::{GeneData, Route, Working};

fn uniform(seed: &mut u64) -> f64 {
    *seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (*seed >> 11) as f64 / (1u64 << 53) as f64
}

fn close(a: f64, b: f64, scale: f64) -> bool {
    (a - b).abs() <= 1e-10 * scale.max(a.abs()).max(b.abs())
}

fn check(centred: bool) {
    let (m, p, per) = (48, 3, 5);
    let n = m * per;
    let mut seed = 11u64;
    let s = &mut seed;
    let f: Vec<f64> = (0..m * 2 * m).map(|_| uniform(s) - 0.5).collect();
    let mut b = f.clone();
    if centred {
        // Centre the features: K 1 = 0, one zero eigenvalue up to rounding.
        for k in 0..2 * m {
            let mean = (0..m).map(|i| f[i + k * m]).sum::<f64>() / m as f64;
            (0..m).for_each(|i| b[i + k * m] -= mean);
        }
    }
    let mut kernel = vec![0.0; m * m];
    for i in 0..m {
        for j in 0..m {
            kernel[i + j * m] =
                (0..2 * m).map(|k| b[i + k * m] * b[j + k * m]).sum::<f64>() / m as f64;
        }
    }
    let donor: Vec<usize> = (0..n).map(|i| i % m).collect();
    let x: Vec<f64> = (0..n * p).map(|i| if i < n { 1.0 } else { uniform(s) }).collect();
    let w: Vec<f64> = (0..n).map(|_| 0.2 + 3.0 * uniform(s)).collect();
    let ywork: Vec<f64> = (0..n)
        .map(|i| 1.0 + x[n + i] + 0.5 * (uniform(s) - 0.5) + 1.5 * ((i % m) as f64 * 1.7).sin())
        .collect();
    let zeros = vec![0.0; n];
    let g = GeneData {
        y: &zeros,
        x: &x,
        offset: &zeros,
        donor: &donor,
        n,
        p,
        m,
        kernel: Some(&kernel),
    };
    let eigen = Working::build(&g, &w, &ywork, Route::Eigen).unwrap();
    let tri = Working::build(&g, &w, &ywork, Route::Tridiagonal).unwrap();
    assert!(eigen.u.is_some() && tri.u.is_none(), "the tridiagonal route was not taken");
    for tau in [0.0, 1e-3, 0.05, 0.7, 12.0, 3e3] {
        let (a, b) = (eigen.at(tau).unwrap(), tri.at(tau).unwrap());
        assert!(close(a.crit, b.crit, 1.0), "crit at {tau}: {} {}", a.crit, b.crit);
        for c in 0..p {
            assert!(close(a.beta[c], b.beta[c], 1.0), "beta at {tau}");
        }
        let (da, db) = (eigen.derivative(tau).unwrap(), tri.derivative(tau).unwrap());
        assert!(close(da, db, 1.0), "derivative at {tau}: {da} {db}");
        let (ra, rb) = (eigen.donor_residual(&a).unwrap(), tri.donor_residual(&b).unwrap());
        // r = Z'We - (...) cancels: compare on the scale of Z'W Y~.
        let scale = eigen.zwy.iter().fold(0.0f64, |s, v| s.max(v.abs()));
        for j in 0..m {
            assert!(close(ra[j], rb[j], scale), "residual {j} at {tau}: {} {}", ra[j], rb[j]);
        }
    }
    let (ta, tb) = (eigen.search_tau(None), tri.search_tau(None));
    assert!(ta > 0.0 && close(ta, tb, 0.0), "tau {ta} {tb}");
}

#[test]
fn tridiagonal_route_equals_eigen_route() {
    check(false);
}

#[test]
fn tridiagonal_route_equals_eigen_route_singular_kernel() {
    check(true);
}
