//! Typing text columns as `data.table::fread()` types them: integer when every value is a
//! whole number that fits R's integer, double when every value is a number, text otherwise
//! (missing values, `NA` or empty, do not count against a type).

use crate::collections::StrColumn;

#[derive(Debug, Clone, PartialEq)]
pub enum TypedColumn {
    /// `None` is NA.
    Integer(Vec<Option<i32>>),
    /// NaN is NA.
    Double(Vec<f64>),
    Text(Vec<String>),
}

/// The values of `column` at `rows`, typed.
pub fn typed_column(column: &StrColumn, rows: &[usize]) -> TypedColumn {
    let missing = |s: &str| s.is_empty() || s == "NA";
    let values = || rows.iter().map(|&r| column.get(r));
    let is_int = |s: &str| {
        let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) && s.parse::<i32>().is_ok()
    };
    if values().all(|s| missing(s) || is_int(s)) {
        return TypedColumn::Integer(
            values()
                .map(|s| if missing(s) { None } else { s.parse().ok() })
                .collect(),
        );
    }
    if values().all(|s| missing(s) || s.parse::<f64>().is_ok()) {
        return TypedColumn::Double(values().map(|s| s.parse().unwrap_or(f64::NAN)).collect());
    }
    TypedColumn::Text(values().map(str::to_owned).collect())
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
            TypedColumn::Text(vec!["3".into(), "rs1".into(), "rs2".into()])
        );
    }
}
