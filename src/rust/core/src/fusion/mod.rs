//! FUSION TWAS output (`.dat` files) turned into the gene-level effects and standard errors that
//! the GWAS functions take with `TWAS = TRUE` (GenomicSEM's `read_fusion()`).
//!
//! Per gene, with Z the TWAS Z (or, with `perm`, the Z backed out of the permutation p value):
//! * continuous trait: effect = Z / sqrt(N HSQ), SE = |effect / Z|;
//! * binary trait: effect = Z / sqrt(N/4 HSQ), SE = 1 / sqrt(N/4 HSQ) (with `perm`,
//!   |effect / Z|), both then divided by sqrt(effect^2 HSQ + pi^2 / 3).
//!
//! Missing values stay NaN; R drops those rows and merges the files.

mod error;
mod read;

pub use error::FusionError;
pub use read::{panel_of, read_fusion_file, FusionOptions, FusionTable};

use crate::rmath::chisq1_upper_sqrt;
use std::f64::consts::PI;

/// The permutation p value as GenomicSEM uses it: 1 becomes (n - 1) / n and 0 becomes 1 / n,
/// so that a Z can be backed out.
pub fn clamp_perm_p(p: f64, n: f64) -> f64 {
    if p == 1.0 {
        (n - 1.0) / n
    } else if p == 0.0 {
        1.0 / n
    } else {
        p
    }
}

/// sign(Z) sqrt(qchisq(p, 1, lower.tail = FALSE)).
pub fn z_from_perm(z: f64, p: f64) -> f64 {
    let magnitude = chisq1_upper_sqrt(p, || p.ln());
    if z.is_nan() || magnitude.is_nan() {
        return f64::NAN;
    }
    let sign = if z > 0.0 {
        1.0
    } else if z < 0.0 {
        -1.0
    } else {
        0.0
    };
    sign * magnitude
}

/// Effect and SE of one gene (NaN propagates).
pub fn effect_se(z: f64, hsq: f64, n: f64, binary: bool, perm: bool) -> (f64, f64) {
    if binary {
        let scale = (n / 4.0 * hsq).sqrt();
        let effect = z / scale;
        let se = if perm {
            (effect / z).abs()
        } else {
            1.0 / scale
        };
        let liability = (effect * effect * hsq + PI * PI / 3.0).sqrt();
        (effect / liability, se / liability)
    } else {
        let effect = z / (n * hsq).sqrt();
        (effect, (effect / z).abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuous_effect_is_z_over_sqrt_n_hsq() {
        let (b, se) = effect_se(2.0, 0.25, 400.0, false, false);
        assert!((b - 0.2).abs() < 1e-15);
        assert!((se - 0.1).abs() < 1e-15);
    }

    #[test]
    fn perm_p_clamped_at_bounds() {
        assert_eq!(clamp_perm_p(1.0, 100.0), 0.99);
        assert_eq!(clamp_perm_p(0.0, 100.0), 0.01);
        assert_eq!(clamp_perm_p(0.3, 100.0), 0.3);
        // qchisq(0.05, 1, lower = FALSE) = 3.841459 -> sqrt = 1.959964
        assert!((z_from_perm(-1.0, 0.05) + 1.959_963_984_540_054).abs() < 1e-12);
    }

    #[test]
    fn panels_keep_the_last_two_path_components() {
        assert_eq!(panel_of("WEIGHTS/P/P.G.wgt.RDat"), "P/P.G.wgt.RDat");
        assert_eq!(panel_of("WEIGHTS//P/P.G.wgt.RDat"), "P/P.G.wgt.RDat");
        assert_eq!(panel_of("/a/b/WEIGHTS/P/G"), "P/G");
        assert_eq!(panel_of("P/G"), "P/G");
        assert_eq!(panel_of("G"), "G");
        assert_eq!(panel_of("x/a//b"), "x/a//b");
    }
}
