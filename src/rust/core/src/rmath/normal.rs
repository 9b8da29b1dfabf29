//! The standard normal quantile by Wichura's AS 241 (as in R's `qnorm`), plus an exact path
//! for p values that underflow doubles, computed from log p.
// The published coefficients are kept digit for digit, as R's nmath has them.
#![allow(clippy::excessive_precision)]

use std::f64::consts::PI;

/// `qchisq(0.5, 1)` as R 4.2.2 returns it (`sprintf("%.17g", qchisq(.5, 1))`): the
/// denominator of the genomic-control lambda.
pub const QCHISQ_HALF_DF1: f64 = 0.454_936_423_119_572_83;

/// Lower-tail quantile `qnorm(p)` for p in (0, 1); `-Inf`/`Inf` at 0/1, NaN outside.
pub fn qnorm_lower(p: f64) -> f64 {
    if p.is_nan() || !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180625 - q * q;
        return q * central_numerator(r) / central_denominator(r);
    }
    let tail = if q < 0.0 { p } else { 1.0 - p };
    let value = tail_quantile((-tail.ln()).sqrt());
    if q < 0.0 {
        -value
    } else {
        value
    }
}

/// `sqrt(qchisq(p, 1, lower.tail = FALSE))`, i.e. `qnorm(p / 2, lower.tail = FALSE)`, the |Z|
/// of a two-sided p value. `ln_p` gives log(p), asked for only when p is tiny (it may have
/// underflowed to 0).
pub fn chisq1_upper_sqrt(p: f64, ln_p: impl FnOnce() -> f64) -> f64 {
    if p.is_nan() || !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p >= TINY_P {
        return -qnorm_lower(p / 2.0);
    }
    z_from_log_p(ln_p() - std::f64::consts::LN_2)
}

/// Below this, AS 241's tail polynomial loses accuracy and Newton steps on log p are used.
const TINY_P: f64 = 1e-290;

/// The upper-tail quantile z with log(1 - Phi(z)) = `ln_tail`, for tails far beyond double
/// range: AS 241's tail formula as a start, then Newton steps on the asymptotic log tail.
pub fn z_from_log_p(ln_tail: f64) -> f64 {
    if ln_tail.is_nan() {
        return f64::NAN;
    }
    if ln_tail == f64::NEG_INFINITY {
        return f64::INFINITY;
    }
    let mut z = tail_quantile((-ln_tail).sqrt());
    for _ in 0..4 {
        let (log_tail, hazard) = log_upper_tail_and_hazard(z);
        let step = (log_tail - ln_tail) / hazard;
        z += step;
        if step.abs() <= 1e-15 * z {
            break;
        }
    }
    z
}

/// log(1 - Phi(z)) and the hazard phi(z) / (1 - Phi(z)) for large z (z > 20), from the
/// asymptotic series 1 - Phi(z) = phi(z)/z * (1 - 1/z^2 + 3/z^4 - 15/z^6 + ...), whose terms
/// fall below 1e-16 relative well before they start to grow at this range.
fn log_upper_tail_and_hazard(z: f64) -> (f64, f64) {
    let inv2 = 1.0 / (z * z);
    let mut term = 1.0;
    let mut series = 1.0;
    for k in 1..12 {
        term *= -((2 * k - 1) as f64) * inv2;
        series += term;
        if term.abs() < 1e-17 {
            break;
        }
    }
    let log_phi = -0.5 * z * z - 0.5 * (2.0 * PI).ln();
    let log_tail = log_phi - z.ln() + series.ln();
    (log_tail, (log_phi - log_tail).exp())
}

/// Horner evaluation, coefficients from the highest power down: the same operations, in the
/// same order, as the nested form in R's C source.
fn horner(r: f64, coefficients: &[f64]) -> f64 {
    coefficients
        .iter()
        .skip(1)
        .fold(coefficients[0], |acc, &c| acc * r + c)
}

fn central_numerator(r: f64) -> f64 {
    horner(
        r,
        &[
            2509.0809287301226727,
            33430.575583588128105,
            67265.770927008700853,
            45921.953931549871457,
            13731.693765509461125,
            1971.5909503065514427,
            133.14166789178437745,
            3.387132872796366608,
        ],
    )
}

fn central_denominator(r: f64) -> f64 {
    horner(
        r,
        &[
            5226.495278852854561,
            28729.085735721942674,
            39307.89580009271061,
            21213.794301586595867,
            5394.1960214247511077,
            687.1870074920579083,
            42.313330701600911252,
            1.0,
        ],
    )
}

/// AS 241's rational approximations for r = sqrt(-log(tail)), tail < 0.075.
fn tail_quantile(r: f64) -> f64 {
    if r <= 5.0 {
        let r = r - 1.6;
        horner(
            r,
            &[
                7.7454501427834140764e-4,
                0.0227238449892691845833,
                0.24178072517745061177,
                1.27045825245236838258,
                3.64784832476320460504,
                5.7694972214606914055,
                4.6303378461565452959,
                1.42343711074968357734,
            ],
        ) / horner(
            r,
            &[
                1.05075007164441684324e-9,
                5.475938084995344946e-4,
                0.0151986665636164571966,
                0.14810397642748007459,
                0.68976733498510000455,
                1.6763848301838038494,
                2.05319162663775882187,
                1.0,
            ],
        )
    } else {
        let r = r - 5.0;
        horner(
            r,
            &[
                2.01033439929228813265e-7,
                2.71155556874348757815e-5,
                0.0012426609473880784386,
                0.026532189526576123093,
                0.29656057182850489123,
                1.7848265399172913358,
                5.4637849111641143699,
                6.6579046435011037772,
            ],
        ) / horner(
            r,
            &[
                2.04426310338993978564e-15,
                1.4215117583164458887e-7,
                1.8463183175100546818e-5,
                7.868691311456132591e-4,
                0.0148753612908506148525,
                0.13692988092273580531,
                0.59983220655588793769,
                1.0,
            ],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qnorm_matches_r_to_the_last_bit() {
        // R 4.2.2: sprintf("%.17g", qnorm(c(.85, .99, .113833, .141063)))
        assert_eq!(qnorm_lower(0.85), 1.0364333894937894);
        assert_eq!(qnorm_lower(0.99), 2.3263478740408408);
        assert_eq!(qnorm_lower(0.113833), -1.2063929839590488);
        assert_eq!(qnorm_lower(0.141063), -1.0755557195976275);
    }
}
