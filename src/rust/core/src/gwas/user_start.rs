//! Where each userGWAS SNP's fit starts: the base solution with every `factor ~ SNP` effect
//! replaced by its diagonally weighted least-squares value given the factor's loadings
//! (b = sum w l s / (var_SNP sum w l^2), with the SNP-trait covariances s and the weights
//! w = 1/D^2 of those moments) and the SNP variance by this SNP's. The optimum does not depend
//! on the start; a start next to it saves Gauss-Newton iterations.

use nalgebra::DMatrix;

use super::prepared::QSnpTarget;
use crate::sem::partable::{ParOp, ParTable};

/// One `factor ~ SNP` row whose factor's indicators are all traits.
#[derive(Debug, Clone)]
struct FactorPath {
    /// Free-parameter index of the row.
    free: usize,
    traits: Vec<usize>,
    loadings: Vec<f64>,
}

#[derive(Debug, Clone, Default)]
pub struct UserStart {
    paths: Vec<FactorPath>,
    /// Free-parameter index of `SNP ~~ SNP`, when free.
    snp_variance: Option<usize>,
}

impl UserStart {
    /// From the per-SNP model's table, its Q_SNP targets (the factors the SNP predicts, with
    /// their indicators) and the base solution `base`.
    pub fn new(table: &ParTable, targets: &[QSnpTarget], snp: &str, base: &[f64]) -> UserStart {
        let value = |r: usize| match table.rows[r].free.checked_sub(1) {
            Some(j) => base.get(j).copied().unwrap_or(f64::NAN),
            None => table.rows[r].ustart.unwrap_or(f64::NAN),
        };
        let paths = targets
            .iter()
            .filter_map(|target| {
                let traits = target.indicators.clone()?;
                let &[row] = target.rows.as_slice() else {
                    return None;
                };
                let r = &table.rows[row];
                if r.op != ParOp::Regress {
                    return None;
                }
                let free = r.free.checked_sub(1)?;
                let loadings: Vec<f64> = (0..table.rows.len())
                    .filter(|&i| table.rows[i].op == ParOp::Measure && table.rows[i].lhs == r.lhs)
                    .map(value)
                    .collect();
                let usable =
                    loadings.len() == traits.len() && loadings.iter().all(|l| l.is_finite());
                usable.then_some(FactorPath {
                    free,
                    traits,
                    loadings,
                })
            })
            .collect();
        let snp_variance = table
            .rows
            .iter()
            .find(|r| r.op == ParOp::Covary && r.lhs == snp && r.rhs == snp)
            .and_then(|r| r.free.checked_sub(1));
        UserStart {
            paths,
            snp_variance,
        }
    }

    /// The start for a SNP with S_Full `s_full` (SNP first) and V_SNP scales `d`, into `start`.
    pub fn fill(&self, base: &[f64], s_full: &DMatrix<f64>, d: &[f64], start: &mut [f64]) {
        start.copy_from_slice(base);
        let var_snp = s_full[(0, 0)];
        for path in &self.paths {
            let (mut num, mut den) = (0.0, 0.0);
            for (&t, &l) in path.traits.iter().zip(&path.loadings) {
                let w = 1.0 / (d[t] * d[t]);
                num += w * l * s_full[(t + 1, 0)];
                den += w * l * l;
            }
            let b = num / (var_snp * den);
            if b.is_finite() {
                start[path.free] = b;
            }
        }
        if let Some(j) = self.snp_variance {
            start[j] = var_snp;
        }
    }
}
