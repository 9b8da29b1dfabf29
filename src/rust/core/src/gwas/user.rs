//! One SNP of userGWAS: fit the prepared model from the base solution, GenomicSEM's sandwich
//! standard errors, `:=` parameters, the model chi-square and Q_SNP. All buffers live in
//! [`UserWork`]; a SNP allocates nothing unless smoothing or `:=` rows need it.

use nalgebra::DMatrix;

use super::common_fit::CommonFit;
use super::inputs::SnpColumns;
use super::prepared::ChisqBlocks;
use super::q_stats::{q_dense, q_snp, residual_vech};
use super::sandwich_work::SandwichWork;
use super::setup::UserGwas;
use super::snp_matrices::SnpWork;
use super::written_out::{fit_sandwich, fit_snp_model};
use crate::sem::partable::ParOp;
use crate::sem::sandwich::{defined_variance, Weight};
use crate::sem::standardized::defined_parameters;
use crate::sem::weight::MlWeightWork;
use crate::sem::{Estimator, Model, SemError};

/// Per-thread buffers.
#[derive(Debug, Clone)]
pub struct UserWork {
    snp: SnpWork,
    eta: Vec<f64>,
    start: Vec<f64>,
    values: Vec<f64>,
    se: Vec<f64>,
    implied: DMatrix<f64>,
    sandwich: SandwichWork,
    /// ML weight buffers (unused under DWLS).
    ml: MlWeightWork,
    /// The table has `:=` or constraint rows (their values need more than the sandwich).
    has_derived: bool,
    /// Free indices of the kept rows when only their SEs are needed (no `:=` or constraint
    /// rows, and not every free parameter kept): the sandwich is formed for those alone.
    se_free: Option<Vec<usize>>,
    /// (Q_SNP target, position among the kept rows) for every kept `factor ~ SNP` row.
    q_slots: Vec<(usize, usize)>,
    /// The fit written out for a one-factor model ([`CommonFit`]); `None`: the general fitter.
    fast: Option<CommonFit>,
}

impl UserWork {
    /// Buffers for fitting `gwas` and keeping the table rows `keep`.
    pub fn new(gwas: &UserGwas, keep: &[usize]) -> UserWork {
        let k = gwas.matrices.k();
        let n_rows = gwas.model.pt.rows.len();
        let pstar = gwas.model.moments().len();
        let has_derived = gwas.model.pt.rows.iter().any(|r| !r.op.is_parameter());
        let mut se_free: Vec<usize> = keep
            .iter()
            .filter_map(|&r| gwas.model.pt.rows[r].free.checked_sub(1))
            .collect();
        se_free.sort_unstable();
        se_free.dedup();
        let se_free = (!has_derived && se_free.len() < gwas.model.pt.n_free()).then_some(se_free);
        UserWork {
            snp: SnpWork::new(k, &gwas.model),
            eta: Vec::new(),
            start: gwas.start.clone(),
            values: vec![f64::NAN; n_rows],
            se: vec![f64::NAN; n_rows],
            implied: DMatrix::zeros(k + 1, k + 1),
            sandwich: SandwichWork::new(pstar, gwas.model.pt.n_free()),
            ml: MlWeightWork::new(if gwas.model.estimator() == Estimator::Ml {
                k + 1
            } else {
                0
            }),
            has_derived,
            se_free,
            q_slots: gwas
                .q_snp
                .iter()
                .enumerate()
                .flat_map(|(t, target)| {
                    target
                        .rows
                        .iter()
                        .filter_map(move |row| keep.iter().position(|r| r == row).map(|j| (t, j)))
                })
                .collect(),
            fast: gwas.fast.clone(),
        }
    }
}

/// Where one SNP's values go: slices over the kept rows, and the per-SNP scalars.
pub struct UserSnpOut<'a> {
    pub est: &'a mut [f64],
    pub se: &'a mut [f64],
    pub q_snp: &'a mut [f64],
    pub q_snp_df: &'a mut [f64],
    pub chisq: &'a mut f64,
    pub z_smooth: &'a mut f64,
}

