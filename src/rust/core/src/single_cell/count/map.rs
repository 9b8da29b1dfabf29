//! The cis map of count genes: per gene, its null rebuilt ([`CountGeneScore`], in parallel),
//! then its window's variants read for the gene's donors, summarised, imputed and tested.
//! Unlike quantitative traits the working weights are gene-specific, so nothing is shared
//! across genes (spec section 4: O(m^2) per variant with a GRM, O(m) with K = I).

use super::pql::CountModel;
use super::score::{CountGeneScore, CountNull, CountTest};
use crate::parallel::CancelToken;
use crate::single_cell::association::acat::acat;
use crate::single_cell::association::summary::summarise_and_impute;
use crate::single_cell::association::{
    AssociationError, FilterOptions, GenotypeSource, VariantFilter, VariantSummary,
};
use rayon::prelude::*;

/// One gene to map: its null and its window `start..end` in scan positions.
#[derive(Debug, Clone, Copy)]
pub struct CountMapGene<'a> {
    pub id: usize,
    pub null: CountNull<'a>,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone)]
pub struct CountMapResult {
    pub id: usize,
    pub start: usize,
    pub end: usize,
    pub summaries: Vec<VariantSummary>,
    pub tests: Vec<CountTest>,
    pub num_var: usize,
    pub acat_p: f64,
    /// Offset (from `start`) of the smallest p-value, first on ties.
    pub top: Option<usize>,
}

/// Genes rebuilt in parallel between two cancellation checks.
const GENES_PER_CHUNK: usize = 16;

/// Map `genes`; `donor_rows` is the genotype row of each of the model's donors, `scan` the
/// variant index of each scan position.
pub fn map_count_genes(
    model: &CountModel,
    genes: &[CountMapGene],
    source: &mut GenotypeSource,
    donor_rows: &[usize],
    scan: &[usize],
    filter: &FilterOptions,
    cancel: &CancelToken,
) -> Result<Vec<CountMapResult>, AssociationError> {
    source.check()?;
    if donor_rows.len() != model.n_donors {
        return Err(AssociationError::DimensionMismatch {
            what: "the genotype rows of the fit's donors",
            expected: model.n_donors,
            found: donor_rows.len(),
        });
    }
    let mut out = Vec::with_capacity(genes.len());
    let all_donors: Vec<usize> = (0..model.n_donors).collect();
    for chunk in genes.chunks(GENES_PER_CHUNK) {
        cancel.check()?;
        let scores: Vec<Option<CountGeneScore>> =
            chunk.par_iter().map(|g| CountGeneScore::new(model, &g.null)).collect();
        for (gene, score) in chunk.iter().zip(&scores) {
            let donors = score.as_ref().map_or(&all_donors, |s| &s.donors);
            let rows: Vec<usize> = donors.iter().map(|&d| donor_rows[d]).collect();
            let mut g = vec![0.0; rows.len()];
            let width = gene.end.saturating_sub(gene.start);
            let mut summaries = Vec::with_capacity(width);
            let mut tests = Vec::with_capacity(width);
            for pos in gene.start..gene.end {
                let variant = *scan.get(pos).ok_or(AssociationError::OutOfRange {
                    what: "Scan position",
                    index: pos,
                    limit: scan.len(),
                })?;
                source.read(variant, &rows, &mut g)?;
                let summary = summarise_and_impute(&mut g, filter);
                let test = match (summary.filter, score) {
                    (VariantFilter::Pass, Some(s)) => s.test(&g),
                    _ => CountTest::NA,
                };
                summaries.push(summary);
                tests.push(test);
            }
            let pvalues: Vec<f64> = tests
                .iter()
                .zip(&summaries)
                .filter(|(t, s)| s.filter == VariantFilter::Pass && t.p_value.is_finite())
                .map(|(t, _)| t.p_value)
                .collect();
            let mut top: Option<usize> = None;
            for (j, t) in tests.iter().enumerate() {
                if summaries[j].filter == VariantFilter::Pass && t.p_value.is_finite() {
                    match top {
                        Some(b) if tests[b].p_value <= t.p_value => {}
                        _ => top = Some(j),
                    }
                }
            }
            out.push(CountMapResult {
                id: gene.id,
                start: gene.start,
                end: gene.end,
                summaries,
                tests,
                num_var: pvalues.len(),
                acat_p: acat(&pvalues),
                top,
            });
        }
    }
    Ok(out)
}
