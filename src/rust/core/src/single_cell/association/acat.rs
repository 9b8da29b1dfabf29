//! Gene-level combination of variant p-values: the Cauchy combination (ACAT, equal weights,
//! SAIGE-QTL's edge rules; spec step 2, section 5).

use std::f64::consts::PI;

/// ACAT p-value of `p` (NaN when empty).
pub fn acat(p: &[f64]) -> f64 {
    let k = p.len();
    if k == 0 {
        return f64::NAN;
    }
    if p.contains(&0.0) {
        return 0.0;
    }
    if p.contains(&1.0) {
        let min = p.iter().copied().fold(f64::INFINITY, f64::min);
        return (k as f64 * min).min(1.0);
    }
    let s: f64 = p
        .iter()
        .map(|&x| {
            if x < 1e-16 {
                1.0 / (x * PI)
            } else {
                ((0.5 - x) * PI).tan()
            }
        })
        .sum::<f64>()
        / k as f64;
    if s > 1e15 {
        1.0 / (s * PI)
    } else {
        cauchy_upper(s)
    }
}

/// P[C > s] for a standard Cauchy variable, accurate in both tails.
fn cauchy_upper(s: f64) -> f64 {
    if s > 0.0 {
        (1.0 / s).atan() / PI
    } else {
        0.5 - s.atan() / PI
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acat_closed_forms_and_edge_rules() {
        // One p-value comes back unchanged; equal p-values combine to the same value.
        // tan((0.5 - p) pi) carries a relative error of about 1e-16 / p near p = 0.
        for &p in &[0.3, 0.01, 1e-8, 0.9] {
            let tol = 1e-14 + 1e-15 / p;
            assert!((acat(&[p]) - p).abs() / p < tol);
            assert!((acat(&[p, p, p]) - p).abs() / p < tol);
        }
        assert_eq!(acat(&[0.0, 0.5]), 0.0);
        assert_eq!(acat(&[1.0, 0.2]), 0.4);
        assert!(acat(&[]).is_nan());
        // 1e-20 and 1e-30: S = (1e20 + 1e30) / (2 pi), p = 1/(S pi) = 2 / (1e20 + 1e30).
        let p = acat(&[1e-20, 1e-30]);
        assert!((p - 2.0 / (1e20 + 1e30)).abs() / p < 1e-12);
    }
}
