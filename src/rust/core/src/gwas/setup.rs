//! The models GenomicSEM fits in a GWAS, built once per run: userGWAS's per-SNP model (with
//! the measurement part fixed at its no-SNP estimates under `fix_measurement`), its df and
//! npar, the Q_SNP targets; commonfactorGWAS's model and its Q follow-up model. Each is
//! fitted to the run's first SNP to get the solution every SNP starts from.

use nalgebra::DMatrix;

use super::common_fit::CommonFit;
use super::inputs::{CovStruc, GwasOptions, SnpColumns};
use super::prepared::{ChisqBlocks, QSnpTarget};
use super::snp_matrices::{FullSnp, SnpMatrices};
use super::user_start::UserStart;
use crate::sem::nearpd::{min_eigenvalue, nearpd};
use crate::sem::optimiser_tolerances::{GWAS_SLOW_RATIO, GWAS_STEP};
use crate::sem::partable::{ParOp, ParRow, ParTable, PartableOptions};
use crate::sem::standardized::row_values;
use crate::sem::syntax::RelOp;
use crate::sem::vnames::{FlatRow, VarNames};
use crate::sem::{Estimator, Model, SemError};

/// Everything userGWAS needs per SNP, prepared once.
#[derive(Debug, Clone)]
pub struct UserGwas {
    pub model: Model,
    pub start: Vec<f64>,
    pub df: f64,
    pub npar: f64,
    pub matrices: SnpMatrices,
    /// The fixed blocks of V_Full (`None` when every SNP's V_Full must be smoothed).
    pub chisq: Option<ChisqBlocks>,
    pub options: GwasOptions,
    pub q_snp: Vec<QSnpTarget>,
    /// Per-SNP start from `start`.
    pub snp_start: UserStart,
    /// The fit written out when the model is a one-factor model of commonfactorGWAS's shape
    /// under DWLS ([`super::common_fit`]); `None` fits with the general fitter.
    pub fast: Option<CommonFit>,
}

/// Everything commonfactorGWAS needs per SNP, prepared once.
#[derive(Debug, Clone)]
pub struct CommonGwas {
    pub model: Model,
    pub start: Vec<f64>,
    pub q_model: Model,
    pub matrices: SnpMatrices,
    pub options: GwasOptions,
    /// Row of `F1 ~ SNP` in the model's table.
    pub snp_row: usize,
    pub k: usize,
    pub blocks: Option<ChisqBlocks>,
    /// The base SNP's variance (the base solution's SNP effect is relative to it).
    pub base_var_snp: f64,
    /// Solve the Q follow-up directly under DWLS ([`super::q_follow_up`]); `false` refits it
    /// with the general fitter (tests compare the two).
    pub direct_q: bool,
    /// The main fit written out for this model under DWLS ([`super::common_fit`]); `None`
    /// fits with the general fitter (tests compare the two).
    pub fast: Option<CommonFit>,
}

fn input_names(cov: &CovStruc, snp: &str) -> Vec<String> {
    std::iter::once(snp.to_string())
        .chain(cov.names.iter().cloned())
        .collect()
}

fn smoothed(m: &DMatrix<f64>) -> Result<DMatrix<f64>, SemError> {
    if min_eigenvalue(m) <= 0.0 {
        Ok(nearpd(m)?.mat)
    } else {
        Ok(m.clone())
    }
}

/// DWLS weights 1/diag(V) in the model's moment order (empty for ML).
fn weights(model: &Model, v: &DMatrix<f64>) -> Result<Vec<f64>, SemError> {
    if model.estimator() == Estimator::Ml {
        return Ok(Vec::new());
    }
    let diag: Vec<f64> = (0..v.nrows()).map(|a| v[(a, a)]).collect();
    let mut w = vec![0.0; model.moment_map().len()];
    model.fill_dwls_weights(&diag, &mut w)?;
    Ok(w)
}

fn base_failure(err: SemError) -> SemError {
    SemError::BadInput {
        what: format!(
            "the model could not be fitted to the first SNP, which every SNP starts from ({err})"
        ),
    }
}

/// Fits `model` to the first SNP of `base` and returns the solution.
fn base_fit(
    model: &mut Model,
    matrices: &SnpMatrices,
    base: &SnpColumns<'_>,
) -> Result<Vec<f64>, SemError> {
    let mut full = FullSnp::new(matrices.k());
    matrices.fill(base, 0, &mut full)?;
    let w = weights(model, &full.v_full)?;
    model
        .fit(full.s_full.as_slice(), &w)
        .map_err(base_failure)?;
    Ok(model.theta().to_vec())
}

/// Variable names of a finished table, recomputed from its parameter rows.
fn names_of(rows: &[ParRow]) -> VarNames {
    let flat: Vec<FlatRow> = rows
        .iter()
        .filter_map(|r| {
            let op = match r.op {
                ParOp::Measure => RelOp::Measure,
                ParOp::Regress => RelOp::Regress,
                ParOp::Covary => RelOp::Covary,
                _ => return None,
            };
            Some(FlatRow {
                lhs: r.lhs.clone(),
                op,
                rhs: r.rhs.clone(),
            })
        })
        .collect();
    VarNames::from_rows(&flat)
}

