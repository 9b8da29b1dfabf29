//! The PQL starting point: the Poisson / NB GLM with offset and no random effect, by IRLS
//! (glm.fit's starting means: y + 0.1 for Poisson, y + (y == 0)/6 for NB).

use super::pql::CountFamily;
use super::tolerances::{GLM_DEVIANCE_RELATIVE, GLM_MAX_ITERATIONS};
use crate::single_cell::dense::{cholesky_in_place, cholesky_solve};

/// Weighted least squares `(X'WX)^-1 X'W z` for an n x p column-major `x`; `None` if X'WX is
/// not positive definite.
pub(super) fn weighted_ls(x: &[f64], n: usize, p: usize, w: &[f64], z: &[f64]) -> Option<Vec<f64>> {
    let mut xwx = vec![0.0; p * p];
    let mut xwz = vec![0.0; p];
    let mut wx = vec![0.0; n];
    for j in 0..p {
        let xj = &x[j * n..(j + 1) * n];
        for i in 0..n {
            wx[i] = w[i] * xj[i];
        }
        for k in j..p {
            let xk = &x[k * n..(k + 1) * n];
            let s: f64 = wx.iter().zip(xk).map(|(a, b)| a * b).sum();
            xwx[k + j * p] = s;
            xwx[j + k * p] = s;
        }
        xwz[j] = wx.iter().zip(z).map(|(a, b)| a * b).sum();
    }
    if !cholesky_in_place(&mut xwx, p) {
        return None;
    }
    cholesky_solve(&xwx, p, &mut xwz);
    Some(xwz)
}

pub(super) fn linear_predictor(x: &[f64], n: usize, p: usize, beta: &[f64], offset: &[f64]) -> Vec<f64> {
    let mut eta = offset.to_vec();
    for j in 0..p {
        let b = beta[j];
        for (e, xv) in eta.iter_mut().zip(&x[j * n..(j + 1) * n]) {
            *e += b * xv;
        }
    }
    eta
}

fn deviance(y: &[f64], mu: &[f64], family: CountFamily) -> f64 {
    let mut d = 0.0;
    for (&yi, &mi) in y.iter().zip(mu) {
        let ylog = if yi > 0.0 { yi * (yi / mi).ln() } else { 0.0 };
        d += match family {
            CountFamily::Poisson => ylog - (yi - mi),
            CountFamily::NegativeBinomial(t) => ylog - (yi + t) * ((yi + t) / (mi + t)).ln(),
        };
    }
    2.0 * d
}

/// The GLM's linear predictor (offset included), or `None` if X'WX is singular or the
/// iteration diverges.
pub(super) fn glm_start(
    y: &[f64],
    x: &[f64],
    n: usize,
    p: usize,
    offset: &[f64],
    family: CountFamily,
) -> Option<Vec<f64>> {
    let mut mu: Vec<f64> = match family {
        CountFamily::Poisson => y.iter().map(|v| v + 0.1).collect(),
        CountFamily::NegativeBinomial(_) => y
            .iter()
            .map(|&v| if v == 0.0 { 1.0 / 6.0 } else { v })
            .collect(),
    };
    let mut eta: Vec<f64> = mu.iter().map(|m| m.ln()).collect();
    let mut dev_old = f64::INFINITY;
    let mut w = vec![0.0; n];
    let mut z = vec![0.0; n];
    for _ in 0..GLM_MAX_ITERATIONS {
        for i in 0..n {
            w[i] = family.weight(mu[i]);
            z[i] = eta[i] - offset[i] + (y[i] - mu[i]) / mu[i];
        }
        let beta = weighted_ls(x, n, p, &w, &z)?;
        eta = linear_predictor(x, n, p, &beta, offset);
        if eta.iter().any(|e| !e.is_finite() || *e > 700.0) {
            return None;
        }
        for i in 0..n {
            mu[i] = eta[i].exp();
        }
        let dev = deviance(y, &mu, family);
        if ((dev - dev_old).abs() / (dev.abs() + 0.1)) < GLM_DEVIANCE_RELATIVE {
            break;
        }
        dev_old = dev;
    }
    Some(eta)
}
