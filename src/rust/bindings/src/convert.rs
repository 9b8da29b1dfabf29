//! The one conversion point between R values and plain Rust data, in both directions.
//! R has already checked and coerced every argument; these only unpack and pack.

use crate::errors::{RError, RResult};
use extendr_api::prelude::*;

/// An optional whole number: `NULL` or `NA` mean "not given".
pub fn optional_int(value: &Robj, what: &str) -> RResult<Option<i32>> {
    if value.is_null() || value.is_na() {
        return Ok(None);
    }
    value
        .as_integer()
        .or_else(|| {
            value
                .as_real()
                .filter(|x| x.fract() == 0.0)
                .map(|x| x as i32)
        })
        .map(Some)
        .ok_or_else(|| RError::argument(format!("`{what}` must be a single whole number.")))
}

/// A named list from (name, value) pairs, in order.
pub fn named_list(pairs: Vec<(&str, Robj)>) -> RResult<Robj> {
    let (names, values): (Vec<&str>, Vec<Robj>) = pairs.into_iter().unzip();
    Ok(List::from_names_and_values(names, values)?.into())
}

/// A logical vector as booleans (NA counts as FALSE; R has already rejected NA).
pub fn flags(values: &Logicals) -> Vec<bool> {
    values.iter().map(|v| v.is_true()).collect()
}

/// A numeric R matrix (already coerced to double by R) as an owned nalgebra matrix.
pub fn dmatrix(value: &Robj, what: &str) -> RResult<nalgebra::DMatrix<f64>> {
    let view = ndarray::ArrayView2::<f64>::try_from(value)
        .map_err(|_| RError::argument(format!("`{what}` must be a numeric matrix.")))?;
    Ok(nalgebra::DMatrix::from_fn(
        view.nrows(),
        view.ncols(),
        |i, j| view[[i, j]],
    ))
}

/// An nalgebra matrix as an R numeric matrix.
pub fn rmatrix(m: &nalgebra::DMatrix<f64>) -> Robj {
    RMatrix::<f64>::new_matrix(m.nrows(), m.ncols(), |r, c| m[(r, c)]).into()
}

/// R's 1-based indices to 0-based; NA and values below 1 are refused.
pub fn zero_based(values: &[i32], what: &str) -> RResult<Vec<usize>> {
    values
        .iter()
        .map(|&v| {
            if v >= 1 {
                Ok(v as usize - 1)
            } else {
                Err(RError::argument(format!(
                    "{what} must be a positive index, not {v}."
                )))
            }
        })
        .collect()
}

/// 0-based indices as R's 1-based integers.
pub fn one_based(values: &[usize]) -> RResult<Robj> {
    values
        .iter()
        .map(|&v| {
            i32::try_from(v + 1)
                .map_err(|_| RError::argument("An index exceeds R's integer range."))
        })
        .collect::<RResult<Vec<i32>>>()
        .map(Robj::from)
}

/// The elements `names` of a named R list, in that order.
pub fn list_elements(list: &Robj, names: &[&str]) -> RResult<Vec<Robj>> {
    let values = list
        .as_list()
        .ok_or_else(|| RError::argument("Expected a named list."))?;
    let have: Vec<&str> = list.names().map(|n| n.collect()).unwrap_or_default();
    names
        .iter()
        .map(|name| {
            let at = have
                .iter()
                .position(|n| n == name)
                .ok_or_else(|| RError::argument(format!("The list lacks `{name}`.")))?;
            Ok(values.elt(at)?)
        })
        .collect()
}

/// A double vector (R has coerced it) as a slice.
pub fn doubles<'a>(value: &'a Robj, what: &str) -> RResult<&'a [f64]> {
    value
        .as_real_slice()
        .ok_or_else(|| RError::argument(format!("`{what}` must be a double vector.")))
}

/// A character vector as string slices borrowed from R.
pub fn strs<'a>(value: &'a Robj, what: &str) -> RResult<Vec<&'a str>> {
    value
        .as_str_iter()
        .map(|it| it.collect())
        .ok_or_else(|| RError::argument(format!("`{what}` must be a character vector.")))
}

/// A list of numeric vectors (or matrices, read column-major) as owned vectors.
pub fn real_vectors(value: &List, what: &str) -> RResult<Vec<Vec<f64>>> {
    value
        .values()
        .map(|v| {
            v.as_real_slice().map(|s| s.to_vec()).ok_or_else(|| {
                RError::argument(format!(
                    "Every element of `{what}` must be a numeric vector."
                ))
            })
        })
        .collect()
}

