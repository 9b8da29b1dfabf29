//! Minimisation of the REML criterion over tau >= 0.
//!
//! The derivative is analytic, so the optimum is a root of d crit / d log(tau). A decade grid
//! brackets every sign change from - to + (a local minimum), Brent's root finder locates each
//! to `LOG_TAU_TOLERANCE`, and the boundary tau = 0 is a candidate when the slope there is
//! >= 0. The smallest criterion among the candidates wins.

use super::tolerances::{GRID_DECADES, LOG_TAU_TOLERANCE, MAX_DECADE, MAX_ROOT_ITERATIONS};

/// The minimiser found.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Optimum {
    pub tau: f64,
    pub crit: f64,
    pub evaluations: usize,
    /// False when the root search did not converge or tau ran to the top of the search range.
    pub converged: bool,
}

/// Counts evaluations of a criterion returning (crit, d crit / d tau).
struct Counted<F> {
    f: F,
    evaluations: usize,
}

impl<F: FnMut(f64) -> Option<(f64, f64)>> Counted<F> {
    fn at(&mut self, tau: f64) -> Option<(f64, f64)> {
        self.evaluations += 1;
        (self.f)(tau)
    }
}

#[derive(Clone, Copy)]
enum Scale {
    Linear,
    Log,
}

impl Scale {
    fn tau(self, x: f64) -> f64 {
        match self {
            Scale::Linear => x,
            Scale::Log => x.exp(),
        }
    }
    /// The derivative with respect to x, from d crit / d tau.
    fn slope(self, tau: f64, dtau: f64) -> f64 {
        match self {
            Scale::Linear => dtau,
            Scale::Log => tau * dtau,
        }
    }
}

/// The search grid: one tau per decade, from `GRID_DECADES.0` up to `MAX_DECADE`, around
/// 1 / `scale`. Exactly these values are evaluated, so criterion parts can be cached.
pub(crate) fn grid_taus(scale: f64) -> impl Iterator<Item = f64> {
    (GRID_DECADES.0..=MAX_DECADE).map(move |decade| 10f64.powi(decade) / scale)
}

/// Minimise `criterion` (returning (crit, d crit / d tau), or `None` where undefined) over
/// tau >= 0. `scale` is a typical 1 / tau (mean eigenvalue). `None` if tau = 0 is undefined.
pub(crate) fn minimise_tau<F>(criterion: F, scale: f64) -> Option<Optimum>
where
    F: FnMut(f64) -> Option<(f64, f64)>,
{
    let mut f = Counted {
        f: criterion,
        evaluations: 0,
    };
    let (crit0, slope0) = f.at(0.0)?;
    let mut best: Option<(f64, f64, bool)> = None;
    let mut consider = |tau: f64, crit: f64, converged: bool| {
        if best.is_none_or(|(_, c, _)| crit < c) {
            best = Some((tau, crit, converged));
        }
    };
    if slope0 >= 0.0 {
        consider(0.0, crit0, true);
    }
    // The previous point: (tau, slope) with tau = 0 first.
    let mut previous = (0.0, slope0);
    let mut last_valid: Option<(f64, f64)> = None;
    let high = GRID_DECADES.1;
    for (tau, decade) in grid_taus(scale).zip(GRID_DECADES.0..) {
        let Some((crit, slope)) = f.at(tau) else {
            previous = (tau, f64::NAN);
            continue;
        };
        if previous.1 < 0.0 && slope >= 0.0 {
            let (scale_kind, a, b) = if previous.0 == 0.0 {
                (Scale::Linear, 0.0, tau)
            } else {
                (Scale::Log, previous.0.ln(), tau.ln())
            };
            let fa = scale_kind.slope(previous.0, previous.1);
            let fb = scale_kind.slope(tau, slope);
            if let Some((root_tau, root_crit, ok)) =
                find_root(&mut f, scale_kind, a, b, fa, fb, crit)
            {
                consider(root_tau, root_crit, ok);
            }
        }
        previous = (tau, slope);
        last_valid = Some((tau, crit));
        if decade >= high && slope >= 0.0 {
            break;
        }
    }
    if previous.1 < 0.0 {
        if let Some((tau, crit)) = last_valid {
            consider(tau, crit, false);
        }
    }
    let (tau, crit, converged) = best.or(Some((0.0, crit0, false)))?;
    Some(Optimum {
        tau,
        crit,
        evaluations: f.evaluations,
        converged,
    })
}

