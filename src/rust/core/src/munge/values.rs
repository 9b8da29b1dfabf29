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
    match field.parse::<f64>() {
        Ok(x) => Ok(Some(x)),
        Err(_) => match field {
            "Inf" | "inf" => Ok(Some(f64::INFINITY)),
            "-Inf" | "-inf" => Ok(Some(f64::NEG_INFINITY)),
            "NaN" => Ok(Some(f64::NAN)),
            _ => Err(Malformed),
        },
    }
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
