//! GenomicSEM's `hdl()` cell loop: heritabilities on the diagonal, genetic covariances off
//! it, each either summed over per-piece fits ("piecewise", GenomicSEM's default) or fitted
//! genome-wide with leave-one-piece-out refits ("jackknife", HDL's own default).

use super::error::HdlError;
use super::input::{validate, HdlInput, HdlMethod, HdlResult, TraitEffects};
use super::likelihood::{h2_objective, GcovData, GcovObjective, H2Data, SumFn};
use super::optim::{optim_lbfgsb, Minimizer};

/// GenomicSEM's lower clamp of the per-eigenvalue variances, `exp(-18)`.
fn lim() -> f64 {
    (-18.0f64).exp()
}
const H2_LOWER: [f64; 2] = [0.0, 0.0];
const H2_UPPER: [f64; 2] = [1.0, 10.0];
const GCOV_LOWER: [f64; 2] = [-1.0, -10.0];
const GCOV_UPPER: [f64; 2] = [1.0, 10.0];

/// Projected effects and per-piece heritability fits of one trait.
struct TraitFits {
    bstar: Vec<Vec<f64>>,
    /// `(h2, intercept)` per piece.
    piece: Vec<[f64; 2]>,
    /// Genome-wide `(h2, intercept)`, jackknife only.
    genome: Option<[f64; 2]>,
}

/// Run every cell. `stop` is polled between fits (Ctrl-C). The minimiser is called on the
/// caller's thread; only objective evaluations go to `pool`.
pub fn hdl(
    input: &HdlInput,
    minimizer: Minimizer<'_>,
    sum: SumFn<'_>,
    pool: Option<&rayon::ThreadPool>,
    stop: &dyn Fn() -> bool,
) -> Result<HdlResult, HdlError> {
    validate(input)?;
    let ctx = Ctx {
        input,
        minimizer,
        sum,
        pool,
        stop,
    };
    let k = input.traits.len();
    let p = input.pieces.len();
    let mut fits = Vec::with_capacity(k);
    for (t, tr) in input.traits.iter().enumerate() {
        fits.push(trait_fits(&ctx, t, tr)?);
    }
    let n_cells = k * (k + 1) / 2;
    let mut s = vec![f64::NAN; k * k];
    let mut icpt = vec![f64::NAN; k * k];
    let mut v_hold = vec![f64::NAN; p * n_cells];
    let mut cell = 0;
    let mut pair = 0;
    for j in 0..k {
        for d in j..k {
            let column = &mut v_hold[cell * p..(cell + 1) * p];
            let (est, int) = if j == d {
                diagonal_cell(&ctx, j, &fits[j], column)?
            } else {
                pair += 1;
                cross_cell(&ctx, (j, d), pair - 1, (&fits[j], &fits[d]), column)?
            };
            s[j + d * k] = est;
            s[d + j * k] = est;
            icpt[j + d * k] = int;
            icpt[d + j * k] = int;
            cell += 1;
        }
    }
    Ok(HdlResult { s, i: icpt, v_hold })
}

/// What every fit needs.
struct Ctx<'a> {
    input: &'a HdlInput,
    minimizer: Minimizer<'a>,
    sum: SumFn<'a>,
    /// Evaluates the points of each finite-difference gradient in parallel.
    pool: Option<&'a rayon::ThreadPool>,
    stop: &'a dyn Fn() -> bool,
}

fn check_stop(ctx: &Ctx<'_>) -> Result<(), HdlError> {
    if (ctx.stop)() {
        Err(HdlError::Cancelled)
    } else {
        Ok(())
    }
}

fn not_finite(what: String) -> HdlError {
    HdlError::NotFinite { what }
}

