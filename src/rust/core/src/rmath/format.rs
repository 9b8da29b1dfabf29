//! Numbers printed the way R's `as.character()` and `write.table()` print doubles (15
//! significant digits, trailing zeros dropped, fixed notation unless scientific is shorter)
//! and the way `format(x, digits = d)` prints one double (R's `formatReal()`, scipen = 0).

/// Format `x` as R does with `digits = 15` (`NaN` prints as `NaN`; use `"NA"` yourself for
/// missing values).
pub fn format_r15(x: f64) -> String {
    let mut out = String::new();
    format_r15_into(x, &mut out, &mut String::new());
    out
}

/// [`format_r15`] appending to `out`, with `scratch` reused between calls (no allocation
/// once both have grown).
pub fn format_r15_into(x: f64, out: &mut String, scratch: &mut String) {
    use std::fmt::Write;
    if x.is_nan() {
        out.push_str("NaN");
        return;
    }
    if x.is_infinite() {
        out.push_str(if x > 0.0 { "Inf" } else { "-Inf" });
        return;
    }
    if x == 0.0 {
        out.push('0');
        return;
    }
    // Correctly rounded to 15 significant digits, as C's sprintf("%.14e") which R uses.
    scratch.clear();
    let _ = write!(scratch, "{:.14e}", x.abs());
    let (mantissa, exponent) = scratch.split_once('e').unwrap_or((scratch.as_str(), "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    // "d.dddddddddddddd": the digits without the point, trailing zeros dropped.
    let (lead, rest) = mantissa.split_at(1);
    let rest = rest.trim_start_matches('.').trim_end_matches('0');
    let nsig = 1 + rest.len() as i32;
    let negative = usize::from(x < 0.0);

    let right = (nsig - exponent - 1).max(0);
    let left = if exponent >= 0 { exponent + 1 } else { 1 };
    let fixed_width = negative as i32 + left + if right > 0 { right + 1 } else { 0 };
    let exponent_width = if exponent.abs() >= 100 { 5 } else { 4 };
    let sci_width = negative as i32 + if nsig > 1 { nsig + 1 } else { nsig } + exponent_width;

    if negative == 1 {
        out.push('-');
    }
    if fixed_width <= sci_width {
        let _ = write!(out, "{:.*}", right as usize, x.abs());
    } else {
        out.push_str(lead);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        let esign = if exponent < 0 { '-' } else { '+' };
        let _ = write!(out, "e{esign}{:02}", exponent.abs());
    }
}

/// `format(x, digits = digits)` for one double.
pub fn format_digits(x: f64, digits: usize) -> String {
    if x.is_nan() {
        return "NaN".to_owned();
    }
    if x.is_infinite() {
        return if x > 0.0 {
            "Inf".to_owned()
        } else {
            "-Inf".to_owned()
        };
    }
    let digits = digits.clamp(1, 22);
    let Significance {
        negative,
        kpower,
        nsig,
        rounding_widens,
    } = significance(x, digits);
    let neg = usize::from(negative);
    let mut left = kpower + 1;
    if rounding_widens {
        left -= 1;
    }
    let sleft = neg as i32 + if left <= 0 { 1 } else { left };
    let rgt = (nsig as i32 - left).max(0);
    let mxsl = if left < 0 { 1 + neg as i32 } else { sleft };
    let fixed_width = mxsl + rgt + i32::from(rgt != 0);
    let exp_extra = if left > 100 || left <= -99 { 2 } else { 1 };
    let mantissa_digits = nsig as i32 - 1;
    let sci_width = neg as i32 + i32::from(mantissa_digits > 0) + mantissa_digits + 4 + exp_extra;
    if fixed_width <= sci_width {
        format!("{:.*}", rgt as usize, x)
    } else {
        c_style_exponent(&format!("{:.*e}", mantissa_digits as usize, x))
    }
}

struct Significance {
    negative: bool,
    /// Decimal exponent of |x| after rounding to the significant digits.
    kpower: i32,
    /// Significant digits needed (at most `digits`), trailing zeros dropped.
    nsig: usize,
    /// Rounding carried into a new power of ten that fixed notation would not show.
    rounding_widens: bool,
}

fn significance(x: f64, digits: usize) -> Significance {
    if x == 0.0 {
        return Significance {
            negative: false,
            kpower: 0,
            nsig: 1,
            rounding_widens: false,
        };
    }
    let r = x.abs();
    // Correct decimal rounding to `digits` significant digits.
    let text = format!("{:.*e}", digits - 1, r);
    let (mantissa, exponent) = text.split_once('e').unwrap_or((text.as_str(), "0"));
    let kpower: i32 = exponent.parse().unwrap_or(0);
    let significant: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let nsig = significant.trim_end_matches('0').len().max(1);
    let rgt = (digits as i32 - kpower).clamp(0, 22);
    let fuzz = 0.5 / 10f64.powi(rgt);
    let rounding_widens = kpower > 0 && kpower <= 22 && r < 10f64.powi(kpower) - fuzz;
    Significance {
        negative: x < 0.0,
        kpower,
        nsig,
        rounding_widens,
    }
}

/// Rust writes `1e-4`; C's printf (and so R) writes `1e-04`.
fn c_style_exponent(rust: &str) -> String {
    match rust.split_once('e') {
        Some((mantissa, exp)) => {
            let (sign, digits) = match exp.strip_prefix('-') {
                Some(d) => ('-', d),
                None => ('+', exp),
            };
            format!("{mantissa}e{sign}{digits:0>2}")
        }
        None => rust.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::{format_digits, format_r15};

    #[test]
    fn matches_r_as_character() {
        // Expected strings from R 4.2.2: as.character(x).
        let cases = [
            (160378.0, "160378"),
            (100000.0, "1e+05"),
            (123456.0, "123456"),
            (0.0001, "1e-04"),
            (0.00012, "0.00012"),
            (1.77637881795453, "1.77637881795453"),
            (-1.05736727657577, "-1.05736727657577"),
            (1.0 / 3.0, "0.333333333333333"),
            (2.0 / 3.0 * 1e-10, "6.66666666666667e-11"),
            (1e300, "1e+300"),
            (-2.5e-7, "-2.5e-07"),
            (0.1 + 0.2, "0.3"),
            (58333.0, "58333"),
            (1e15, "1e+15"),
            (123456789012345.0, "123456789012345"),
        ];
        for (x, want) in cases {
            assert_eq!(format_r15(x), want, "formatting {x:e}");
        }
        assert_eq!(format_r15(f64::NAN), "NaN");
        assert_eq!(format_r15(f64::NEG_INFINITY), "-Inf");
    }

    #[test]
    fn format_digits_matches_r() {
        // Expected strings from R 4.2.2: format(x, digits = d).
        assert_eq!(format_digits(11.97, 3), "12");
        assert_eq!(format_digits(33.2987, 3), "33.3");
        assert_eq!(format_digits(9.7912, 3), "9.79");
        assert_eq!(format_digits(3.42254e-162, 5), "3.4225e-162");
        assert_eq!(format_digits(2.115e-33, 5), "2.115e-33");
        assert_eq!(format_digits(0.5, 5), "0.5");
        assert_eq!(format_digits(9996.0, 3), "9996");
        assert_eq!(format_digits(123456.0, 3), "123456");
    }
}
