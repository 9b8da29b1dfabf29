//! Typing text columns as `data.table::fread()` types them: integer when every value is a
//! whole number that fits R's integer, double when every value is a number, text otherwise
//! (missing values, `NA` or empty, do not count against a type).

use crate::collections::StrColumn;

#[derive(Debug, Clone, PartialEq)]
pub enum TypedColumn<'a> {
    /// `None` is NA.
    Integer(Vec<Option<i32>>),
    /// NaN is NA.
    Double(Vec<f64>),
    /// Borrowed from the column: R copies the text anyway.
    Text(Vec<&'a str>),
}

/// The values of `column` at `rows`, typed. Each attempt converts as it checks, so a column
/// is read once per type tried (most reference columns settle on the first).
pub fn typed_column<'a>(column: &'a StrColumn, rows: &[usize]) -> TypedColumn<'a> {
    let missing = |s: &str| s.is_empty() || s == "NA";
    let values = || rows.iter().map(|&r| column.get(r));
    let as_int = |s: &str| {
        if missing(s) {
            return Some(None);
        }
        let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse::<i32>().ok().map(Some)
    };
    if let Some(ints) = values().map(as_int).collect::<Option<Vec<_>>>() {
        return TypedColumn::Integer(ints);
    }
    let as_double = |s: &str| {
        if missing(s) {
            Some(f64::NAN)
        } else {
            s.parse::<f64>().ok()
        }
    };
    if let Some(doubles) = values().map(as_double).collect::<Option<Vec<_>>>() {
        return TypedColumn::Double(doubles);
    }
    TypedColumn::Text(values().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_typed_like_fread() {
        let mut ints = StrColumn::default();
        let mut reals = StrColumn::default();
        let mut text = StrColumn::default();
        for (i, r, t) in [
            ("1", "0.5", "rs1"),
            ("NA", "1e-3", "rs2"),
            ("22", "NA", "3"),
        ] {
            ints.push(i);
            reals.push(r);
            text.push(t);
        }
        let rows = [2, 0, 1];
        assert_eq!(
            typed_column(&ints, &rows),
            TypedColumn::Integer(vec![Some(22), Some(1), None])
        );
        match typed_column(&reals, &rows) {
            TypedColumn::Double(v) => assert!(v[0].is_nan() && v[1] == 0.5 && v[2] == 1e-3),
            other => panic!("expected doubles, got {other:?}"),
        }
        assert_eq!(
            typed_column(&text, &rows),
            TypedColumn::Text(vec!["3", "rs1", "rs2"])
        );
    }
}
