//! `sumstats()` over several files: filter the reference once, process the files in
//! parallel, then join the traits in reference order (dplyr's successive `inner_join`s).

use super::error::MungeError;
use super::reference::Reference;
use super::sumstats_file::{sumstats_file, SumstatsOptions, TraitOutput};
use crate::parallel::CancelToken;
use rayon::prelude::*;
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
    Reference::read_where(path, true, |row| {
        row.maf().parse::<f64>().is_ok_and(|m| m >= maf_filter)
            && !(ambig
                && matches!(
                    (row.allele1(), row.allele2()),
                    ("T", "A") | ("A", "T") | ("C", "G") | ("G", "C")
                ))
    })
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
    let n = reference.len();
    // Per trait: reference id group (first reference row with the id) -> first output row
    // with that id, and a chain to its further output rows (several only when the reference
    // repeats an id). Plain arrays indexed by reference row: no hashing, and the main loop
    // below reads them in order.
    let chains: Vec<(Vec<u32>, Vec<u32>)> = traits
        .iter()
        .map(|t| {
            let mut first = vec![END; n];
            let mut next = vec![END; t.rows.len()];
            for (i, &(row, _, _)) in t.rows.iter().enumerate().rev() {
                let group = reference.group(row);
                next[i] = first[group];
                first[group] = i as u32;
            }
            (first, next)
        })
        .collect();
    let k = traits.len();
    let capacity = traits.iter().map(|t| t.rows.len()).min().unwrap_or(n);
    let mut rows = Vec::with_capacity(capacity);
    let mut beta = vec![Vec::with_capacity(capacity); k];
    let mut se = vec![Vec::with_capacity(capacity); k];
    let (mut heads, mut pick) = (vec![0u32; k], vec![0u32; k]);
    'rows: for row in 0..n {
        let group = reference.group(row);
        let mut single = true;
        for (t, (first, next)) in chains.iter().enumerate() {
            let i = first[group];
            if i == END {
                continue 'rows;
            }
            heads[t] = i;
            single &= next[i as usize] == END;
        }
        pick.copy_from_slice(&heads);
        // Odometer over the matches of each trait, the last trait turning fastest (almost
        // always one match each: `single`).
        'combinations: loop {
            rows.push(row);
            for (t, trait_output) in traits.iter().enumerate() {
                let (_, b, s) = trait_output.rows[pick[t] as usize];
                beta[t].push(b);
                se[t].push(s);
            }
            if single {
                break;
            }
            for t in (0..k).rev() {
                let further = chains[t].1[pick[t] as usize];
                if further != END {
                    pick[t] = further;
                    continue 'combinations;
                }
                pick[t] = heads[t];
            }
            break;
        }
    }
    SumstatsTable {
        reference,
        rows,
        beta,
        se,
    }
}

const END: u32 = u32::MAX;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::munge::Log;

    fn output(rows: Vec<(usize, f64, f64)>) -> TraitOutput {
        TraitOutput {
            rows,
            log: Log::default(),
            malformed: Vec::new(),
            overlong_rows: 0,
        }
    }

    #[test]
    fn repeated_reference_ids_join_as_successive_inner_joins() {
        let path = std::env::temp_dir().join(format!("gsem-join-{}.txt", std::process::id()));
        let table = "SNP\tCHR\tBP\tMAF\tA1\tA2\nrs1\t1\t1\t0.1\tA\tC\nrs2\t1\t2\t0.2\tA\tC\n\
                     rs1\t1\t3\t0.3\tA\tC\nrs3\t1\t4\t0.4\tA\tC\n";
        std::fs::write(&path, table).unwrap();
        let reference = prepare_reference(&path, 0.0, false).unwrap();
        std::fs::remove_file(&path).unwrap();
        let a = output(vec![
            (0, 1.0, 0.1),
            (1, 2.0, 0.2),
            (2, 3.0, 0.3),
            (3, 4.0, 0.4),
        ]);
        let b = output(vec![(0, 10.0, 1.0), (1, 20.0, 2.0), (2, 30.0, 3.0)]);
        let joined = join_traits(reference, &[a, b]);
        // inner_join(inner_join(ref, a, "SNP"), b, "SNP"): reference order, then a's matches
        // in a's order, then b's; rs3 is missing from b.
        assert_eq!(joined.rows, [0, 0, 0, 0, 1, 2, 2, 2, 2]);
        assert_eq!(
            joined.beta[0],
            [1.0, 1.0, 3.0, 3.0, 2.0, 1.0, 1.0, 3.0, 3.0]
        );
        assert_eq!(
            joined.beta[1],
            [10.0, 30.0, 10.0, 30.0, 20.0, 10.0, 30.0, 10.0, 30.0]
        );
        assert_eq!(joined.se[1], [1.0, 3.0, 1.0, 3.0, 2.0, 1.0, 3.0, 1.0, 3.0]);
    }
}
