//! One SNP of commonfactorGWAS: fit the one-factor model from the base solution, the sandwich
//! SE of `F1 ~ SNP`, then GenomicSEM's Q follow-up model (loadings, SNP effect and factor
//! variance fixed at this SNP's estimates, direct SNP effects on the traits free) and the
//! heterogeneity Q of those direct effects.

use super::common_fit::CommonFit;
use super::inputs::SnpColumns;
use super::prepared::ChisqBlocks;
use super::q_follow_up::QFollowUp;
use super::q_stats::{heterogeneity_q, HeterogeneityWork};
use super::sandwich_work::SandwichWork;
use super::setup::CommonGwas;
use super::snp_matrices::{FullSnp, SnpWork};
use super::written_out::{fit_sandwich, fit_snp_model};
use crate::sem::sandwich::Weight;
use crate::sem::standardized::row_values_into;
use crate::sem::weight::MlWeightWork;
use crate::sem::{Estimator, Model, SemError};

use nalgebra::DMatrix;

#[derive(Debug, Clone)]
pub struct CommonWork {
    snp: SnpWork,
    q_start: Vec<f64>,
    start: Vec<f64>,
    values: Vec<f64>,
    q_values: Vec<f64>,
    eta: Vec<f64>,
    v_eta: DMatrix<f64>,
    main: SandwichWork,
    follow_up: SandwichWork,
    q_direct: QFollowUp,
    heterogeneity: HeterogeneityWork,
    /// The free index of `F1 ~ SNP` (only its SE is reported) and those of the Q model's k
    /// direct effects (only their covariance enters Q).
    snp_free: [usize; 1],
    direct_free: Vec<usize>,
    /// ML weight buffers (unused under DWLS).
    ml: MlWeightWork,
    /// The main fit written out (DWLS); `None`: the general fitter.
    fast: Option<CommonFit>,
}

impl CommonWork {
    pub fn new(gwas: &CommonGwas) -> CommonWork {
        let k = gwas.k;
        let pstar = gwas.model.moments().len();
        CommonWork {
            snp: SnpWork::new(k, &gwas.model),
            q_start: vec![0.0; 2 * k],
            start: gwas.start.clone(),
            values: vec![f64::NAN; gwas.model.pt.rows.len()],
            q_values: vec![f64::NAN; gwas.q_model.pt.rows.len()],
            eta: vec![0.0; k],
            v_eta: DMatrix::zeros(k, k),
            main: SandwichWork::new(pstar, gwas.model.pt.n_free()),
            follow_up: SandwichWork::new(pstar, gwas.q_model.pt.n_free()),
            q_direct: QFollowUp::new(k),
            heterogeneity: HeterogeneityWork::new(k),
            snp_free: [gwas.model.pt.rows[gwas.snp_row].free.saturating_sub(1)],
            direct_free: (0..k).collect(),
            ml: MlWeightWork::new(if gwas.model.estimator() == Estimator::Ml {
                k + 1
            } else {
                0
            }),
            fast: gwas.fast.clone(),
        }
    }
}

/// One SNP's results: the SNP effect, its sandwich SE, Q (NaN when the Q model failed) and
/// Z_smooth.
#[derive(Debug, Clone, Copy)]
pub struct CommonSnp {
    pub est: f64,
    pub se_c: f64,
    pub q: f64,
    pub z_smooth: f64,
}

/// Sandwich covariance of the free parameters `wanted` of `model` at its last fit, into
/// `work.cov`.
fn sandwich_cov(
    model: &mut Model,
    w: &[f64],
    full: &FullSnp,
    blocks: Option<&ChisqBlocks>,
    toler: f64,
    work: &mut SandwichWork,
    ml: &mut MlWeightWork,
    wanted: &[usize],
) -> Result<(), SemError> {
    let weight = match model.estimator() {
        Estimator::Dwls => Weight::Diagonal(w),
        Estimator::Ml => {
            model.ml_weight_into(ml)?;
            Weight::Full(&ml.w)
        }
    };
    model.delta();
    let blocks = blocks
        .filter(|_| !full.v_smoothed)
        .map(|b| (b, full.d.as_slice()));
    work.compute_selected(
        &model.fitter.ws.delta,
        weight,
        &full.v_full,
        blocks,
        model.moments(),
        toler,
        wanted,
    )
}

impl CommonGwas {
    /// Start for this SNP: the base solution with the SNP effect b replaced by its weighted
    /// least-squares value given the base loadings (b = sum w l s / (var sum w l^2), with the
    /// SNP-trait covariances s and weights 1/D^2), the factor's residual variance adjusted so
    /// that its total variance stays the base one, and the SNP variance set to the sample's.
    fn snp_start(&self, s_full: &DMatrix<f64>, d: &[f64], start: &mut [f64]) {
        let k = self.k;
        start.copy_from_slice(&self.start);
        let var_snp = s_full[(0, 0)];
        let free = |row: usize| self.model.pt.rows[row].free.checked_sub(1);
        let value = |row: usize, theta: &[f64]| match free(row) {
            Some(j) => theta[j],
            None => self.model.pt.rows[row].ustart.unwrap_or(1.0),
        };
        let (mut num, mut den) = (0.0, 0.0);
        for x in 0..k {
            let (l, w) = (value(x, &self.start), 1.0 / (d[x] * d[x]));
            num += w * l * s_full[(x + 1, 0)];
            den += w * l * l;
        }
        let (Some(jb), true) = (free(k), den > 0.0) else {
            return;
        };
        let b = num / (var_snp * den);
        start[jb] = b;
        let base_var = self.base_var_snp;
        if let Some(jp) = free(3 * k + 1) {
            let total = self.start[jp] + self.start[jb] * self.start[jb] * base_var;
            let psi = total - b * b * var_snp;
            if psi > 0.0 {
                start[jp] = psi;
            }
        }
        if let Some(js) = free(3 * k + 2) {
            start[js] = var_snp;
        }
    }

