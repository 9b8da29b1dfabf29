//! The consistency checks of one cell group's map inputs before anything is read: the donors'
//! genotype rows, the scan order, each gene's window, explicit pairs and null statistics.

use super::genotypes::GenotypeSource;
use super::task::GeneTask;
use super::AssociationError;
use crate::single_cell::DonorEigensystem;

pub(super) fn check_inputs(
    sys: &DonorEigensystem,
    donor_rows: &[usize],
    source: &GenotypeSource<'_>,
    scan: &[usize],
    genes: &[GeneTask<'_>],
) -> Result<(), AssociationError> {
    use AssociationError::*;
    source.check()?;
    let (m, p) = (sys.n_donors, sys.n_columns);
    if donor_rows.len() != m {
        let what = "the genotype rows of the donors (one per stage-1 donor)";
        return Err(DimensionMismatch {
            what,
            expected: m,
            found: donor_rows.len(),
        });
    }
    let limit = source.n_samples();
    if let Some(&index) = donor_rows.iter().find(|&&r| r >= limit) {
        return Err(OutOfRange {
            what: "Genotype row",
            index,
            limit,
        });
    }
    let limit = source.n_variants();
    if let Some(&index) = scan.iter().find(|&&v| v >= limit) {
        return Err(OutOfRange {
            what: "Variant",
            index,
            limit,
        });
    }
    for g in genes {
        if g.start > g.end || g.end > scan.len() {
            return Err(OutOfRange {
                what: "Window end",
                index: g.end.saturating_sub(1),
                limit: scan.len(),
            });
        }
        if let Some(v) = g.variants {
            let inside = v.iter().all(|&x| x >= g.start && x < g.end);
            if !inside || v.windows(2).any(|w| w[0] >= w[1]) {
                return Err(BadSelection { gene: g.id });
            }
        }
        if g.stats.len() < m + p {
            let what = "the null-fit statistics of a gene (donors + covariates + 1)";
            return Err(DimensionMismatch {
                what,
                expected: m + p + 1,
                found: g.stats.len(),
            });
        }
    }
    Ok(())
}
