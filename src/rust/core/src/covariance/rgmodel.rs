//! `rgmodel`: the genetic correlation matrix R estimated as a model (one standardized latent
//! variable per trait, no residual variance, free latent correlations), and the sandwich
//! sampling covariance V_R of the correlations, in lower-triangle order.

use nalgebra::DMatrix;

use super::error::CovarianceError;
use crate::sem::{self, Estimator, ParOp, UsermodelOptions};

#[derive(Debug, Clone)]
pub struct RgModel {
    /// k x k, unit diagonal.
    pub r: DMatrix<f64>,
    /// k(k-1)/2 square: sampling covariance of the lower triangle of R, column by column.
    pub v_r: DMatrix<f64>,
}

/// GenomicSEM's rgmodel syntax: `var_i =~ NA*T_i + start(.1)*T_i`, unit latent variances,
/// zero residual variances and every latent covariance free.
pub fn rgmodel_syntax(names: &[String]) -> String {
    let k = names.len();
    let mut syntax = String::from("\n");
    for (i, name) in names.iter().enumerate() {
        syntax.push_str(&format!("var{} =~ NA*{name} + start(.1)*{name}\n", i + 1));
    }
    for i in 1..=k {
        syntax.push_str(&format!("var{i} ~~ 1*var{i}\n"));
    }
    for name in names {
        syntax.push_str(&format!("{name} ~~ 0*{name}\n"));
    }
    for i in 1..k {
        for j in (i + 1)..=k {
            syntax.push_str(&format!("var{i} ~~ var{j}\n"));
        }
    }
    syntax
}

/// Fits the rgmodel syntax to S (k x k, traits `names`) and V (k(k+1)/2 square, vech order).
pub fn rgmodel(
    s: &DMatrix<f64>,
    names: &[String],
    v: &DMatrix<f64>,
) -> Result<RgModel, CovarianceError> {
    let k = names.len();
    if k < 2 {
        return Err(CovarianceError::Dimensions {
            what: format!("rgmodel needs at least 2 traits, got {k}"),
        });
    }
    let options = UsermodelOptions {
        estimation: Estimator::Dwls,
        std_lv: false,
        fix_resid: true,
        toler: None,
    };
    let out = sem::usermodel(s, names, v, &rgmodel_syntax(names), options)?;
    let rows = &out.model.pt.rows;
    // (estimate, free index) of var_i ~~ var_j, in lower-triangle order of R
    let mut cells = Vec::with_capacity(k * (k - 1) / 2);
    for i in 1..k {
        for j in (i + 1)..=k {
            let (lhs, rhs) = (format!("var{i}"), format!("var{j}"));
            let r = rows
                .iter()
                .position(|row| row.op == ParOp::Covary && row.lhs == lhs && row.rhs == rhs)
                .filter(|&r| rows[r].free > 0)
                .ok_or_else(|| CovarianceError::MissingParameter {
                    name: format!("{lhs}~~{rhs}"),
                })?;
            let est = out
                .results
                .iter()
                .find(|res| res.id == r + 1)
                .map(|res| res.est)
                .ok_or_else(|| CovarianceError::MissingParameter {
                    name: format!("{lhs}~~{rhs}"),
                })?;
            cells.push((i - 1, j - 1, est, rows[r].free - 1));
        }
    }
    let mut r = DMatrix::identity(k, k);
    for &(i, j, est, _) in &cells {
        r[(i, j)] = est;
        r[(j, i)] = est;
    }
    let n = cells.len();
    if cells.iter().any(|c| c.3 >= out.vcov.nrows()) {
        return Err(CovarianceError::MissingParameter {
            name: "the sampling covariance of the latent correlations".to_string(),
        });
    }
    let v_r = DMatrix::from_fn(n, n, |a, b| out.vcov[(cells[a].3, cells[b].3)]);
    Ok(RgModel { r, v_r })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_lists_loadings_variances_and_covariances() {
        let names = vec!["A".to_string(), "B".to_string(), "C".to_string()];
        let s = rgmodel_syntax(&names);
        assert!(s.starts_with("\nvar1 =~ NA*A + start(.1)*A\n"));
        assert!(s.contains("var3 ~~ 1*var3\nA ~~ 0*A\n"));
        assert!(s.ends_with("var1 ~~ var2\nvar1 ~~ var3\nvar2 ~~ var3\n"));
    }
}
