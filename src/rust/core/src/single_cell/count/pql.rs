//! The PQL loop of one gene (spec section 3) and the NB theta alternation.

use super::error::CountStatus;
use super::glm::{glm_start, linear_predictor, weighted_ls};
use super::theta::theta_ml;
use super::tolerances::{
    PQL_ETA_TOLERANCE, PQL_MAX_ITERATIONS, THETA_MAX_ALTERNATIONS, THETA_RELATIVE_TOLERANCE,
};
use super::working::{rotate, GeneData, Route, Working};
use crate::single_cell::dense::cholesky_inverse;

/// The conditional distribution of the counts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CountFamily {
    Poisson,
    /// NB with a fixed theta (`Var = mu + mu^2 / theta`).
    NegativeBinomial(f64),
}

impl CountFamily {
    /// The PQL working weight of a cell with mean `mu`.
    #[inline]
    pub fn weight(self, mu: f64) -> f64 {
        match self {
            CountFamily::Poisson => mu,
            CountFamily::NegativeBinomial(theta) => mu / (1.0 + mu / theta),
        }
    }
}

/// Everything shared by the genes of one fit: the cell-level design (n x p column-major), the
/// offsets, each cell's donor (0-based, in the kernel's order) and the kernel (M x M
/// column-major; `None` = identity).
#[derive(Debug, Clone, Copy)]
pub struct CountModel<'a> {
    pub design: &'a [f64],
    pub n_cells: usize,
    pub n_columns: usize,
    pub offset: &'a [f64],
    pub donor_of_cell: &'a [usize],
    pub n_donors: usize,
    pub kernel: Option<&'a [f64]>,
}

/// One gene's fit. Donor vectors are over the model's M donors (NaN for donors without cells
/// for this gene); estimates are NaN unless `status` is `Ok`.
#[derive(Debug, Clone)]
pub struct CountGeneFit {
    pub status: CountStatus,
    pub tau: f64,
    /// NB theta (NaN for Poisson; `Inf` when the counts are not overdispersed).
    pub theta: f64,
    pub pql_iterations: usize,
    pub theta_iterations: usize,
    pub converged: bool,
    pub at_boundary: bool,
    pub last_change: f64,
    /// Working-REML criterion `-2 l_R` without constants.
    pub reml_crit: f64,
    pub beta: Vec<f64>,
    /// sqrt(diag((X' Sigma^-1 X)^-1)) at the final tau (phi = 1).
    pub se: Vec<f64>,
    /// r = Z' Sigma^-1 (Y~ - X beta): the donor score residual; the BLUP is `tau K r`.
    pub residual: Vec<f64>,
    /// Cells not observed for this gene (0-based).
    pub missing_cells: Vec<usize>,
    pub n_cells: usize,
    pub n_donors: usize,
}

impl CountGeneFit {
    fn failed(status: CountStatus, p: usize, m: usize) -> Self {
        CountGeneFit {
            status,
            tau: f64::NAN,
            theta: f64::NAN,
            pql_iterations: 0,
            theta_iterations: 0,
            converged: false,
            at_boundary: false,
            last_change: f64::NAN,
            reml_crit: f64::NAN,
            beta: vec![f64::NAN; p],
            se: vec![f64::NAN; p],
            residual: vec![f64::NAN; m],
            missing_cells: Vec::new(),
            n_cells: 0,
            n_donors: 0,
        }
    }
}

struct Pql {
    eta: Vec<f64>,
    tau: f64,
    beta: Vec<f64>,
    se: Vec<f64>,
    residual: Vec<f64>,
    iterations: usize,
    converged: bool,
    last_change: f64,
    crit: f64,
}