/// One data frame per group of `m` consecutive rows of `columns` (a named list of columns of
/// n * m values; `shared[c]` columns hold the m values every frame shares, used as they are).
/// Each frame gets the names of `columns`, class "data.frame" and compact row names 1..m:
/// what `attributes<-`(list(...), list(names, class = "data.frame", row.names =
/// c(NA, -m))) gives. Split columns must be double, integer, logical or character vectors
/// without attributes (R checks). Built with R's C API on the main thread: extendr's
/// per-object protection would cost more than the vectors themselves.
pub fn split_frames(columns: &List, shared: &[bool], n: usize, m: usize) -> RResult<Robj> {
    use extendr_ffi::{
        R_ClassSymbol, R_NaInt, R_NamesSymbol, R_RowNamesSymbol, Rf_allocVector, Rf_getAttrib,
        Rf_protect, Rf_setAttrib, Rf_unprotect, Rf_xlength, DATAPTR_RO, INTEGER, LOGICAL, REAL,
        SET_STRING_ELT, SET_VECTOR_ELT, SEXPTYPE, STRING_ELT, TYPEOF, VECTOR_ELT,
    };
    let ncol = columns.len();
    if shared.len() != ncol {
        return Err(RError::internal("one `shared` flag per column expected"));
    }
    let class: Robj = "data.frame".into();
    let row_names: Robj = vec![
        i32::MIN,
        -(i32::try_from(m).map_err(|_| RError::internal("m too large"))?),
    ]
    .into();
    // SAFETY: every SEXP below is either reachable from `columns`, `class` and `row_names`
    // (protected by their Robj) or protected from allocation until stored in a protected list;
    // element copies stay within the lengths checked first.
    unsafe {
        let cols = columns.get();
        for (c, &is_shared) in shared.iter().enumerate() {
            let col = VECTOR_ELT(cols, c as isize);
            let want = if is_shared { m } else { n * m };
            let typed = matches!(
                TYPEOF(col),
                SEXPTYPE::REALSXP | SEXPTYPE::INTSXP | SEXPTYPE::LGLSXP | SEXPTYPE::STRSXP
            );
            if Rf_xlength(col) as usize != want || (!is_shared && !typed) {
                return Err(RError::internal(format!(
                    "column {} has the wrong type or length",
                    c + 1
                )));
            }
        }
        debug_assert_eq!(R_NaInt, i32::MIN);
        let names = Rf_getAttrib(cols, R_NamesSymbol);
        let out = Rf_protect(Rf_allocVector(SEXPTYPE::VECSXP, n as isize));
        for i in 0..n {
            let frame = Rf_protect(Rf_allocVector(SEXPTYPE::VECSXP, ncol as isize));
            for (c, &is_shared) in shared.iter().enumerate() {
                let col = VECTOR_ELT(cols, c as isize);
                if is_shared {
                    SET_VECTOR_ELT(frame, c as isize, col);
                    continue;
                }
                let kind = TYPEOF(col);
                // Filled without allocating, then stored: no protection needed in between.
                let piece = Rf_allocVector(kind, m as isize);
                let from = i * m;
                match kind {
                    SEXPTYPE::REALSXP => {
                        let src = std::slice::from_raw_parts(DATAPTR_RO(col) as *const f64, n * m);
                        std::slice::from_raw_parts_mut(REAL(piece), m)
                            .copy_from_slice(&src[from..from + m]);
                    }
                    SEXPTYPE::INTSXP | SEXPTYPE::LGLSXP => {
                        let src = std::slice::from_raw_parts(DATAPTR_RO(col) as *const i32, n * m);
                        let dst = if kind == SEXPTYPE::INTSXP {
                            INTEGER(piece)
                        } else {
                            LOGICAL(piece)
                        };
                        std::slice::from_raw_parts_mut(dst, m)
                            .copy_from_slice(&src[from..from + m]);
                    }
                    _ => {
                        for r in 0..m {
                            SET_STRING_ELT(piece, r as isize, STRING_ELT(col, (from + r) as isize));
                        }
                    }
                }
                SET_VECTOR_ELT(frame, c as isize, piece);
            }
            Rf_setAttrib(frame, R_NamesSymbol, names);
            Rf_setAttrib(frame, R_ClassSymbol, class.get());
            Rf_setAttrib(frame, R_RowNamesSymbol, row_names.get());
            SET_VECTOR_ELT(out, i as isize, frame);
            Rf_unprotect(1);
        }
        let result = Robj::from_sexp(out);
        Rf_unprotect(1);
        Ok(result)
    }
}
