//! The per-SNP loops on the caller's rayon pool: SNPs in fixed chunks (each with its own copy
//! of the prepared model and buffers), cancellation checked between chunks, results collected
//! in input order. Every SNP starts from the same base solution, so results do not depend on
//! how SNPs are split over threads, calls or machines.

use rayon::prelude::*;

use super::common::CommonWork;
use super::inputs::SnpColumns;
use super::results::{CommonColumns, UserColumns};
use super::setup::{CommonGwas, UserGwas};
use super::user::{UserSnpOut, UserWork};
use crate::error::Cancelled;
use crate::parallel::CancelToken;

/// SNPs per parallel task: large enough to amortise copying the model, small enough for
/// prompt cancellation and balanced threads.
const CHUNK: usize = 512;

fn chunks(n: usize) -> Vec<(usize, usize)> {
    (0..n.div_ceil(CHUNK))
        .map(|c| (c * CHUNK, ((c + 1) * CHUNK).min(n)))
        .collect()
}

/// userGWAS over every SNP of `cols`, keeping the table rows `keep`.
pub fn run_user(
    gwas: &UserGwas,
    cols: &SnpColumns<'_>,
    keep: &[usize],
    cancel: &CancelToken,
) -> Result<UserColumns, Cancelled> {
    let parts: Vec<Result<UserColumns, Cancelled>> = chunks(cols.n())
        .into_par_iter()
        .map(|(from, to)| {
            cancel.check()?;
            let mut gwas = gwas.clone();
            let mut work = UserWork::new(&gwas, keep);
            let mut out = UserColumns::new(to - from, keep.to_vec());
            let m = keep.len();
            for (i, snp) in (from..to).enumerate() {
                let cells = i * m..(i + 1) * m;
                let snp_out = UserSnpOut {
                    est: &mut out.est[cells.clone()],
                    se: &mut out.se[cells.clone()],
                    q_snp: &mut out.q_snp[cells.clone()],
                    q_snp_df: &mut out.q_snp_df[cells],
                    chisq: &mut out.chisq[i],
                    z_smooth: &mut out.z_smooth[i],
                };
                if let Err(err) = gwas.fit_snp(cols, snp, keep, &mut work, snp_out) {
                    out.error[i] = err.to_string();
                    for x in out.est[i * m..(i + 1) * m].iter_mut() {
                        *x = f64::NAN;
                    }
                    for x in out.se[i * m..(i + 1) * m].iter_mut() {
                        *x = f64::NAN;
                    }
                    out.chisq[i] = f64::NAN;
                }
            }
            Ok(out)
        })
        .collect();
    let mut all = UserColumns::new(0, keep.to_vec());
    for part in parts {
        all.append(part?);
    }
    Ok(all)
}

/// commonfactorGWAS over every SNP of `cols`.
pub fn run_common(
    gwas: &CommonGwas,
    cols: &SnpColumns<'_>,
    cancel: &CancelToken,
) -> Result<CommonColumns, Cancelled> {
    let parts: Vec<Result<CommonColumns, Cancelled>> = chunks(cols.n())
        .into_par_iter()
        .map(|(from, to)| {
            cancel.check()?;
            let mut gwas = gwas.clone();
            let mut work = CommonWork::new(&gwas);
            let mut out = CommonColumns::new(to - from);
            for (i, snp) in (from..to).enumerate() {
                match gwas.fit_snp(cols, snp, &mut work) {
                    Ok(r) => {
                        out.est[i] = r.est;
                        out.se_c[i] = r.se_c;
                        out.q[i] = r.q;
                        out.z_smooth[i] = r.z_smooth;
                    }
                    Err(err) => out.fail[i] = err.to_string(),
                }
            }
            Ok(out)
        })
        .collect();
    let mut all = CommonColumns::new(0);
    for part in parts {
        all.append(part?);
    }
    Ok(all)
}