fn trait_fits(ctx: &Ctx<'_>, t: usize, tr: &TraitEffects) -> Result<TraitFits, HdlError> {
    let input = ctx.input;
    let mut piece_fits = Vec::with_capacity(input.pieces.len());
    for (q, (piece, b)) in input.pieces.iter().zip(&tr.bstar).enumerate() {
        check_stop(ctx)?;
        let data = H2Data {
            n: tr.n,
            m: piece.ldsc.len() as f64,
            nref: input.nref,
            lam: &piece.lam,
            bstar: b,
            lim: lim(),
            sum: ctx.sum,
        };
        let start = tr.start[q];
        if !start.is_finite() {
            return Err(not_finite(format!(
                "The starting value of trait {} in piece '{}'",
                t + 1,
                piece.name
            )));
        }
        // One piece is too little work to share out: threads would cost more than they save.
        let opt = optim_lbfgsb(
            ctx.minimizer,
            |x| h2_objective(x, &data),
            &[start, 1.0],
            &H2_LOWER,
            &H2_UPPER,
            None,
        )
        .ok_or_else(|| {
            not_finite(format!(
                "The heritability likelihood of trait {} in piece '{}'",
                t + 1,
                piece.name
            ))
        })?;
        piece_fits.push([opt.par[0], opt.par[1]]);
    }
    let genome = if input.method == HdlMethod::Jackknife {
        let lam = concat(input.pieces.iter().map(|p| p.lam.as_slice()));
        let b = concat(tr.bstar.iter().map(|b| b.as_slice()));
        let data = H2Data {
            n: tr.n,
            m: input.m_ref,
            nref: input.nref,
            lam: &lam,
            bstar: &b,
            lim: lim(),
            sum: ctx.sum,
        };
        let h2: Vec<f64> = piece_fits.iter().map(|f| f[0]).collect();
        let start = [(ctx.sum)(&h2), 1.0];
        let opt = optim_lbfgsb(
            ctx.minimizer,
            |x| h2_objective(x, &data),
            &start,
            &H2_LOWER,
            &H2_UPPER,
            ctx.pool,
        )
        .ok_or_else(|| {
            not_finite(format!(
                "The genome-wide heritability likelihood of trait {}",
                t + 1
            ))
        })?;
        Some([opt.par[0], opt.par[1]])
    } else {
        None
    };
    Ok(TraitFits {
        bstar: tr.bstar.clone(),
        piece: piece_fits,
        genome,
    })
}

fn concat<'a>(parts: impl Iterator<Item = &'a [f64]>) -> Vec<f64> {
    parts.flat_map(|p| p.iter().copied()).collect()
}

/// Everything but piece `skip`, concatenated.
fn without(parts: &[&[f64]], skip: usize) -> Vec<f64> {
    concat(
        parts
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != skip)
            .map(|(_, p)| *p),
    )
}

/// Piecewise summary: the sum, the mean intercept and the scaled leave-one-out sums.
fn piecewise(fits: &[[f64; 2]], column: &mut [f64], sum: SumFn<'_>) -> (f64, f64) {
    let p = fits.len() as f64;
    let est: Vec<f64> = fits.iter().map(|f| f[0]).collect();
    for (i, slot) in column.iter_mut().enumerate() {
        let rest: Vec<f64> = est
            .iter()
            .enumerate()
            .filter(|(k, _)| *k != i)
            .map(|(_, v)| *v)
            .collect();
        *slot = (p / (p - 1.0)) * sum(&rest);
    }
    let intercepts: Vec<f64> = fits.iter().map(|f| f[1]).collect();
    (sum(&est), crate::rmath::r_mean(&intercepts))
}

fn diagonal_cell(
    ctx: &Ctx<'_>,
    t: usize,
    fits: &TraitFits,
    column: &mut [f64],
) -> Result<(f64, f64), HdlError> {
    let input = ctx.input;
    let Some(genome) = fits.genome else {
        return Ok(piecewise(&fits.piece, column, ctx.sum));
    };
    let lams: Vec<&[f64]> = input.pieces.iter().map(|p| p.lam.as_slice()).collect();
    let bs: Vec<&[f64]> = fits.bstar.iter().map(|b| b.as_slice()).collect();
    for (i, slot) in column.iter_mut().enumerate() {
        check_stop(ctx)?;
        let (lam, b) = (without(&lams, i), without(&bs, i));
        let data = H2Data {
            n: input.traits[t].n,
            m: input.m_ref,
            nref: input.nref,
            lam: &lam,
            bstar: &b,
            lim: lim(),
            sum: ctx.sum,
        };
        let opt = optim_lbfgsb(
            ctx.minimizer,
            |x| h2_objective(x, &data),
            &genome,
            &H2_LOWER,
            &H2_UPPER,
            ctx.pool,
        )
        .ok_or_else(|| {
            not_finite(format!(
                "The leave-one-out heritability likelihood of trait {}",
                t + 1
            ))
        })?;
        *slot = opt.par[0];
    }
    Ok((genome[0], genome[1]))
}

