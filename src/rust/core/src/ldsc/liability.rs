//! Observed-to-liability scale conversion of a binary trait's heritability.

use crate::rmath::{dnorm, qnorm_lower};

/// `c = K^2 (1-K)^2 / (P (1-P) dnorm(qnorm(1-K))^2)` for population prevalence K and sample
/// prevalence P; 1 (no conversion) unless both are given.
pub fn liability_factor(sample_prev: Option<f64>, population_prev: Option<f64>) -> f64 {
    match (sample_prev, population_prev) {
        (Some(p), Some(k)) if !p.is_nan() && !k.is_nan() => {
            let one_minus_k = 1.0 - k;
            let z = dnorm(qnorm_lower(one_minus_k));
            ((k * k) * (one_minus_k * one_minus_k)) / ((p * (1.0 - p)) * (z * z))
        }
        _ => 1.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // R 4.2.2: sprintf("%.17g", (.15^2*(1-.15)^2)/(.5*(1-.5)*dnorm(qnorm(1-.15))^2))
    #[test]
    fn factor_matches_r() {
        let c = liability_factor(Some(0.5), Some(0.15));
        assert!((c - 1.1961257230604343).abs() < 1e-15, "{c}");
        assert_eq!(liability_factor(None, Some(0.1)), 1.0);
    }
}
