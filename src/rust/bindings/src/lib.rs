//! extendr bindings of genomicsemrs: conversion, error mapping, per-call thread pools and
//! interrupt polling. No numerics live here; they are in the R-free `gsem_core` crate.

mod convert;
mod errors;
mod grm;
mod gwas;
mod interrupt;
mod io;
mod ldsc;
mod map_cis;
mod munge;
mod sem;
mod single_cell;
mod single_cell_state;
mod sitrep;
mod sumstats;
mod threads;

use extendr_api::prelude::*;

extendr_module! {
    mod genomicsemrs;
    use sitrep;
    use io;
    use munge;
    use ldsc;
    use sem;
    use gwas;
    use sumstats;
    use grm;
    use single_cell;
    use map_cis;
}
