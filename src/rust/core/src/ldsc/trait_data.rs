//! One trait ready for regression: merged with the weights and the LD scores as R's ldsc
//! merges them, ordered by (CHR, BP), and without SNPs whose chi-square exceeds chisq.max.

use super::ld_scores::LdReference;
use super::merge::r_merge;
use super::sumstats::TraitSumstats;

/// Row counts and the chi-square cut-off of one trait, for the log.
#[derive(Debug, Clone, PartialEq)]
pub struct TraitSummary {
    /// Rows left after dropping rows with missing values.
    pub rows_read: usize,
    /// Rows dropped because a value was missing.
    pub rows_missing: usize,
    /// Rows after merging with the weight and LD-score tables.
    pub rows_merged: usize,
    /// The chi-square cut-off used (`chisq.max` or `max(0.001 * max(N), 80)`).
    pub chisq_max: f64,
    /// Rows removed because Z^2 > chisq_max.
    pub rows_removed: usize,
    /// Rows used in the regressions.
    pub rows_used: usize,
}

/// Column vectors of the merged, ordered, filtered rows of one trait.
pub struct TraitData {
    pub keys: Vec<u32>,
    pub n: Vec<f64>,
    pub z: Vec<f64>,
    pub a1: Vec<u32>,
    pub alleles: Vec<Box<str>>,
    pub l2: Vec<f64>,
    pub wld: Vec<f64>,
    /// Row of the LD-score table each row came from (used by stratified regression).
    pub ld_rows: Vec<u32>,
    pub summary: TraitSummary,
}

impl TraitData {
    /// Rows used in the regressions.
    pub fn len(&self) -> usize {
        self.keys.len()
    }
}

/// `merge(y[, c(SNP, N, Z, A1)], w[, c(SNP, wLD)])`, then `merge(., x)`, then
/// `order(CHR, BP)` (stable), then the chi-square filter.
pub fn prepare_trait(
    sumstats: TraitSumstats,
    reference: &LdReference,
    chisq_max: Option<f64>,
) -> TraitData {
    let key_space = reference.index.len();
    let (w_keys, w_values) = reference.weights();
    let ld = &reference.ld;
    // Rows with equal contents may be merged in any order (see `r_merge`).
    let same_sumstats = |a: u32, b: u32| {
        let (a, b) = (a as usize, b as usize);
        sumstats.n[a].to_bits() == sumstats.n[b].to_bits()
            && sumstats.z[a].to_bits() == sumstats.z[b].to_bits()
            && sumstats.a1[a] == sumstats.a1[b]
    };
    let same_weight =
        |a: u32, b: u32| w_values[a as usize].to_bits() == w_values[b as usize].to_bits();
    let with_weights = r_merge(
        &sumstats.keys,
        w_keys,
        key_space,
        same_sumstats,
        same_weight,
    );
    let merged_keys: Vec<u32> = with_weights
        .iter()
        .map(|&(s, _)| sumstats.keys[s as usize])
        .collect();
    let same_merged = |a: u32, b: u32| {
        let (sa, wa) = with_weights[a as usize];
        let (sb, wb) = with_weights[b as usize];
        same_sumstats(sa, sb) && same_weight(wa, wb)
    };
    let same_ld = |a: u32, b: u32| {
        let (a, b) = (a as usize, b as usize);
        ld.chr[a] == ld.chr[b] && ld.bp[a] == ld.bp[b] && ld.l2[a].to_bits() == ld.l2[b].to_bits()
    };
    let with_ld = r_merge(&merged_keys, &ld.keys, key_space, same_merged, same_ld);
    // (sumstats row, weight row, LD row) in R's merge order.
    let mut rows: Vec<(u32, u32, u32)> = with_ld
        .iter()
        .map(|&(m, l)| {
            let (s, w) = with_weights[m as usize];
            (s, w, l)
        })
        .collect();
    rows.sort_by(|a, b| {
        let (la, lb) = (a.2 as usize, b.2 as usize);
        ld.chr[la]
            .total_cmp(&ld.chr[lb])
            .then(ld.bp[la].total_cmp(&ld.bp[lb]))
    });
    let rows_merged = rows.len();
    let cutoff = chisq_max.filter(|c| !c.is_nan()).unwrap_or_else(|| {
        let max_n = rows
            .iter()
            .map(|r| sumstats.n[r.0 as usize])
            .fold(f64::NEG_INFINITY, f64::max);
        (0.001 * max_n).max(80.0)
    });
    rows.retain(|r| {
        let z = sumstats.z[r.0 as usize];
        // NaN Z never gets here (dropped when read), so this is R's `!(Z^2 > chisq.max)`.
        z * z <= cutoff
    });
    let summary = TraitSummary {
        rows_read: sumstats.rows(),
        rows_missing: sumstats.rows_in_file - sumstats.rows(),
        rows_merged,
        chisq_max: cutoff,
        rows_removed: rows_merged - rows.len(),
        rows_used: rows.len(),
    };
    TraitData {
        keys: rows.iter().map(|r| sumstats.keys[r.0 as usize]).collect(),
        n: rows.iter().map(|r| sumstats.n[r.0 as usize]).collect(),
        z: rows.iter().map(|r| sumstats.z[r.0 as usize]).collect(),
        a1: rows.iter().map(|r| sumstats.a1[r.0 as usize]).collect(),
        l2: rows.iter().map(|r| ld.l2[r.2 as usize]).collect(),
        wld: rows.iter().map(|r| w_values[r.1 as usize]).collect(),
        ld_rows: rows.iter().map(|r| r.2).collect(),
        alleles: sumstats.alleles,
        summary,
    }
}
