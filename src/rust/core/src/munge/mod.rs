//! Preparing GWAS summary statistics: GenomicSEM's `munge()` (LDSC input) and `sumstats()`
//! (GWAS-function input), sharing the column interpretation, reading and allele alignment.
//! Both follow the original step by step, including its log text, so that results and logs
//! can be compared line by line.

mod alleles;
mod columns;
mod duplicates;
mod error;
mod log;
mod munge_file;
mod raw;
mod reference;
mod run;
mod sumstats_file;
mod sumstats_run;
mod sumstats_scale;
mod typed;
mod values;
mod write;

pub use columns::Field;
pub use error::MungeError;
pub use log::Log;
pub use munge_file::{munge_file, MungeOptions, Munged, MungedRow};
pub use reference::Reference;
pub use run::{munge_all, MungeJob, MungeReport};
pub use sumstats_file::{SumstatsOptions, TraitOutput};
pub use sumstats_run::{
    join_traits, prepare_reference, sumstats_traits, SumstatsJob, SumstatsTable,
};
pub use typed::{typed_column, TypedColumn};
pub use values::{parse_p, PValue};
pub use write::write_sumstats_gz;
