//! Summaries with R's exact conventions.

/// R's `median()` of the non-NaN values (NaN when there are none). Reorders `values`.
pub fn median(values: &mut [f64]) -> f64 {
    let n = values.len();
    if n == 0 {
        return f64::NAN;
    }
    let half = n / 2;
    let (_, upper, _) = values.select_nth_unstable_by(half, f64::total_cmp);
    let upper = *upper;
    if n % 2 == 1 {
        return upper;
    }
    let lower = values[..half]
        .iter()
        .copied()
        .fold(f64::NEG_INFINITY, f64::max);
    (lower + upper) / 2.0
}

/// R's `round(x)` to a whole number: halves go to the even neighbour (IEC 60559).
pub fn round_half_even(x: f64) -> f64 {
    let r = x.round();
    if (x - x.trunc()).abs() == 0.5 && r % 2.0 != 0.0 {
        r - x.signum()
    } else {
        r
    }
}

/// `round(x, digits)` with R >= 4.0's algorithm: of the two decimal neighbours of `x`,
/// the closer one, and the even one on a tie.
pub fn round_digits(x: f64, digits: i32) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    if digits == 0 {
        return x.round_ties_even();
    }
    let (sgn, ax) = if x < 0.0 { (-1.0, -x) } else { (1.0, x) };
    let l10x = std::f64::consts::LOG10_2 * (0.5 + ax.log2().floor());
    if l10x + digits as f64 > f64::DIGITS as f64 {
        return x;
    }
    let pow10 = 10f64.powi(digits);
    let x10 = ax * pow10;
    let i10 = x10.floor();
    let xd = i10 / pow10;
    let xu = x10.ceil() / pow10;
    let du = xu - ax;
    let dd = ax - xd;
    sgn * if du < dd || (i10 % 2.0 == 1.0 && du == dd) {
        xu
    } else {
        xd
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts_matches_r() {
        // R: median(c(3, 1, 2)) == 2; median(c(4, 1, 3, 2)) == 2.5
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), 2.5);
        assert!(median(&mut []).is_nan());
    }

    #[test]
    fn rounding_sends_halves_to_even_like_r() {
        // R: round(c(0.5, 1.5, 2.5, -0.5, -1.5, 0.49, 1.2)) == c(0, 2, 2, 0, -2, 0, 1)
        let got: Vec<f64> = [0.5, 1.5, 2.5, -0.5, -1.5, 0.49, 1.2]
            .iter()
            .map(|&x| round_half_even(x))
            .collect();
        assert_eq!(got, [0.0, 2.0, 2.0, 0.0, -2.0, 0.0, 1.0]);
    }

    #[test]
    fn round_to_digits_follows_r4() {
        // R 4.2.2: round(0.15, 1), round(2.5), round(-0.01535, 4), round(0.12554, 4)
        assert_eq!(round_digits(0.15, 1), 0.1);
        assert_eq!(round_digits(2.5, 0), 2.0);
        assert_eq!(round_digits(-0.01535, 4), -0.0154);
        assert_eq!(round_digits(0.12554, 4), 0.1255);
    }
}