/// Brent's root finder on the slope in `scale` between a (slope fa < 0) and b (fb >= 0).
/// Returns (tau, crit at tau, converged).
fn find_root<F>(
    f: &mut Counted<F>,
    scale: Scale,
    mut a: f64,
    mut b: f64,
    mut fa: f64,
    mut fb: f64,
    crit_b: f64,
) -> Option<(f64, f64, bool)>
where
    F: FnMut(f64) -> Option<(f64, f64)>,
{
    let tol = match scale {
        Scale::Log => LOG_TAU_TOLERANCE,
        Scale::Linear => LOG_TAU_TOLERANCE * b,
    };
    let mut cb = crit_b;
    let (mut c, mut fc) = (a, fa);
    let mut d = b - a;
    let mut e = d;
    for _ in 0..MAX_ROOT_ITERATIONS {
        if (fb > 0.0 && fc > 0.0) || (fb < 0.0 && fc < 0.0) {
            c = a;
            fc = fa;
            d = b - a;
            e = d;
        }
        if fc.abs() < fb.abs() {
            // b must be the best estimate; its criterion is re-evaluated only if needed.
            (a, b, c) = (b, c, b);
            (fa, fb, fc) = (fb, fc, fb);
            cb = f64::NAN;
        }
        let tol1 = 2.0 * f64::EPSILON * b.abs() + 0.5 * tol;
        let xm = 0.5 * (c - b);
        if xm.abs() <= tol1 || fb == 0.0 {
            let tau = scale.tau(b);
            let crit = if cb.is_nan() { f.at(tau)?.0 } else { cb };
            return Some((tau, crit, true));
        }
        if e.abs() >= tol1 && fa.abs() > fb.abs() {
            let s = fb / fa;
            let (mut p, mut q);
            if a == c {
                p = 2.0 * xm * s;
                q = 1.0 - s;
            } else {
                let qq = fa / fc;
                let r = fb / fc;
                p = s * (2.0 * xm * qq * (qq - r) - (b - a) * (r - 1.0));
                q = (qq - 1.0) * (r - 1.0) * (s - 1.0);
            }
            if p > 0.0 {
                q = -q;
            } else {
                p = -p;
            }
            if 2.0 * p < (3.0 * xm * q - (tol1 * q).abs()).min((e * q).abs()) {
                e = d;
                d = p / q;
            } else {
                d = xm;
                e = d;
            }
        } else {
            d = xm;
            e = d;
        }
        a = b;
        fa = fb;
        b += if d.abs() > tol1 { d } else { tol1.copysign(xm) };
        let tau = scale.tau(b);
        let (crit, slope) = f.at(tau)?;
        cb = crit;
        fb = scale.slope(tau, slope);
    }
    let tau = scale.tau(b);
    let crit = if cb.is_nan() { f.at(tau)?.0 } else { cb };
    Some((tau, crit, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// crit(tau) = (log tau - log 2)^2 has its minimum at tau = 2.
    #[test]
    fn finds_an_interior_minimum_to_tight_tolerance() {
        let f = |tau: f64| {
            Some((
                (tau.ln() - 2f64.ln()).powi(2),
                2.0 * (tau.ln() - 2f64.ln()) / tau,
            ))
        };
        let opt = minimise_tau(f, 1.0).unwrap();
        assert!((opt.tau / 2.0 - 1.0).abs() < 1e-9, "{opt:?}");
        assert!(opt.converged);
    }

    /// crit(tau) = tau is minimised at the boundary.
    #[test]
    fn an_increasing_criterion_gives_the_boundary() {
        let opt = minimise_tau(|tau: f64| Some((tau, 1.0)), 1.0).unwrap();
        assert_eq!(opt.tau, 0.0);
    }

    /// crit(tau) = (tau - 1e-7)^2 has its minimum below the grid: the linear bracket finds it.
    #[test]
    fn a_minimum_below_the_grid_is_found_on_the_linear_scale() {
        let t0 = 1e-7;
        let opt =
            minimise_tau(|tau: f64| Some(((tau - t0).powi(2), 2.0 * (tau - t0))), 1.0).unwrap();
        assert!((opt.tau / t0 - 1.0).abs() < 1e-6, "{opt:?}");
    }
}