impl UserGwas {
    /// Fits SNP `snp` of `cols`; values for the rows `keep` go to `out`.
    pub fn fit_snp(
        &mut self,
        cols: &SnpColumns<'_>,
        snp: usize,
        keep: &[usize],
        work: &mut UserWork,
        out: UserSnpOut<'_>,
    ) -> Result<(), SemError> {
        work.snp.fill(&self.matrices, &self.model, cols, snp)?;
        *out.z_smooth = work.snp.full.z_smooth;
        let full = &work.snp.full;
        self.snp_start
            .fill(&self.start, &full.s_full, &full.d, &mut work.start);
        let fitted_fast = fit_snp_model(
            work.fast.as_mut(),
            &mut self.model,
            &work.snp,
            &work.start,
            &mut work.values,
        )?;
        let blocks = self.chisq.as_ref().filter(|_| !work.snp.full.v_smoothed);
        sandwich_se(
            &mut self.model,
            work,
            blocks,
            self.options.toler,
            fitted_fast,
        )?;
        match work.fast.as_ref().filter(|_| fitted_fast) {
            Some(fit) => fit.implied_into(&mut work.implied),
            None => to_user_order_into(&self.model, &mut work.implied),
        }
        let full = &work.snp.full;
        residual_vech(&full.s_full, &work.implied, &mut work.eta);
        *out.chisq = match (&self.chisq, full.v_smoothed) {
            (Some(blocks), false) => blocks.q(&work.eta, &full.d),
            _ => q_dense(&work.eta, &full.v_full),
        };
        for (j, &row) in keep.iter().enumerate() {
            out.est[j] = work.values[row];
            out.se[j] = work.se[row];
        }
        if self.options.q_snp {
            for &(target, j) in &work.q_slots {
                let (q, df) = q_snp(&self.q_snp[target], &work.eta, &full.d);
                out.q_snp[j] = q;
                out.q_snp_df[j] = df;
            }
        }
        Ok(())
    }
}

/// The model-implied covariance in the caller's order (SNP first), into `out`.
fn to_user_order_into(model: &Model, out: &mut DMatrix<f64>) {
    let sigma = model.implied();
    for (c, &uc) in model.ov_in_input.iter().enumerate() {
        for (r, &ur) in model.ov_in_input.iter().enumerate() {
            out[(ur, uc)] = sigma[(r, c)];
        }
    }
}

/// Sandwich SEs per table row (NaN for fixed rows) into `work.se`; `:=` values and SEs and
/// the value lhs - rhs of constraint rows into `work.values`. `fitted_fast`: the last fit was
/// the written-out one, whose own Delta serves (the general model was not evaluated).
fn sandwich_se(
    model: &mut Model,
    work: &mut UserWork,
    blocks: Option<&ChisqBlocks>,
    toler: f64,
    fitted_fast: bool,
) -> Result<(), SemError> {
    let blocks = blocks.map(|b| (b, work.snp.full.d.as_slice()));
    let v_full = &work.snp.full.v_full;
    if let Some(fit) = work.fast.as_mut().filter(|_| fitted_fast) {
        let (w, moments, wanted) = (&work.snp.w, model.moments(), work.se_free.as_deref());
        fit_sandwich(
            fit,
            &mut work.sandwich,
            w,
            v_full,
            blocks,
            moments,
            toler,
            wanted,
        )?;
    } else {
        let weight = match model.estimator() {
            Estimator::Dwls => Weight::Diagonal(&work.snp.w),
            Estimator::Ml => {
                model.ml_weight_into(&mut work.ml)?;
                Weight::Full(&work.ml.w)
            }
        };
        model.delta();
        let (delta, moments) = (&model.fitter.ws.delta, model.moments());
        match &work.se_free {
            Some(wanted) => work
                .sandwich
                .compute_selected(delta, weight, v_full, blocks, moments, toler, wanted)?,
            None => work
                .sandwich
                .compute(delta, weight, v_full, blocks, moments, toler)?,
        }
    }
    let cov = &work.sandwich.cov;
    let wanted = |k: usize| {
        work.se_free
            .as_ref()
            .is_none_or(|w| w.binary_search(&k).is_ok())
    };
    for (r, row) in model.pt.rows.iter().enumerate() {
        work.se[r] = match row.free.checked_sub(1) {
            Some(k) if wanted(k) => cov[(k, k)].sqrt(),
            _ => f64::NAN,
        };
    }
    if !work.has_derived {
        return Ok(());
    }
    for (r, value, grad) in defined_parameters(model, &work.values)? {
        work.values[r] = value;
        work.se[r] = match model.estimator() {
            Estimator::Dwls => defined_variance(&grad, cov).sqrt(),
            Estimator::Ml => f64::NAN,
        };
    }
    for (r, row) in model.pt.rows.iter().enumerate() {
        if !row.op.is_parameter() && row.op != ParOp::Define {
            work.values[r] = constraint_value(model, &work.values, r);
        }
    }
    Ok(())
}

/// lavaan's `est` of a constraint row: its left side minus its right side.
fn constraint_value(model: &Model, values: &[f64], row: usize) -> f64 {
    let Some((lhs, rhs)) = &model.pt.rows[row].exprs else {
        return f64::NAN;
    };
    let pt = &model.pt;
    let lookup = |name: &str| {
        pt.row_of_label(name)
            .or_else(|| {
                pt.rows
                    .iter()
                    .position(|r| r.op == ParOp::Define && r.lhs == name)
            })
            .map_or(f64::NAN, |r| values[r])
    };
    lhs.eval(&lookup) - rhs.eval(&lookup)
}