fn cross_cell(
    ctx: &Ctx<'_>,
    (j, d): (usize, usize),
    pair: usize,
    (f1, f2): (&TraitFits, &TraitFits),
    column: &mut [f64],
) -> Result<(f64, f64), HdlError> {
    let input = ctx.input;
    let k = input.traits.len();
    let (n1, n2) = (input.traits[j].n, input.traits[d].n);
    let n0 = input.n0[j + d * k];
    let rho = input.rho[j + d * k];
    let mut piece_fits = Vec::with_capacity(input.pieces.len());
    for (q, piece) in input.pieces.iter().enumerate() {
        check_stop(ctx)?;
        let start = input.gcov_start[pair][q];
        if !start.is_finite() {
            return Err(not_finite(format!(
                "The starting value of traits {} and {} in piece '{}'",
                j + 1,
                d + 1,
                piece.name
            )));
        }
        let data = GcovData {
            h11: f1.piece[q],
            h22: f2.piece[q],
            m: piece.ldsc.len() as f64,
            n1,
            n2,
            n0,
            nref: input.nref,
            lam: &piece.lam,
            bstar1: &f1.bstar[q],
            bstar2: &f2.bstar[q],
            lim: lim(),
            sum: ctx.sum,
        };
        let objective = GcovObjective::new(data);
        let opt = optim_lbfgsb(
            ctx.minimizer,
            |x| objective.value(x),
            &[start, rho],
            &GCOV_LOWER,
            &GCOV_UPPER,
            None,
        )
        .ok_or_else(|| {
            not_finite(format!(
                "The genetic-covariance likelihood of traits {} and {} in piece '{}'",
                j + 1,
                d + 1,
                piece.name
            ))
        })?;
        piece_fits.push([opt.par[0], opt.par[1]]);
    }
    let (Some(g1), Some(g2)) = (f1.genome, f2.genome) else {
        return Ok(piecewise(&piece_fits, column, ctx.sum));
    };
    let lams: Vec<&[f64]> = input.pieces.iter().map(|p| p.lam.as_slice()).collect();
    let b1s: Vec<&[f64]> = f1.bstar.iter().map(|b| b.as_slice()).collect();
    let b2s: Vec<&[f64]> = f2.bstar.iter().map(|b| b.as_slice()).collect();
    let fit = |lam: &[f64], b1: &[f64], b2: &[f64], start: &[f64]| {
        let data = GcovData {
            h11: g1,
            h22: g2,
            m: input.m_ref,
            n1,
            n2,
            n0,
            nref: input.nref,
            lam,
            bstar1: b1,
            bstar2: b2,
            lim: lim(),
            sum: ctx.sum,
        };
        let objective = GcovObjective::new(data);
        optim_lbfgsb(
            ctx.minimizer,
            |x| objective.value(x),
            start,
            &GCOV_LOWER,
            &GCOV_UPPER,
            ctx.pool,
        )
        .ok_or_else(|| {
            not_finite(format!(
                "The genome-wide genetic-covariance likelihood of traits {} and {}",
                j + 1,
                d + 1
            ))
        })
    };
    let (lam, b1, b2) = (
        concat(lams.iter().copied()),
        concat(b1s.iter().copied()),
        concat(b2s.iter().copied()),
    );
    let h12: Vec<f64> = piece_fits.iter().map(|f| f[0]).collect();
    let mut genome = fit(&lam, &b1, &b2, &[(ctx.sum)(&h12), rho])?;
    if genome.convergence != 0 {
        // GenomicSEM's fallback starts (it referred to undefined h11/h22; the genome-wide
        // heritabilities are meant). Unlike GenomicSEM, a success on the last start is kept.
        let half = (g1[0] * g2[0]).sqrt() * 0.5;
        let mut converged = false;
        for start in [0.0, -half, half] {
            genome = fit(&lam, &b1, &b2, &[start, rho])?;
            if genome.convergence == 0 {
                converged = true;
                break;
            }
        }
        if !converged {
            return Err(HdlError::NoConvergence {
                traits: (j + 1, d + 1),
            });
        }
    }
    for (i, slot) in column.iter_mut().enumerate() {
        check_stop(ctx)?;
        let opt = fit(
            &without(&lams, i),
            &without(&b1s, i),
            &without(&b2s, i),
            &genome.par,
        )?;
        *slot = opt.par[0];
    }
    Ok((genome.par[0], genome.par[1]))
}
