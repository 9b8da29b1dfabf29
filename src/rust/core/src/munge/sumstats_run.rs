//! `sumstats()` over several files: filter the reference once, process the files in
//! parallel, then join the traits in reference order (dplyr's successive `inner_join`s).

use super::error::MungeError;
use super::reference::Reference;
use super::sumstats_file::{sumstats_file, SumstatsOptions, TraitOutput};
use crate::collections::FxBuild;
use crate::parallel::CancelToken;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub struct SumstatsJob {
    pub input: PathBuf,
    pub label: String,
    pub options: SumstatsOptions,
}

/// The joined table: reference rows (with repeats when SNP ids repeat) and, per trait,
/// beta and se aligned to them.
pub struct SumstatsTable {
    pub reference: Reference,
    pub rows: Vec<usize>,
    pub beta: Vec<Vec<f64>>,
    pub se: Vec<Vec<f64>>,
}

/// Reference rows kept and logged as GenomicSEM does before reading any file.
pub fn prepare_reference(
    path: &Path,
    maf_filter: f64,
    ambig: bool,
) -> Result<Reference, MungeError> {
    let mut reference = Reference::read(path, true)?;
    let maf = reference.maf.unwrap_or(0);
    reference.retain(|r, row| {
        r.columns[maf]
            .get(row)
            .parse::<f64>()
            .is_ok_and(|m| m >= maf_filter)
    });
    if ambig {
        reference.retain(|r, row| {
            !matches!(
                (r.allele1(row), r.allele2(row)),
                ("T", "A") | ("A", "T") | ("C", "G") | ("G", "C")
            )
        });
    }
    Ok(reference)
}

pub fn sumstats_traits(
    jobs: &[SumstatsJob],
    reference: &Reference,
    ref_label: &str,
    cancel: &CancelToken,
) -> Vec<Result<TraitOutput, MungeError>> {
    jobs.par_iter()
        .map(|job| {
            cancel.check()?;
            sumstats_file(
                &job.input,
                &job.label,
                reference,
                ref_label,
                &job.options,
                cancel,
            )
        })
        .collect()
}

/// Join the traits' outputs onto the reference by SNP id, keeping reference order and, for
/// repeated ids, every combination in order (what successive inner joins produce).
pub fn join_traits(reference: Reference, traits: &[TraitOutput]) -> SumstatsTable {
    // Per trait: SNP id -> its first output row, and a chain to further rows with that id
    // (there are several only when the reference repeats an id).
    let indexes: Vec<TraitIndex> = traits
        .iter()
        .map(|t| {
            let mut first: HashMap<&str, usize, FxBuild> =
                HashMap::with_capacity_and_hasher(t.rows.len(), FxBuild::default());
            let mut next = vec![NONE; t.rows.len()];
            for (i, &(row, _, _)) in t.rows.iter().enumerate().rev() {
                if let Some(previous) = first.insert(reference.snp_id(row), i) {
                    next[i] = previous;
                }
            }
            (first, next)
        })
        .collect();
    let k = traits.len();
    let (mut rows, mut beta, mut se) = (Vec::new(), vec![Vec::new(); k], vec![Vec::new(); k]);
    let mut matches: Vec<Vec<usize>> = vec![Vec::new(); k];
    for row in 0..reference.len() {
        let snp = reference.snp_id(row);
        let mut complete = true;
        for (t, (first, next)) in indexes.iter().enumerate() {
            matches[t].clear();
            let mut i = first.get(snp).copied().unwrap_or(NONE);
            while i != NONE {
                matches[t].push(i);
                i = next[i];
            }
            complete &= !matches[t].is_empty();
        }
        if !complete {
            continue;
        }
        // Odometer over the matches of each trait (almost always one each).
        let mut pick = vec![0usize; k];
        loop {
            rows.push(row);
            for t in 0..k {
                let (_, b, s) = traits[t].rows[matches[t][pick[t]]];
                beta[t].push(b);
                se[t].push(s);
            }
            let mut t = k;
            while t > 0 {
                t -= 1;
                pick[t] += 1;
                if pick[t] < matches[t].len() {
                    break;
                }
                pick[t] = 0;
            }
            if pick.iter().all(|&p| p == 0) {
                break;
            }
        }
    }
    SumstatsTable {
        reference,
        rows,
        beta,
        se,
    }
}

const NONE: usize = usize::MAX;

/// SNP id -> first output row of a trait, and the chain to its further rows.
type TraitIndex<'a> = (HashMap<&'a str, usize, FxBuild>, Vec<usize>);
