//! `userGWAS()` and `commonfactorGWAS()`: covstruc, SNP columns and options in, result columns
//! out. R splits the SNPs into batches (for progress and `future`) and assembles the data
//! frames; each call prepares the models again from the same base SNP, so batches agree.

use crate::convert::{dmatrix, flags, named_list, optional_int, split_frames};
use crate::errors::{core_error, reply, RError, RResult};
use crate::interrupt;
use crate::threads;
use extendr_api::prelude::*;
use gsem_core::gwas::analytic::Analytic;
use gsem_core::gwas::{self, CommonGwas, CovStruc, GwasOptions, SnpColumns, UserGwas};
use gsem_core::sem::Estimator;

pub(crate) fn element(list: &List, name: &str) -> RResult<Robj> {
    list.iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
        .ok_or_else(|| RError::internal(format!("missing list element `{name}`")))
}

pub(crate) fn reals<'a>(value: &'a Robj, what: &str) -> RResult<&'a [f64]> {
    value
        .as_real_slice()
        .ok_or_else(|| RError::argument(format!("`{what}` must be numeric.")))
}

fn flag(list: &List, name: &str) -> RResult<bool> {
    element(list, name)?
        .as_bool()
        .ok_or_else(|| RError::argument(format!("`{name}` must be TRUE or FALSE.")))
}

pub(crate) fn covstruc(cov: &List) -> RResult<CovStruc> {
    let names = element(cov, "names")?
        .as_string_vector()
        .ok_or_else(|| RError::argument("covstruc's trait names must be character."))?;
    Ok(CovStruc {
        s: dmatrix(&element(cov, "S")?, "S")?,
        v: dmatrix(&element(cov, "V")?, "V")?,
        i: dmatrix(&element(cov, "I")?, "I")?,
        names,
    })
}

fn options(opts: &List) -> RResult<GwasOptions> {
    let text = |name: &str| -> RResult<String> {
        element(opts, name)?
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| RError::argument(format!("`{name}` must be a string.")))
    };
    let number = |name: &str| -> RResult<f64> {
        element(opts, name)?
            .as_real()
            .ok_or_else(|| RError::argument(format!("`{name}` must be a number.")))
    };
    Ok(GwasOptions {
        estimator: text("estimation")?
            .parse::<Estimator>()
            .map_err(core_error)?,
        gc: text("GC")?.parse().map_err(core_error)?,
        var_snp_se2: number("var_snp_se2")?,
        toler: number("toler")?,
        smooth_check: flag(opts, "smooth_check")?,
        std_lv: flag(opts, "std_lv")?,
        fix_measurement: flag(opts, "fix_measurement")?,
        q_snp: flag(opts, "Q_SNP")?,
        twas: flag(opts, "TWAS")?,
    })
}

/// Columns of one set of SNPs (`beta` and `se` n x k column-major).
fn snp_columns(snps: &List, k: usize) -> RResult<(Robj, Robj, Robj)> {
    let (beta, se, var) = (
        element(snps, "beta")?,
        element(snps, "se")?,
        element(snps, "var_snp")?,
    );
    let n = reals(&var, "var_snp")?.len();
    if reals(&beta, "beta")?.len() != n * k || reals(&se, "se")?.len() != n * k {
        return Err(RError::argument(format!(
            "expected {k} beta and SE columns for {n} SNPs."
        )));
    }
    Ok((beta, se, var))
}

/// What every batch call receives: threads, covstruc, the base SNP's and the batch's columns.
struct BatchInput {
    threads: usize,
    cov: CovStruc,
    base: (Robj, Robj, Robj),
    snps: (Robj, Robj, Robj),
}

impl BatchInput {
    fn parse(cov: &List, base: &List, snps: &List, requested_threads: &Robj) -> RResult<Self> {
        let (threads, _) = threads::resolve(optional_int(requested_threads, "cores")?)?;
        let cov = covstruc(cov)?;
        let k = cov.k();
        Ok(BatchInput {
            threads,
            base: snp_columns(base, k)?,
            snps: snp_columns(snps, k)?,
            cov,
        })
    }
}

/// Borrowed columns of [`snp_columns`]' R vectors.
fn borrow_columns(robjs: &(Robj, Robj, Robj)) -> RResult<SnpColumns<'_>> {
    Ok(SnpColumns {
        beta: reals(&robjs.0, "beta")?,
        se: reals(&robjs.1, "se")?,
        var_snp: reals(&robjs.2, "var_snp")?,
    })
}

fn table_to_r(gwas: &UserGwas) -> RResult<Robj> {
    let rows = &gwas.model.pt.rows;
    let text = |f: &dyn Fn(&gsem_core::sem::ParRow) -> String| -> Robj {
        rows.iter().map(f).collect::<Vec<String>>().into()
    };
    named_list(vec![
        ("lhs", text(&|r| r.lhs.clone())),
        ("op", text(&|r| r.op.symbol().to_string())),
        ("rhs", text(&|r| r.rhs.clone())),
        (
            "free",
            rows.iter()
                .map(|r| r.free as i32)
                .collect::<Vec<i32>>()
                .into(),
        ),
        ("label", text(&|r| r.label.clone())),
    ])
}

/// 1-based positions of the SNPs that failed (most SNPs have no message: no string is made
/// for them).
fn failed_rows(errors: &[String]) -> Robj {
    errors
        .iter()
        .enumerate()
        .filter(|(_, e)| !e.is_empty())
        .map(|(i, _)| i as i32 + 1)
        .collect::<Vec<i32>>()
        .into()
}