/// GenomicSEM's fixed measurement model: the model without its SNP and `:=` lines is fitted
/// to S_LD; every parameter between two different variables is fixed at its estimate; the
/// full model's SNP rows, `:=` rows and constraints are appended (constraints only once).
fn fixed_measurement_table(
    cov: &CovStruc,
    model: &str,
    options: &GwasOptions,
    s_ld: &DMatrix<f64>,
    v_ld: &DMatrix<f64>,
) -> Result<ParTable, SemError> {
    let snp = options.snp_name();
    let no_snp: Vec<&str> = model
        .split('\n')
        .filter(|line| !line.contains(snp) && !line.contains(":="))
        .collect();
    let mut measurement = Model::new(
        &no_snp.join("\n"),
        &cov.names,
        options.estimator,
        options.std_lv,
    )
    .map_err(|err| SemError::BadInput {
        what: format!("the measurement model (the model without its SNP lines) is invalid: {err}"),
    })?;
    let w = weights(&measurement, v_ld)?;
    measurement
        .fit(s_ld.as_slice(), &w)
        .map_err(|err| SemError::BadInput {
            what: format!("the measurement model (without the SNP) could not be fitted: {err}"),
        })?;
    let values = row_values(&measurement);
    let mut rows = measurement.pt.rows.clone();
    for (row, &value) in rows.iter_mut().zip(&values) {
        if row.op.is_parameter() && row.lhs != row.rhs {
            row.free = 0;
            row.ustart = Some(value);
            row.exo = false;
        }
    }
    let full = ParTable::from_model(
        model,
        PartableOptions {
            std_lv: options.std_lv,
            fixed_x: false,
        },
    )?;
    let n_measurement = rows.len();
    let snp_rows = full
        .rows
        .iter()
        .filter(|r| r.op.is_parameter() && (r.lhs == snp || r.rhs == snp));
    let defined = full.rows.iter().filter(|r| r.op == ParOp::Define);
    let constraints = full
        .rows
        .iter()
        .filter(|r| !r.op.is_parameter() && r.op != ParOp::Define && r.user == 1);
    for row in snp_rows.chain(defined).chain(constraints) {
        let duplicate = rows[..n_measurement]
            .iter()
            .any(|r| r.lhs == row.lhs && r.op == row.op && r.rhs == row.rhs);
        if !duplicate {
            rows.push(row.clone());
        }
    }
    for (i, row) in rows.iter_mut().enumerate() {
        if row.op.is_parameter() {
            row.plabel = format!(".p{}.", i + 1);
        }
    }
    let names = names_of(&rows);
    let mut table = ParTable { rows, names };
    table.renumber_free();
    Ok(table)
}

/// Factors whose Q_SNP GenomicSEM reports: the left-hand sides of model lines that mention
/// the SNP, when they are latent variables.
fn q_snp_targets(model: &str, table: &ParTable, names: &[String], snp: &str) -> Vec<QSnpTarget> {
    let mut factors: Vec<String> = Vec::new();
    for line in model.split('\n').filter(|l| l.contains(snp)) {
        let compact: String = line.chars().filter(|c| !c.is_whitespace()).collect();
        let lhs = compact.split('~').next().unwrap_or("").to_string();
        if table.names.lv.contains(&lhs) && !factors.contains(&lhs) {
            factors.push(lhs);
        }
    }
    factors
        .into_iter()
        .map(|factor| {
            let rows = (0..table.rows.len())
                .filter(|&r| table.rows[r].lhs == factor && table.rows[r].rhs == snp)
                .collect();
            let indicators: Vec<&ParRow> = table
                .rows
                .iter()
                .filter(|r| r.op == ParOp::Measure && r.lhs == factor)
                .collect();
            let observed = |r: &&ParRow| names.iter().position(|n| n == &r.rhs);
            let first_observed = indicators.first().and_then(observed).is_some();
            let indices: Option<Vec<usize>> = indicators.iter().map(observed).collect();
            QSnpTarget {
                rows,
                indicators: if first_observed { indices } else { None },
                c_inv: None,
            }
        })
        .collect()
}

