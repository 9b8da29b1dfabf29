//! Parsing field values the way R's `read.table(na.strings = c(".", NA, "NA", ""))` does,
//! except that a malformed number makes only that value missing (and is counted) instead of
//! turning the whole column into text.

/// A p value that keeps its size below the double range (for example `1e-400`, which R reads
/// as 0) through its natural log.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PValue {
    pub value: f64,
    /// The log taken from the text when the value underflowed to 0, else NaN: other logs are
    /// computed on demand, since only the rare tiny p values need them.
    underflow_ln: f64,
}

impl PValue {
    pub fn new(value: f64) -> PValue {
        PValue {
            value,
            underflow_ln: f64::NAN,
        }
    }

    /// The natural log of the p value, exact also where the value underflowed.
    pub fn ln(&self) -> f64 {
        if self.underflow_ln.is_nan() {
            self.value.ln()
        } else {
            self.underflow_ln
        }
    }
}

pub fn is_missing(field: &str) -> bool {
    matches!(field, "" | "." | "NA")
}

/// Text that should have been a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Malformed;

/// A number, `Ok(None)` for a missing value, `Err(Malformed)` for text that is not a number.
pub fn parse_number(field: &str) -> Result<Option<f64>, Malformed> {
    if is_missing(field) {
        return Ok(None);
    }
    match fast_decimal(field.as_bytes()).map_or_else(|| field.parse::<f64>(), Ok) {
        Ok(x) => Ok(Some(x)),
        Err(_) => match field {
            "Inf" | "inf" => Ok(Some(f64::INFINITY)),
            "-Inf" | "-inf" => Ok(Some(f64::NEG_INFINITY)),
            "NaN" => Ok(Some(f64::NAN)),
            _ => Err(Malformed),
        },
    }
}

/// `text.parse::<f64>().ok()`, faster for the common forms.
pub fn parse_double(text: &str) -> Option<f64> {
    fast_decimal(text.as_bytes()).or_else(|| text.parse().ok())
}

