//! GenomicSEM's `commonfactor()`: one factor over all traits with unit variance.
//!
//! Its CFI comes from refitting an independence model whose residual variances are fixed at
//! their estimates and whose other z = k(k+1)/2 parameters are free. Under both DWLS and ML
//! the independence model reproduces the diagonal of S exactly, and the refit is saturated,
//! so its chi-square equals vech(S with zero diagonal)' V^-1 vech(...): the same closed form
//! as usermodel's (GenomicSEM's two values differ by ~4e-10, lavaan's stopping noise).

use nalgebra::DMatrix;

use super::error::SemError;
use super::estimate::Estimator;
use super::fit::{cfi_closed_form, model_chisq, srmr};
use super::usermodel::{usermodel, UsermodelOptions, UsermodelOutput};

/// lavaan syntax of GenomicSEM's common factor model over `names`.
pub fn commonfactor_model(names: &[String]) -> String {
    format!("F1 =~ NA*{}\nF1 ~~ 1*F1", names.join(" + "))
}

/// Runs the common factor model. `results` keeps the free parameters only (GenomicSEM's
/// Standardized_Est / Standardized_SE are `std_genotype` / `std_genotype_se`).
pub fn commonfactor(
    s: &DMatrix<f64>,
    names: &[String],
    v: &DMatrix<f64>,
    estimation: Estimator,
) -> Result<UsermodelOutput, SemError> {
    if names.len() < 3 {
        return Err(SemError::NotIdentified {
            detail: format!(
                "a common factor needs at least 3 traits, got {} (use `usermodel` with constraints instead)",
                names.len()
            ),
        });
    }
    let model = commonfactor_model(names);
    let mut out = usermodel(
        s,
        names,
        v,
        &model,
        UsermodelOptions {
            estimation,
            std_lv: false,
            fix_resid: true,
            toler: None,
        },
    )?;
    out.results.retain(|r| r.free);
    if out.modelfit.df == 0.0 {
        // Unlike usermodel, commonfactor blanks only chisq, AIC and p when df is 0.
        let q = model_chisq(&out.s, &out.implied, &out.v);
        out.modelfit.cfi = cfi_closed_form(&out.s, &out.v, q, 0.0);
        out.modelfit.srmr = srmr(&out.model.sample, out.model.implied());
    }
    Ok(out)
}
