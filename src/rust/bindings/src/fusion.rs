//! `read_fusion()`: one FUSION file's genes with effects and SEs; R merges the files.

use crate::convert::named_list;
use crate::errors::{core_error, reply};
use extendr_api::prelude::*;
use gsem_core::fusion::{read_fusion_file, FusionOptions};
use std::path::Path;

fn strings(values: Vec<Option<String>>) -> Robj {
    Strings::from_values(values.into_iter().map(|v| v.map_or(Rstr::na(), Rstr::from))).into()
}

/// Reads one FUSION `.dat` file.
/// @noRd
#[extendr]
fn rs_read_fusion(path: &str, binary: bool, n: f64, perm: bool) -> Robj {
    reply((|| {
        let table = read_fusion_file(Path::new(path), FusionOptions { binary, n, perm })
            .map_err(core_error)?;
        named_list(vec![
            ("panel", strings(table.panel)),
            ("gene", strings(table.gene)),
            ("hsq", table.hsq.into()),
            ("beta", table.beta.into()),
            ("se", table.se.into()),
        ])
    })())
}

extendr_module! {
    mod fusion;
    fn rs_read_fusion;
}