/// Exact powers of ten representable in a double.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// The common GWAS number (`-0.0123`, `3.2e-05`: at most 15 significant digits, a small
/// exponent) parsed directly; `None` sends anything else to the standard parser. Exact: a
/// mantissa below 2^53 and a power of ten up to 1e22 are both doubles, so one correctly
/// rounded multiplication or division gives the correctly rounded value (Clinger's fast
/// path), the same double `str::parse` returns. It cuts the cost of reading numbers by about
/// half, and numbers are most of what the GWAS files hold.
fn fast_decimal(text: &[u8]) -> Option<f64> {
    let (negative, rest) = match text.first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let mut mantissa: u64 = 0;
    let (mut digits, mut fraction_digits, mut i) = (0u32, 0i32, 0usize);
    let mut in_fraction = false;
    while let Some(&b) = rest.get(i) {
        match b {
            b'0'..=b'9' => {
                if mantissa > 0 || b != b'0' {
                    digits += 1;
                    if digits > 15 {
                        return None;
                    }
                }
                mantissa = mantissa * 10 + u64::from(b - b'0');
                fraction_digits += i32::from(in_fraction);
            }
            b'.' if !in_fraction => in_fraction = true,
            _ => break,
        }
        i += 1;
    }
    let had_digits = i > usize::from(in_fraction);
    if !had_digits {
        return None;
    }
    let mut exponent = 0i32;
    if i < rest.len() {
        if !matches!(rest[i], b'e' | b'E') {
            return None;
        }
        let (negative_exponent, exponent_digits) = match rest.get(i + 1)? {
            b'-' => (true, &rest[i + 2..]),
            b'+' => (false, &rest[i + 2..]),
            _ => (false, &rest[i + 1..]),
        };
        if exponent_digits.is_empty() || exponent_digits.len() > 4 {
            return None;
        }
        for &b in exponent_digits {
            if !b.is_ascii_digit() {
                return None;
            }
            exponent = exponent * 10 + i32::from(b - b'0');
        }
        if negative_exponent {
            exponent = -exponent;
        }
    }
    let power = exponent - fraction_digits;
    let magnitude = if mantissa == 0 {
        0.0
    } else if (0..=22).contains(&power) {
        mantissa as f64 * POW10[power as usize]
    } else if (-22..0).contains(&power) {
        mantissa as f64 / POW10[(-power) as usize]
    } else {
        return None;
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// A p value with its log. Values that underflow (below about 1e-308) get their log from the
/// decimal mantissa and exponent of the text.
pub fn parse_p(field: &str) -> Result<Option<PValue>, Malformed> {
    let Some(value) = parse_number(field)? else {
        return Ok(None);
    };
    if value == 0.0 {
        if let Some(ln) = log_of_decimal(field) {
            return Ok(Some(PValue {
                value,
                underflow_ln: ln,
            }));
        }
    }
    Ok(Some(PValue::new(value)))
}

/// ln of a positive decimal number written as `<mantissa>e<exponent>`, without underflow.
/// `None` when the text is zero or not of that form.
fn log_of_decimal(text: &str) -> Option<f64> {
    let (mantissa, exponent) = text.split_once(['e', 'E'])?;
    let mantissa: f64 = mantissa.parse().ok()?;
    let exponent: f64 = exponent.parse::<i64>().ok()? as f64;
    (mantissa > 0.0).then(|| mantissa.ln() + exponent * std::f64::consts::LN_10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_values_follow_na_strings() {
        for s in ["", ".", "NA"] {
            assert_eq!(parse_number(s), Ok(None));
        }
        assert_eq!(parse_number("1e-5"), Ok(Some(1e-5)));
        assert_eq!(parse_number("abc"), Err(Malformed));
    }

    #[test]
    fn fast_numbers_are_the_doubles_the_standard_parser_gives() {
        let fixed = [
            "0",
            "-0",
            "+0.0",
            "1",
            "-1.5",
            "0.000123",
            "123456789012345",
            "1234567890123456",
            "9007199254740993",
            "3.2e-05",
            "3.2E+05",
            "1e22",
            "1e23",
            "1e-22",
            "1e-23",
            "5e-324",
            "2.5e-400",
            ".5",
            "5.",
            "-.5e1",
            "0.1",
            "0.30000000000000004",
            "1.7976931348623157e308",
            "00012.5000",
            "1e",
            "1e+",
            "e5",
            ".",
            "-",
            "+",
            "1.2.3",
            "1e5x",
            "12a",
            "0x10",
            "inf",
        ];
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let generated: Vec<String> = (0..20_000)
            .map(|_| {
                let r = next();
                let mantissa = r % 10u64.pow((r >> 60) as u32 % 16 + 1);
                let point = (r >> 40) as usize % 18;
                let mut text = mantissa.to_string();
                if point < text.len() {
                    text.insert(text.len() - point, '.');
                }
                if r & 1 == 1 {
                    text.push_str(&format!("e{}", (r >> 20) as i32 % 30 - 15));
                }
                if r & 2 == 2 {
                    text.insert(0, '-');
                }
                text
            })
            .collect();
        for text in fixed
            .iter()
            .copied()
            .chain(generated.iter().map(String::as_str))
        {
            let standard = text.parse::<f64>().ok();
            if let Some(fast) = fast_decimal(text.as_bytes()) {
                assert_eq!(Some(fast.to_bits()), standard.map(f64::to_bits), "{text}");
            }
        }
        // The common forms take the fast path.
        for text in ["0.0123", "-1.5e-05", "158018", "0.99"] {
            assert!(fast_decimal(text.as_bytes()).is_some(), "{text}");
        }
    }

    #[test]
    fn underflowing_p_values_keep_their_log() {
        let p = parse_p("2.5e-400").unwrap().unwrap();
        assert_eq!(p.value, 0.0);
        let expected = 2.5f64.ln() - 400.0 * std::f64::consts::LN_10;
        assert!((p.ln() - expected).abs() < 1e-12 * expected.abs());
        let zero = parse_p("0").unwrap().unwrap();
        assert_eq!(zero.ln(), f64::NEG_INFINITY);
        assert_eq!(parse_p("0.25").unwrap().unwrap().ln(), 0.25f64.ln());
    }
}