    pub fn fit_snp(
        &mut self,
        cols: &SnpColumns<'_>,
        snp: usize,
        work: &mut CommonWork,
    ) -> Result<CommonSnp, SemError> {
        let k = self.k;
        work.snp.fill(&self.matrices, &self.model, cols, snp)?;
        let full = &work.snp.full;
        self.snp_start(&full.s_full, &full.d, &mut work.start);
        // The written-out fit leaves the general model unevaluated: its Delta serves the
        // sandwich, and the model is evaluated only if the general Q follow-up needs it.
        let fitted_fast = fit_snp_model(
            work.fast.as_mut(),
            &mut self.model,
            &work.snp,
            &work.start,
            &mut work.values,
        )?;
        let toler = self.options.toler;
        let blocks = self.blocks.as_ref();
        let free = self.model.pt.rows[self.snp_row].free;
        let wanted = &work.snp_free[..usize::from(free > 0)];
        match work.fast.as_mut().filter(|_| fitted_fast) {
            Some(fit) => {
                let full = &work.snp.full;
                let blocks = blocks
                    .filter(|_| !full.v_smoothed)
                    .map(|b| (b, full.d.as_slice()));
                let (w, moments) = (&work.snp.w, self.model.moments());
                let (sandwich, v_full) = (&mut work.main, &full.v_full);
                fit_sandwich(
                    fit,
                    sandwich,
                    w,
                    v_full,
                    blocks,
                    moments,
                    toler,
                    Some(wanted),
                )?;
            }
            None => sandwich_cov(
                &mut self.model,
                &work.snp.w,
                &work.snp.full,
                blocks,
                toler,
                &mut work.main,
                &mut work.ml,
                wanted,
            )?,
        }
        let se_c = free
            .checked_sub(1)
            .map_or(f64::NAN, |j| work.main.cov[(j, j)].sqrt());
        let mut result = CommonSnp {
            est: work.values[self.snp_row],
            se_c,
            q: f64::NAN,
            z_smooth: work.snp.full.z_smooth,
        };
        if self.direct_q && self.model.estimator() == Estimator::Dwls {
            let values = &work.values;
            let solved = work.q_direct.solve(
                &values[..k],
                values[k],
                values[3 * k + 1],
                values[3 * k + 2],
                &work.snp.full,
                blocks,
                toler,
                &mut work.follow_up,
                &mut work.eta,
            );
            match solved {
                Some(Ok(())) => {
                    work.v_eta
                        .copy_from(&work.follow_up.cov.view((0, 0), (k, k)));
                    result.q =
                        heterogeneity_q(&work.eta, &work.v_eta, toler, &mut work.heterogeneity)
                            .unwrap_or(f64::NAN);
                    return Ok(result);
                }
                Some(Err(_)) => return Ok(result),
                // Not converged: the general fitter below decides.
                None => {}
            }
        }
        if fitted_fast {
            self.model.evaluate_loaded()?;
        }
        // Q model: fixed rows take this SNP's estimates; the direct effects start at the
        // residual SNP-trait covariances and the residual variances at their estimates.
        for row in (0..=k).chain([3 * k + 1, 3 * k + 2]) {
            self.q_model.set_fixed_value(row, work.values[row]);
        }
        let implied = self.model.implied();
        let snp_lav = implied.nrows() - 1;
        // GenomicSEM starts the direct effects at the residual covariances; the effects that
        // reproduce them exactly (residual / SNP variance) are closer to the optimum.
        let var_snp = work.snp.full.s_full[(0, 0)];
        for t in 0..k {
            work.q_start[t] = (self.model.sample[(snp_lav, t)] - implied[(snp_lav, t)]) / var_snp;
            work.q_start[k + t] = work.values[2 * k + 1 + t];
        }
        let full = &work.snp.full;
        if self
            .q_model
            .refit(full.s_full.as_slice(), &work.snp.w, &work.q_start)
            .is_err()
        {
            return Ok(result);
        }
        row_values_into(&self.q_model, &mut work.q_values);
        if sandwich_cov(
            &mut self.q_model,
            &work.snp.w,
            full,
            blocks,
            toler,
            &mut work.follow_up,
            &mut work.ml,
            &work.direct_free,
        )
        .is_err()
        {
            return Ok(result);
        }
        for a in 0..k {
            work.eta[a] = work.q_values[k + 1 + a];
            for b in 0..k {
                work.v_eta[(a, b)] = work.follow_up.cov[(a, b)];
            }
        }
        result.q = heterogeneity_q(&work.eta, &work.v_eta, toler, &mut work.heterogeneity)
            .unwrap_or(f64::NAN);
        Ok(result)
    }
}
