//! Per-variant genotype summaries over the donors of one cell group (spec step 2, section 1),
//! the filter, and mean imputation of missing calls. The summaries do not depend on the gene,
//! so they are computed once per variant and cell group.

/// Why a variant is not tested.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VariantFilter {
    Pass,
    /// MAC below `min_mac` (0 = monomorphic among the observed calls).
    Monomorphic,
    /// MissingRate above `max_missing`.
    MissingRate,
}

impl VariantFilter {
    pub fn code(self) -> &'static str {
        match self {
            VariantFilter::Pass => "pass",
            VariantFilter::Monomorphic => "monomorphic",
            VariantFilter::MissingRate => "missing_rate",
        }
    }
}

/// Genotype summaries of one variant over the group's donors.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VariantSummary {
    /// Sum of the observed dosages of Allele2.
    pub ac: f64,
    pub af: f64,
    pub missing_rate: f64,
    pub mac: f64,
    pub maf: f64,
    /// Donors carrying at least one copy of the minor allele.
    pub ma_samples: f64,
    pub filter: VariantFilter,
}

/// The filters' thresholds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FilterOptions {
    pub min_mac: f64,
    pub max_missing: f64,
}

/// Summarise `g` (the group's donors, NaN = missing) and replace missing calls by the mean
/// dosage 2 AF in place. A variant without any observed call is all missing (MissingRate 1).
pub fn summarise_and_impute(g: &mut [f64], options: &FilterOptions) -> VariantSummary {
    let n = g.len() as f64;
    let (mut ac, mut observed) = (0.0, 0usize);
    for &v in g.iter() {
        if !v.is_nan() {
            ac += v;
            observed += 1;
        }
    }
    let n_obs = observed as f64;
    let af = if observed > 0 {
        ac / (2.0 * n_obs)
    } else {
        f64::NAN
    };
    let mac = if observed > 0 {
        ac.min(2.0 * n_obs - ac)
    } else {
        0.0
    };
    let maf = if observed > 0 {
        af.min(1.0 - af)
    } else {
        f64::NAN
    };
    // The minor allele is Allele2 when AF <= 0.5 (the tie counts carriers of Allele2).
    let ma_samples = g
        .iter()
        .filter(|v| !v.is_nan())
        .filter(|&&v| if af <= 0.5 { v > 0.0 } else { v < 2.0 })
        .count() as f64;
    let missing_rate = 1.0 - n_obs / n;
    let filter = if missing_rate > options.max_missing {
        VariantFilter::MissingRate
    } else if mac.is_nan() || mac < options.min_mac || mac == 0.0 {
        VariantFilter::Monomorphic
    } else {
        VariantFilter::Pass
    };
    if observed < g.len() {
        let fill = if observed > 0 { 2.0 * af } else { 0.0 };
        g.iter_mut().filter(|v| v.is_nan()).for_each(|v| *v = fill);
    }
    VariantSummary {
        ac,
        af,
        missing_rate,
        mac,
        maf: if mac == 0.0 { 0.0 } else { maf },
        ma_samples,
        filter,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFAULTS: FilterOptions = FilterOptions {
        min_mac: 1.0,
        max_missing: 0.15,
    };

    #[test]
    fn summaries_follow_the_spec_and_impute_the_mean() {
        let mut g = [0.0, 1.0, 2.0, f64::NAN, 2.0];
        let s = summarise_and_impute(&mut g, &DEFAULTS);
        assert_eq!(s.ac, 5.0);
        assert_eq!(s.af, 5.0 / 8.0);
        assert_eq!(s.mac, 3.0);
        assert_eq!(s.maf, 3.0 / 8.0);
        // Allele1 is minor: carriers are donors with dosage < 2 among the observed.
        assert_eq!(s.ma_samples, 2.0);
        // 1 - n_obs / N, as the reference computes it (not 1 / 5).
        assert_eq!(s.missing_rate, 1.0 - 4.0 / 5.0);
        assert_eq!(s.filter, VariantFilter::MissingRate);
        assert_eq!(g[3], 1.25);
    }

    #[test]
    fn monomorphic_variants_fail_the_mac_filter() {
        let mut g = [2.0, 2.0, 2.0, 2.0];
        let s = summarise_and_impute(&mut g, &DEFAULTS);
        assert_eq!((s.mac, s.maf, s.ma_samples), (0.0, 0.0, 0.0));
        assert_eq!(s.filter, VariantFilter::Monomorphic);
        let mut g = [0.0, 1.0, 0.0, 0.0];
        assert_eq!(
            summarise_and_impute(&mut g, &DEFAULTS).filter,
            VariantFilter::Pass
        );
    }
}
