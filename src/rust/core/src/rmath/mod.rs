//! Numerics that must behave exactly like R's, so that results agree with the original
//! GenomicSEM to rounding: the normal quantile, number formatting and summaries.

mod format;
mod normal;
mod summary;

pub use format::{format_r15, format_r15_into};
pub use normal::{chisq1_upper_sqrt, qnorm_lower, z_from_log_p};
pub use summary::{median, round_half_even};