fn pql(g: &GeneData, family: CountFamily, mut eta: Vec<f64>) -> Result<Pql, CountStatus> {
    let (n, p, m) = (g.n, g.p, g.m);
    let mut w = vec![0.0; n];
    let mut ywork = vec![0.0; n];
    let mut previous: Option<f64> = None;
    let mut last = f64::INFINITY;
    for it in 1..=PQL_MAX_ITERATIONS {
        for i in 0..n {
            let mu = eta[i].exp();
            w[i] = family.weight(mu);
            ywork[i] = eta[i] - g.offset[i] + (g.y[i] - mu) / mu;
        }
        let work =
            Working::build(g, &w, &ywork, Route::Tridiagonal).ok_or(CountStatus::Diverged)?;
        let tau = work.search_tau(previous);
        previous = Some(tau);
        let at = work.at(tau).ok_or(CountStatus::DesignSingular)?;
        let r = work.donor_residual(&at).ok_or(CountStatus::Diverged)?;
        let blup: Vec<f64> = match g.kernel {
            None => r.iter().map(|v| tau * v).collect(),
            Some(k) => {
                let mut out = vec![0.0; m];
                rotate(k, &r, m, &mut out); // K is symmetric: K r
                out.iter().map(|v| tau * v).collect()
            }
        };
        let mut eta_new = linear_predictor(g.x, n, p, &at.beta, g.offset);
        for i in 0..n {
            eta_new[i] += blup[g.donor[i]];
        }
        if eta_new.iter().any(|e| !e.is_finite() || *e > 700.0) {
            return Err(CountStatus::Diverged);
        }
        last = eta_new.iter().zip(&eta).fold(0.0f64, |a, (x, y)| a.max((x - y).abs()));
        eta = eta_new;
        let done = last < PQL_ETA_TOLERANCE;
        if done || it == PQL_MAX_ITERATIONS {
            let mut inv = vec![0.0; p * p];
            cholesky_inverse(&at.chol, p, &mut inv);
            let se = (0..p).map(|a| inv[a + a * p].sqrt()).collect();
            return Ok(Pql {
                eta,
                tau,
                beta: at.beta,
                se,
                residual: r,
                iterations: it,
                converged: done,
                last_change: last,
                crit: at.crit,
            });
        }
    }
    let _ = last;
    Err(CountStatus::Diverged)
}

/// Fit one gene. `y` holds the counts of all n cells (NaN = not observed); `nb` selects the
/// negative binomial (theta alternated with PQL) instead of the Poisson.
pub fn fit_count_gene(model: &CountModel, y: &[f64], nb: bool) -> CountGeneFit {
    let (n_all, p, m_all) = (model.n_cells, model.n_columns, model.n_donors);
    let observed: Vec<usize> = (0..n_all).filter(|&i| !y[i].is_nan()).collect();
    if observed
        .iter()
        .any(|&i| !(y[i].is_finite() && y[i] >= 0.0 && y[i].fract() == 0.0))
    {
        return CountGeneFit::failed(CountStatus::InvalidCounts, p, m_all);
    }
    if observed.iter().all(|&i| y[i] == 0.0) {
        return CountGeneFit::failed(CountStatus::AllZero, p, m_all);
    }
    // The gene's donors (those with an observed cell), renumbered 0..m.
    let mut local = vec![usize::MAX; m_all];
    let mut donors = Vec::new();
    for &i in &observed {
        let d = model.donor_of_cell[i];
        if local[d] == usize::MAX {
            local[d] = 0;
        }
    }
    for (d, slot) in local.iter_mut().enumerate() {
        if *slot != usize::MAX {
            *slot = donors.len();
            donors.push(d);
        }
    }
    let (n, m) = (observed.len(), donors.len());
    if m < 2 || n <= p {
        return CountGeneFit::failed(CountStatus::TooFewObservations, p, m_all);
    }
    let complete = n == n_all && m == m_all;
    let (y_obs, x_obs, o_obs, d_obs, k_obs);
    let g = if complete {
        d_obs = model.donor_of_cell.to_vec();
        GeneData {
            y,
            x: model.design,
            offset: model.offset,
            donor: &d_obs,
            n,
            p,
            m,
            kernel: model.kernel,
        }
    } else {
        y_obs = observed.iter().map(|&i| y[i]).collect::<Vec<f64>>();
        o_obs = observed.iter().map(|&i| model.offset[i]).collect::<Vec<f64>>();
        d_obs = observed.iter().map(|&i| local[model.donor_of_cell[i]]).collect::<Vec<usize>>();
        x_obs = (0..p)
            .flat_map(|j| observed.iter().map(move |&i| j * n_all + i))
            .map(|at| model.design[at])
            .collect::<Vec<f64>>();
        k_obs = model.kernel.map(|k| {
            let mut out = vec![0.0; m * m];
            for (b, &db) in donors.iter().enumerate() {
                for (a, &da) in donors.iter().enumerate() {
                    out[a + b * m] = k[da + db * m_all];
                }
            }
            out
        });
        GeneData {
            y: &y_obs,
            x: &x_obs,
            offset: &o_obs,
            donor: &d_obs,
            n,
            p,
            m,
            kernel: k_obs.as_deref(),
        }
    };
    if weighted_ls(g.x, n, p, &vec![1.0; n], &vec![0.0; n]).is_none() {
        return CountGeneFit::failed(CountStatus::DesignSingular, p, m_all);
    }
    let result = fit_family(&g, nb);
    let mut fit = match result {
        Ok(fit) => fit,
        Err(status) => return CountGeneFit::failed(status, p, m_all),
    };
    // Donor vectors back to the model's donor order.
    let mut residual = vec![f64::NAN; m_all];
    for (j, &d) in donors.iter().enumerate() {
        residual[d] = fit.residual[j];
    }
    fit.residual = residual;
    fit.missing_cells = (0..n_all).filter(|&i| y[i].is_nan()).collect();
    fit.n_cells = n;
    fit.n_donors = m;
    fit
}

