//! `hdl()`: the panel pieces and aligned effects R prepared in, `S`, `I` and the per-piece
//! jackknife values out. Runs on the R main thread because R's own L-BFGS-B does the
//! minimising (see `r_optim.rs`); the points of each finite-difference gradient are evaluated
//! on a per-call pool. Ctrl-C is polled between fits.

use crate::convert::{named_list, optional_int, real_vectors};
use crate::errors::{core_error, reply, RError};
use crate::interrupt::interrupt_pending;
use crate::r_optim::{r_lbfgsb, r_sum};
use crate::threads;
use extendr_api::prelude::*;
use gsem_core::hdl::{hdl, HdlInput, HdlMethod, Piece, TraitEffects};
use std::cell::Cell;
use std::time::{Duration, Instant};

/// `bstar` holds one vector per trait, the pieces' projected effects concatenated in piece
/// order; `start` one heritability start per piece and trait, `gcov_start` one covariance
/// start per piece and trait pair (R computes them with lm()'s QR).
/// @noRd
#[extendr]
#[allow(clippy::too_many_arguments)]
fn rs_hdl(
    names: Vec<String>,
    ldsc: List,
    lam: List,
    bstar: List,
    start: List,
    gcov_start: List,
    n: &[f64],
    n0: &[f64],
    rho: &[f64],
    nref: f64,
    m_ref: f64,
    method: &str,
    requested_threads: Robj,
) -> Robj {
    reply((|| {
        let (threads, _) = threads::resolve(optional_int(&requested_threads, "cores")?)?;
        let pool = threads::pool(threads)?;
        let ldsc = real_vectors(&ldsc, "ldsc")?;
        let lam = real_vectors(&lam, "lam")?;
        let bstar = real_vectors(&bstar, "bstar")?;
        let start = real_vectors(&start, "start")?;
        let gcov_start = real_vectors(&gcov_start, "gcov_start")?;
        if ldsc.len() != names.len() || lam.len() != names.len() {
            return Err(RError::internal("panel lists of different lengths"));
        }
        if start.len() != n.len() || bstar.len() != n.len() {
            return Err(RError::internal("one N per trait"));
        }
        let pieces: Vec<Piece> = names
            .into_iter()
            .zip(ldsc)
            .zip(lam)
            .map(|((name, ldsc), lam)| Piece { name, ldsc, lam })
            .collect();
        let mut traits = Vec::with_capacity(n.len());
        for ((bs, start), &n) in bstar.iter().zip(start).zip(n) {
            traits.push(TraitEffects {
                bstar: split(bs, pieces.iter().map(|p| p.lam.len()))?,
                start,
                n,
            });
        }
        let method = match method {
            "jackknife" => HdlMethod::Jackknife,
            _ => HdlMethod::Piecewise,
        };
        let input = HdlInput {
            pieces,
            traits,
            n0: n0.to_vec(),
            rho: rho.to_vec(),
            gcov_start,
            nref,
            m_ref,
            method,
        };
        let last_check = Cell::new(Instant::now());
        let stop = || {
            if last_check.get().elapsed() < Duration::from_millis(50) {
                return false;
            }
            last_check.set(Instant::now());
            interrupt_pending()
        };
        let result = hdl(&input, &r_lbfgsb, &r_sum, Some(&pool), &stop).map_err(core_error)?;
        named_list(vec![
            ("S", result.s.into()),
            ("I", result.i.into()),
            ("V_hold", result.v_hold.into()),
        ])
    })())
}

/// Cut one concatenated vector into consecutive parts of the given lengths.
fn split(all: &[f64], lengths: impl Iterator<Item = usize>) -> Result<Vec<Vec<f64>>, RError> {
    let mut offset = 0;
    let mut parts = Vec::new();
    for len in lengths {
        let part = all
            .get(offset..offset + len)
            .ok_or_else(|| RError::internal("aligned effects do not cover the panel"))?;
        parts.push(part.to_vec());
        offset += len;
    }
    if offset != all.len() {
        return Err(RError::internal("aligned effects do not cover the panel"));
    }
    Ok(parts)
}

extendr_module! {
    mod hdl;
    fn rs_hdl;
}
