//! extendr bindings of genomicsemrs: conversion, error mapping, per-call thread pools and
//! interrupt polling. No numerics live here; they are in the R-free `gsem_core` crate.

mod checkpoint;
mod convert;
mod covariance;
mod errors;
mod fusion;
mod grm;
mod gwas;
mod hdl;
mod interrupt;
mod io;
mod lapack;
mod ldsc;
mod map_cis;
mod munge;
mod r_optim;
mod sem;
mod simld;
mod single_cell;
mod single_cell_counts;
mod single_cell_state;
mod sitrep;
mod snp_sets;
mod stratified;
mod sumstats;
mod threads;

use extendr_api::prelude::*;

extendr_module! {
    mod genomicsemrs;
    use sitrep;
    use checkpoint;
    use io;
    use munge;
    use ldsc;
    use sem;
    use gwas;
    use sumstats;
    use grm;
    use single_cell;
    use single_cell_counts;
    use covariance;
    use fusion;
    use snp_sets;
    use simld;
    use stratified;
    use hdl;
    use map_cis;
}