fn failed_messages(errors: &[String]) -> Robj {
    errors
        .iter()
        .filter(|e| !e.is_empty())
        .cloned()
        .collect::<Vec<String>>()
        .into()
}

/// Prepares userGWAS (and fits nothing but the base SNP): the output table, df and npar.
/// @noRd
#[extendr]
fn rs_user_gwas_table(cov: List, base: List, model: &str, opts: List) -> Robj {
    reply((|| {
        let cov = covstruc(&cov)?;
        let base_robjs = snp_columns(&base, cov.k())?;
        let base = borrow_columns(&base_robjs)?;
        let gwas = UserGwas::new(&cov, model, options(&opts)?, &base).map_err(core_error)?;
        named_list(vec![
            ("table", table_to_r(&gwas)?),
            ("df", gwas.df.into()),
            ("npar", gwas.npar.into()),
        ])
    })())
}

/// userGWAS on a batch of SNPs, keeping the table rows `keep` (1-based).
/// @noRd
#[extendr]
fn rs_user_gwas(
    cov: List,
    base: List,
    snps: List,
    model: &str,
    opts: List,
    keep: &[i32],
    requested_threads: Robj,
) -> Robj {
    reply((|| {
        let input = BatchInput::parse(&cov, &base, &snps, &requested_threads)?;
        let (threads, cov) = (input.threads, &input.cov);
        let (base, cols) = (borrow_columns(&input.base)?, borrow_columns(&input.snps)?);
        let gwas = UserGwas::new(cov, model, options(&opts)?, &base).map_err(core_error)?;
        let n_rows = gwas.model.pt.rows.len();
        let keep: Vec<usize> = keep
            .iter()
            .map(|&r| usize::try_from(r - 1).ok().filter(|&r| r < n_rows))
            .collect::<Option<Vec<usize>>>()
            .ok_or_else(|| RError::internal("row index out of range"))?;
        let out = interrupt::run(threads, |cancel| {
            gwas::run_user(&gwas, &cols, &keep, cancel)
        })?
        .map_err(core_error)?;
        named_list(vec![
            ("est", out.est.into()),
            ("se", out.se.into()),
            ("q_snp", out.q_snp.into()),
            ("q_snp_df", out.q_snp_df.into()),
            ("chisq", out.chisq.into()),
            ("z_smooth", out.z_smooth.into()),
            ("failed", failed_rows(&out.error)),
            ("messages", failed_messages(&out.error)),
            ("df", gwas.df.into()),
            ("npar", gwas.npar.into()),
        ])
    })())
}

/// commonfactorGWAS on a batch of SNPs.
/// @noRd
#[extendr]
fn rs_commonfactor_gwas(
    cov: List,
    base: List,
    snps: List,
    opts: List,
    requested_threads: Robj,
) -> Robj {
    reply((|| {
        let input = BatchInput::parse(&cov, &base, &snps, &requested_threads)?;
        let (threads, cov) = (input.threads, &input.cov);
        let (base, cols) = (borrow_columns(&input.base)?, borrow_columns(&input.snps)?);
        let gwas = CommonGwas::new(cov, options(&opts)?, &base).map_err(core_error)?;
        let out = interrupt::run(threads, |cancel| gwas::run_common(&gwas, &cols, cancel))?
            .map_err(core_error)?;
        named_list(vec![
            ("est", out.est.into()),
            ("se_c", out.se_c.into()),
            ("Q", out.q.into()),
            ("z_smooth", out.z_smooth.into()),
            ("failed", failed_rows(&out.fail)),
            ("messages", failed_messages(&out.fail)),
        ])
    })())
}

/// userGWAS(analytic = TRUE): closed-form SNP effects on factors with fixed loadings.
/// @noRd
#[extendr]
fn rs_analytic_gwas(loadings: Robj, intercepts: Robj, snps: List, requested_threads: Robj) -> Robj {
    reply((|| {
        let (threads, _) = threads::resolve(optional_int(&requested_threads, "cores")?)?;
        let loadings = dmatrix(&loadings, "loadings")?;
        let analytic =
            Analytic::new(loadings.clone(), &dmatrix(&intercepts, "I")?).map_err(core_error)?;
        let snp_robjs = snp_columns(&snps, loadings.nrows())?;
        let cols = borrow_columns(&snp_robjs)?;
        let out =
            interrupt::run(threads, |cancel| analytic.run(&cols, cancel))?.map_err(core_error)?;
        named_list(vec![
            ("beta", out.beta.into()),
            ("se", out.se.into()),
            ("q", out.q.into()),
            ("q_df", out.q_df.into()),
            ("q_omnibus", out.q_omnibus.into()),
        ])
    })())
}

/// userGWAS(sub = FALSE)'s one data frame per SNP from the long columns (see
/// `convert::split_frames`).
/// @noRd
#[extendr]
fn rs_gwas_frames(columns: List, shared: Logicals, n: i32, m: i32) -> Robj {
    reply((|| {
        let (n, m) = (
            usize::try_from(n).map_err(|_| RError::internal("n < 0"))?,
            usize::try_from(m).map_err(|_| RError::internal("m < 0"))?,
        );
        split_frames(&columns, &flags(&shared), n, m)
    })())
}

extendr_module! {
    mod gwas;
    fn rs_gwas_frames;
    fn rs_analytic_gwas;
    fn rs_user_gwas_table;
    fn rs_user_gwas;
    fn rs_commonfactor_gwas;
}
