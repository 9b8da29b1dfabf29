//! Numerics that must behave exactly like R's, so that results agree with the original
//! GenomicSEM to rounding: the normal quantile, number formatting and summaries.

mod format;
mod normal;
mod pnorm;
mod sum;
mod summary;

pub use format::{format_digits, format_r15, format_r15_into};
pub use normal::{chisq1_upper_sqrt, qnorm_lower, z_from_log_p, QCHISQ_HALF_DF1};
pub use pnorm::{dnorm, pnorm_upper};
pub use sum::{mean_by, r_mean, r_sum, Accumulator};
pub use summary::{median, round_digits, round_half_even};