fn to_fit(f: Pql, theta: f64, theta_iterations: usize) -> CountGeneFit {
    CountGeneFit {
        status: CountStatus::Ok,
        tau: f.tau,
        theta,
        pql_iterations: f.iterations,
        theta_iterations,
        converged: f.converged,
        at_boundary: f.tau == 0.0,
        last_change: f.last_change,
        reml_crit: f.crit,
        beta: f.beta,
        se: f.se,
        residual: f.residual,
        missing_cells: Vec::new(),
        n_cells: 0,
        n_donors: 0,
    }
}

fn fit_family(g: &GeneData, nb: bool) -> Result<CountGeneFit, CountStatus> {
    let mut start = glm_start(g.y, g.x, g.n, g.p, g.offset, CountFamily::Poisson)
        .ok_or(CountStatus::Diverged)?;
    if g.kernel.is_some() {
        // Start from the K = I fit (~30 ms): its donor effects bring eta close to the kernel
        // fit's, saving PQL iterations (each an m x m reduction). `iterations` counts only
        // the kernel fit's.
        let identity = GeneData { kernel: None, ..*g };
        if let Ok(fit) = pql(&identity, CountFamily::Poisson, start.clone()) {
            start = fit.eta;
        }
    }
    let poisson = pql(g, CountFamily::Poisson, start)?;
    if !nb {
        return Ok(to_fit(poisson, f64::NAN, 0));
    }
    let mu = |eta: &[f64]| eta.iter().map(|e| e.exp()).collect::<Vec<f64>>();
    let mut theta = theta_ml(g.y, &mu(&poisson.eta));
    let mut fit: Option<Pql> = None;
    let mut alternations = 0;
    let mut converged_theta = true;
    while theta.is_finite() && alternations < THETA_MAX_ALTERNATIONS {
        alternations += 1;
        let eta0 = fit.as_ref().map_or_else(|| poisson.eta.clone(), |f| f.eta.clone());
        let f = pql(g, CountFamily::NegativeBinomial(theta), eta0)?;
        let next = theta_ml(g.y, &mu(&f.eta));
        let change = if next.is_finite() { (next / theta - 1.0).abs() } else { f64::INFINITY };
        theta = next;
        fit = Some(f);
        if change < THETA_RELATIVE_TOLERANCE {
            break;
        }
        if alternations == THETA_MAX_ALTERNATIONS {
            converged_theta = false;
        }
    }
    if !theta.is_finite() || theta.is_nan() {
        // Not overdispersed: the Poisson fit, theta = Inf.
        let mut out = to_fit(poisson, f64::INFINITY, alternations);
        out.theta = if theta.is_nan() { f64::NAN } else { f64::INFINITY };
        return Ok(out);
    }
    let eta0 = fit.map_or_else(|| poisson.eta.clone(), |f| f.eta);
    let last = pql(g, CountFamily::NegativeBinomial(theta), eta0)?;
    let mut out = to_fit(last, theta, alternations);
    out.converged &= converged_theta;
    Ok(out)
}
