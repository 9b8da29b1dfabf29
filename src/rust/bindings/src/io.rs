//! Reading delimited text tables (plain or gzip) for R.

use crate::convert::named_list;
use crate::errors::{core_error, reply, RResult};
use extendr_api::prelude::*;
use gsem_core::io::{Record, Separator, TableReader};
use std::path::Path;

/// Read up to `max_rows` data rows (all when negative) of a delimited file as character
/// columns. Short rows are filled with NA, as `read.table(fill = TRUE)` does.
/// @noRd
#[extendr]
fn rs_read_delim(path: &str, max_rows: f64) -> Robj {
    reply(read_delim(path, max_rows))
}

fn read_delim(path: &str, max_rows: f64) -> RResult<Robj> {
    let mut reader = TableReader::open(Path::new(path)).map_err(core_error)?;
    let header = reader.header().to_vec();
    let width = header.len();
    let mut columns: Vec<Vec<Option<String>>> = vec![Vec::new(); width];
    let mut record = Record::default();
    let mut rows = 0usize;
    let mut overlong = 0usize;
    while (max_rows < 0.0 || (rows as f64) < max_rows)
        && reader.next_record(&mut record).map_err(core_error)?
    {
        for (i, column) in columns.iter_mut().enumerate() {
            column.push(record.get(i).map(str::to_owned));
        }
        overlong += usize::from(record.len() > width);
        rows += 1;
    }
    let separator = match reader.separator() {
        Separator::Tab => "tab",
        Separator::Comma => "comma",
        Separator::Whitespace => "whitespace",
    };
    let columns: Vec<Robj> = columns
        .into_iter()
        .map(|c| {
            Strings::from_values(c.into_iter().map(|v| v.map_or(Rstr::na(), Rstr::from))).into()
        })
        .collect();
    named_list(vec![
        ("header", header.into()),
        ("columns", List::from_values(columns).into()),
        ("n_rows", (rows as f64).into()),
        ("n_overlong_rows", (overlong as f64).into()),
        ("separator", separator.into()),
    ])
}

extendr_module! {
    mod io;
    fn rs_read_delim;
}
