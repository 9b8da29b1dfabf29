//! NB dispersion given the means: theta = root of the NB log-likelihood score
//! `sum_i [psi(y_i + theta) - psi(theta) + log theta + 1 - log(theta + mu_i) - (y_i + theta)/(theta + mu_i)]`
//! (MASS::theta.ml's equation), solved in log theta.
//!
//! For integer counts `psi(y + theta) - psi(theta) = sum_{k < y} 1/(theta + k)`, summed over
//! cells through the counts of cells with `y > k` (O(max y) per evaluation, no digamma), and
//! the remaining terms are written `-log1p(mu/theta) + (mu - y)/(theta + mu)`, which keeps
//! their cancellation exact when theta is large.

use super::root::brent_root;
use super::tolerances::{THETA_MAX, THETA_MIN};

/// Cells with count > k, for k = 0..max(y).
fn exceedances(y: &[f64]) -> Vec<f64> {
    let max = y.iter().fold(0.0f64, |a, &b| a.max(b)) as usize;
    let mut at = vec![0.0; max + 1];
    for &v in y {
        at[v as usize] += 1.0;
    }
    // over[k] = #{y > k}
    let mut over = vec![0.0; max];
    let mut acc = 0.0;
    for k in (0..max).rev() {
        acc += at[k + 1];
        over[k] = acc;
    }
    over
}

fn score(over: &[f64], y: &[f64], mu: &[f64], theta: f64) -> f64 {
    let mut s = 0.0;
    for (k, &n) in over.iter().enumerate() {
        s += n / (theta + k as f64);
    }
    for (&yi, &mi) in y.iter().zip(mu) {
        s += (mi - yi) / (theta + mi) - (mi / theta).ln_1p();
    }
    s
}

/// ML theta given `mu` for integer counts `y`; `f64::INFINITY` when the score is still
/// positive at [`THETA_MAX`] (not overdispersed), [`THETA_MIN`] if it is negative even there.
pub fn theta_ml(y: &[f64], mu: &[f64]) -> f64 {
    let over = exceedances(y);
    let f = |lt: f64| score(&over, y, mu, lt.exp());
    let (lo, hi) = (THETA_MIN.ln(), THETA_MAX.ln());
    let f_hi = f(hi);
    if f_hi > 0.0 {
        return f64::INFINITY;
    }
    let f_lo = f(lo);
    if f_lo <= 0.0 {
        return THETA_MIN;
    }
    brent_root(f, lo, hi, f_lo, f_hi, 1e-13, 500).map_or(f64::NAN, f64::exp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poisson_like_counts_give_infinity() {
        let y = vec![1.0; 50];
        let mu = vec![1.0; 50];
        assert!(theta_ml(&y, &mu).is_infinite());
    }

    #[test]
    fn overdispersed_counts_give_a_finite_root() {
        let y: Vec<f64> = (0..200).map(|i| ((i * 7919) % 13) as f64).collect();
        let mean = y.iter().sum::<f64>() / 200.0;
        let mu = vec![mean; 200];
        let t = theta_ml(&y, &mu);
        assert!(t.is_finite() && t > 0.0);
        let over = exceedances(&y);
        assert!(score(&over, &y, &mu, t).abs() < 1e-8);
    }
}
