//! The second half of sumstats: Z, the rescaling of effects to standardised betas, allele
//! alignment, the INFO filter and the output columns, in GenomicSEM's order.

use super::columns::Field;
use super::error::MungeError;
use super::log::{check_p_range, Log};
use super::raw::RawGwas;
use super::reference::Reference;
use super::sumstats_file::{Row, SumstatsOptions};
use crate::rmath::{chisq1_upper_sqrt, format_r15, z_from_log_p};
use std::f64::consts::PI;

/// p values below this are handled on the log scale (GenomicSEM's threshold for its
/// high-precision path).
const TINY_P: f64 = 1e-307;

pub(super) struct Scaled {
    pub rows: Vec<(usize, f64, f64)>,
    pub mean_abs_z: f64,
}

type Aligner = fn(&mut Row, &RawGwas, &Reference, &mut (usize, usize)) -> bool;

pub(super) fn rescale(
    mut rows: Vec<Row>,
    raw: &RawGwas,
    reference: &Reference,
    o: &SumstatsOptions,
    label: &str,
    log: &mut Log,
    align_row: Aligner,
) -> Result<Scaled, MungeError> {
    let z: Vec<f64> = z_scores(&rows, raw, log);
    let has_n = raw.has(Field::N) || o.n.is_some();
    if o.ols && o.betas_given {
        log.line(format!("User provided arguments indicate that a GWAS of a continuous trait with already standardized betas is being provided for: {label}"));
    }
    let needs_n = (o.ols && !o.betas_given) || o.linprob;
    if needs_n && !has_n {
        // GenomicSEM only logged this and went on with unscaled effects.
        return Err(MungeError::NoSampleSize {
            file: label.to_owned(),
            need: if o.linprob {
                "`linprob = TRUE`"
            } else {
                "`OLS = TRUE`"
            },
        });
    }
    // A sample size that is not a positive finite number would give infinite or zero betas
    // and SEs: such rows become missing (dropped with na.omit below) and are counted.
    let n_of = |r: &Row| {
        let n = raw.n.get(r.file).copied().unwrap_or(f64::NAN);
        if n.is_finite() && n > 0.0 {
            n
        } else {
            f64::NAN
        }
    };
    if needs_n {
        let bad = rows.iter().filter(|r| n_of(r).is_nan()).count();
        if bad > 0 {
            let text = format!("{bad} row(s) of the {label} summary statistics file were removed because their sample size (N) is missing, zero, negative or infinite, which {} needs.", if o.linprob { "`linprob = TRUE`" } else { "`OLS = TRUE`" });
            log.line(text.clone());
            log.warning(text);
        }
    }
    if o.ols && !o.betas_given {
        rows.iter_mut()
            .zip(&z)
            .for_each(|(r, z)| r.effect = z / (n_of(r) * r.var_snp).sqrt());
    }
    if o.linprob {
        log.line(format!("An transformation used to back out logistic betas for binary traits is being applied for: {label}"));
        for (r, z) in rows.iter_mut().zip(&z) {
            let scale = (n_of(r) / 4.0 * r.var_snp).sqrt();
            r.effect = z / scale;
            r.se = 1.0 / scale;
        }
    }
    let mut dropped = (0, 0);
    let kept: Vec<bool> = rows
        .iter_mut()
        .map(|r| align_row(r, raw, reference, &mut dropped))
        .collect();
    let mut z_kept = Vec::with_capacity(rows.len());
    let mut rows: Vec<Row> = rows
        .into_iter()
        .zip(kept)
        .zip(z)
        .filter(|((_, k), _)| *k)
        .map(|((r, _), z)| {
            z_kept.push(z);
            r
        })
        .collect();
    if dropped.0 > 0 {
        log.line(format!("{} row(s) were removed from the{label} summary statistics file due to the effect allele (A1) column not matching A1 or A2 in the reference file.", dropped.0));
    }
    if dropped.1 > 0 {
        log.line(format!("{} row(s) were removed from the {label} summary statistics file due to the other allele (A2) column not matching A1 or A2 in the reference file.", dropped.1));
    }
    check_p_range(
        rows.iter().filter_map(|r| raw.p[r.file]).map(|p| p.value),
        log,
    );
    // file[INFO >= filter, ]: a missing INFO gives an all-NA row, dropped later by na.omit().
    let mut info_na = vec![false; rows.len()];
    if raw.has(Field::Info) {
        let before = rows.len();
        let mut keep = Vec::with_capacity(rows.len());
        for (i, r) in rows.iter().enumerate() {
            let info = raw.info[r.file];
            info_na[i] = info.is_nan();
            keep.push(info.is_nan() || info >= o.info_filter);
        }
        let mut it = keep.iter();
        rows.retain(|_| *it.next().unwrap_or(&false));
        let mut it = keep.iter();
        z_kept.retain(|_| *it.next().unwrap_or(&false));
        let mut it = keep.iter();
        info_na.retain(|_| *it.next().unwrap_or(&false));
        log.line(format!("{}rows were removed from the {label} summary statistics file due to INFO values below the designated threshold of {}", before - rows.len(), format_r15(o.info_filter)));
    } else {
        log.line("No INFO column, cannot filter on INFO, which may influence results".to_owned());
    }
    Ok(output_columns(&rows, &z_kept, &info_na, o, label, log))
}

