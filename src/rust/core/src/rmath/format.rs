//! Numbers printed the way R's `as.character()` and `write.table()` print doubles: 15
//! significant digits, trailing zeros dropped, fixed notation unless scientific is shorter.

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

#[cfg(test)]
mod tests {
    use super::format_r15;

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
}