impl UserGwas {
    /// Builds the per-SNP model as GenomicSEM's userGWAS does and fits it to the first SNP of
    /// `base` (the run's first SNP, whatever chunk is being computed).
    pub fn new(
        cov: &CovStruc,
        model: &str,
        options: GwasOptions,
        base: &SnpColumns<'_>,
    ) -> Result<UserGwas, SemError> {
        cov.validate()?;
        let names = input_names(cov, options.snp_name());
        let full_table = ParTable::from_model(
            model,
            PartableOptions {
                std_lv: options.std_lv,
                fixed_x: false,
            },
        )?;
        check_all_traits_used(&full_table, cov)?;
        let (s_ld, v_ld) = if options.fix_measurement {
            (smoothed(&cov.s)?, smoothed(&cov.v)?)
        } else {
            (cov.s.clone(), cov.v.clone())
        };
        let mut model_fit = if options.fix_measurement {
            let table = fixed_measurement_table(cov, model, &options, &s_ld, &v_ld)?;
            Model::from_partable(table, &names, options.estimator)?
        } else {
            Model::new(model, &names, options.estimator, options.std_lv)?
        };
        let matrices = SnpMatrices::new(cov, s_ld, v_ld, options.gc, options.var_snp_se2)
            .with_smooth_check(options.smooth_check);
        let start = base_fit(&mut model_fit, &matrices, base)?;
        model_fit.fitter.step_tolerance = GWAS_STEP;
        model_fit.fitter.slow_ratio = GWAS_SLOW_RATIO;
        let mut q_snp = q_snp_targets(model, &model_fit.pt, &cov.names, options.snp_name());
        for target in q_snp.iter_mut() {
            target.c_inv = target.indicators.as_ref().map(|i| matrices.c_inverse_of(i));
        }
        let chisq = matrices.chisq_blocks();
        let snp_start = UserStart::new(&model_fit.pt, &q_snp, options.snp_name(), &start);
        let fast = CommonFit::new(&model_fit, &cov.names, options.snp_name());
        Ok(UserGwas {
            fast,
            df: model_fit.df() as f64,
            npar: model_fit.npar() as f64,
            model: model_fit,
            start,
            matrices,
            chisq,
            options,
            q_snp,
            snp_start,
        })
    }
}

/// GenomicSEM needs every trait of covstruc in the model (lavaan fails otherwise).
fn check_all_traits_used(table: &ParTable, cov: &CovStruc) -> Result<(), SemError> {
    let unused: Vec<String> = cov
        .names
        .iter()
        .filter(|n| !table.names.ov.contains(n))
        .cloned()
        .collect();
    if unused.is_empty() {
        Ok(())
    } else {
        Err(SemError::BadInput {
            what: format!(
                "the traits {} of covstruc are not in the model; every trait of the ldsc output \
                 must appear in a GWAS model (drop them from covstruc and the SNP columns, or \
                 add them to the model)",
                unused.join(", ")
            ),
        })
    }
}

/// commonfactorGWAS's model: one factor over all traits, regressed on the SNP, with the
/// SNP's direct effects on the traits fixed at 0.
pub fn common_factor_model(traits: &[String], snp: &str) -> String {
    let mut model = format!("F1 =~ {}\nF1 ~ {snp}", traits.join(" + "));
    for t in traits {
        model.push_str(&format!("\n{t} ~ 0*{snp}"));
    }
    model
}

impl CommonGwas {
    pub fn new(
        cov: &CovStruc,
        options: GwasOptions,
        base: &SnpColumns<'_>,
    ) -> Result<CommonGwas, SemError> {
        cov.validate()?;
        let k = cov.k();
        let names = input_names(cov, options.snp_name());
        let text = common_factor_model(&cov.names, options.snp_name());
        let mut model = Model::new(&text, &names, options.estimator, false)?;
        let matrices = SnpMatrices::new(
            cov,
            cov.s.clone(),
            cov.v.clone(),
            options.gc,
            options.var_snp_se2,
        )
        .with_smooth_check(options.smooth_check);
        let start = base_fit(&mut model, &matrices, base)?;
        model.fitter.step_tolerance = GWAS_STEP;
        model.fitter.slow_ratio = GWAS_SLOW_RATIO;
        let snp_row = k;
        let mut q_model = Self::q_model(&model, k)?;
        let blocks = matrices.chisq_blocks();
        q_model.fitter.step_tolerance = GWAS_STEP;
        q_model.fitter.slow_ratio = GWAS_SLOW_RATIO;
        model.fitter.slow_ratio = GWAS_SLOW_RATIO;
        let fast = CommonFit::new(&model, &cov.names, options.snp_name());
        Ok(CommonGwas {
            model,
            start,
            q_model,
            matrices,
            options,
            snp_row,
            k,
            blocks,
            base_var_snp: base.var_snp.first().copied().unwrap_or(f64::NAN),
            direct_q: true,
            fast,
        })
    }

    /// The Q model: loadings, `F1 ~ SNP`, `F1 ~~ F1` and `SNP ~~ SNP` fixed (their values are
    /// set per SNP), the direct effects `Ti ~ SNP` and the residual variances free.
    fn q_model(model: &Model, k: usize) -> Result<Model, SemError> {
        let mut table = model.pt.clone();
        table.rows.truncate(3 * k + 3);
        for (r, row) in table.rows.iter_mut().enumerate() {
            let free = (k + 1..3 * k + 1).contains(&r);
            row.free = usize::from(free);
            if !free && !row.exo {
                row.ustart = Some(row.ustart.unwrap_or(0.0));
            }
        }
        table.renumber_free();
        Model::from_partable(table, &input_names_from(model), model.estimator())
    }
}

fn input_names_from(model: &Model) -> Vec<String> {
    let ov = &model.pt.names.ov;
    let mut names = vec![String::new(); model.n_input];
    for (lav, &user) in model.ov_in_input.iter().enumerate() {
        names[user] = ov[lav].clone();
    }
    names
}