/// Z = sign(effect) * |qnorm(P/2)|; tiny P on the log scale (exact, unlike GenomicSEM's
/// sqrt(-2 log P) approximation).
fn z_scores(rows: &[Row], raw: &RawGwas, log: &mut Log) -> Vec<f64> {
    let mut tiny = 0usize;
    let z = rows
        .iter()
        .map(|r| {
            let p = raw.p[r.file].unwrap_or(super::values::PValue::new(f64::NAN));
            let sign = if r.effect > 0.0 {
                1.0
            } else if r.effect < 0.0 {
                -1.0
            } else {
                r.effect
            };
            if p.value < TINY_P {
                tiny += 1;
                sign * z_from_log_p(p.ln() - std::f64::consts::LN_2)
            } else {
                sign * chisq1_upper_sqrt(p.value, || p.ln())
            }
        })
        .collect();
    if tiny > 0 {
        log.line(format!("{tiny} p-values were detected to be extremely small (< 1e-300) and handled on the log scale (exact Z from log P)."));
    }
    z
}

/// The beta and se columns of the mode in force (later GenomicSEM blocks overwrite earlier
/// ones: se.logit, then the default logistic, then linprob, then OLS), then na.omit().
fn output_columns(
    rows: &[Row],
    z: &[f64],
    info_na: &[bool],
    o: &SumstatsOptions,
    label: &str,
    log: &mut Log,
) -> Scaled {
    let default_logistic = !o.linprob && !o.ols && !o.se_logit;
    if default_logistic {
        log.line(format!("Performing transformation under the assumption that the effect column is either an odds ratio or logistic beta (please see output above to determine whether it was interpreted as an odds ratio) and the SE column is the SE of the odds ratio (i.e., NOT on the logistic scale) for:{label}"));
    }
    if o.se_logit {
        log.line(format!("Performing transformation under the assumption that the effect column is either an odds ratio or logistic beta (please see output above to determine whether it was interpreted as an odds ratio) and the SE column is a logistic SE (i.e., NOT the SE of the odds ratio) for:{label}"));
    }
    let mut out = Vec::with_capacity(rows.len());
    for ((r, z), na) in rows.iter().zip(z).zip(info_na) {
        if *na {
            continue;
        }
        let den = (r.effect * r.effect * r.var_snp + PI * PI / 3.0).sqrt();
        let (beta, se) = if o.se_logit {
            (r.effect / den, r.se / den)
        } else if default_logistic {
            (r.effect / den, (r.se / r.effect.exp()) / den)
        } else if o.linprob {
            (r.effect / den, r.se / den)
        } else {
            (r.effect, (r.effect / z).abs())
        };
        if beta.is_nan() || se.is_nan() {
            continue;
        }
        if o.linprob && !o.se_logit && (beta == 0.0 || se == 0.0) {
            continue;
        }
        out.push((r.reference, beta, se));
    }
    let mean_abs_z = out.iter().map(|(_, b, s)| (b / s).abs()).sum::<f64>() / out.len() as f64;
    Scaled {
        rows: out,
        mean_abs_z,
    }
}
