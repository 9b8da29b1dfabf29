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
    // Per trait: (id group, output row) in order, the group being the first reference row
    // with the id. Output rows are in reference order, so unless the reference repeats ids
    // this is already sorted (and the sort only checks it). No hashing, and memory in
    // proportion to the output.
    let by_group: Vec<Vec<(usize, usize)>> = traits
        .iter()
        .map(|t| {
            let mut entries: Vec<(usize, usize)> = t
                .rows
                .iter()
                .enumerate()
                .map(|(i, &(row, _, _))| (reference.group(row), i))
                .collect();
            entries.sort_unstable();
            entries
        })
        .collect();
    let k = traits.len();
    let capacity = traits.iter().map(|t| t.rows.len()).min().unwrap_or(0);
    let mut rows = Vec::with_capacity(capacity);
    let mut beta = vec![Vec::with_capacity(capacity); k];
    let mut se = vec![Vec::with_capacity(capacity); k];
    let (mut cursors, mut ranges, mut pick) = (vec![0; k], vec![(0, 0); k], vec![0; k]);
    'rows: for row in 0..reference.len() {
        let group = reference.group(row);
        for (t, entries) in by_group.iter().enumerate() {
            let start = if group == row {
                // First rows of their ids come in increasing order: a cursor per trait.
                let cursor = &mut cursors[t];
                while entries.get(*cursor).is_some_and(|e| e.0 < group) {
                    *cursor += 1;
                }
                *cursor
            } else {
                // A repeated id, met again: look its matches up.
                entries.partition_point(|e| e.0 < group)
            };
            let matches = entries[start..].iter().take_while(|e| e.0 == group).count();
            if matches == 0 {
                continue 'rows;
            }
            ranges[t] = (start, start + matches);
        }
        // Odometer over the matches of each trait, the last trait turning fastest (almost
        // always one match each).
        for (p, range) in pick.iter_mut().zip(&ranges) {
            *p = range.0;
        }
        'combinations: loop {
            rows.push(row);
            for (t, trait_output) in traits.iter().enumerate() {
                let (_, b, s) = trait_output.rows[by_group[t][pick[t]].1];
                beta[t].push(b);
                se[t].push(s);
            }
            for t in (0..k).rev() {
                pick[t] += 1;
                if pick[t] < ranges[t].1 {
                    continue 'combinations;
                }
                pick[t] = ranges[t].0;
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

    /// The reference panel of these tests: rs1 twice (rows 0 and 2). `test` keeps the files
    /// of tests running at the same time apart.
    fn repeating_reference(test: &str) -> Reference {
        let path = std::env::temp_dir().join(format!("gsem-{test}-{}.txt", std::process::id()));
        let table = "SNP\tCHR\tBP\tMAF\tA1\tA2\nrs1\t1\t1\t0.1\tA\tC\nrs2\t1\t2\t0.2\tA\tC\n\
                     rs1\t1\t3\t0.3\tA\tC\nrs3\t1\t4\t0.4\tA\tC\n";
        std::fs::write(&path, table).unwrap();
        let reference = prepare_reference(&path, 0.0, false).unwrap();
        std::fs::remove_file(&path).unwrap();
        reference
    }

    #[test]
    fn a_file_row_joins_every_reference_row_with_its_id() {
        let reference = repeating_reference("file-join");
        let path = std::env::temp_dir().join(format!("gsem-join-gwas-{}.txt", std::process::id()));
        let gwas = "SNP\tA1\tA2\tBETA\tSE\tP\nrs3\tA\tC\t0.3\t0.1\t0.01\n\
                    rs1\tA\tC\t0.1\t0.1\t0.2\nrs2\tC\tA\t-0.2\t0.1\t0.05\n";
        std::fs::write(&path, gwas).unwrap();
        let options = SumstatsOptions {
            n: None,
            keep_indel: false,
            ols: false,
            linprob: false,
            se_logit: true,
            betas_given: false,
            info_filter: 0.6,
            direct_filter: false,
            trait_name: "T".to_owned(),
        };
        let job = SumstatsJob {
            input: path.clone(),
            label: "gwas".to_owned(),
            options,
        };
        let out = sumstats_traits(&[job], &reference, "ref", &CancelToken::new());
        std::fs::remove_file(&path).unwrap();
        let rows = &out[0].as_ref().unwrap().rows;
        // inner_join(ref, file, "SNP") in reference order: rs1 at rows 0 and 2 from the same
        // file row, each with its own reference MAF; rs2's alleles are swapped (flip).
        let at: Vec<usize> = rows.iter().map(|r| r.0).collect();
        assert_eq!(at, [0, 1, 2, 3]);
        // se.logit: beta = b / d, se = s / d, d = sqrt(b^2 varSNP + pi^2 / 3), varSNP = 2 MAF (1 - MAF).
        let den = |b: f64, maf: f64| {
            (b * b * 2.0 * maf * (1.0 - maf) + std::f64::consts::PI.powi(2) / 3.0).sqrt()
        };
        let expected = [(0.1, 0.1), (0.2, 0.2), (0.1, 0.3), (0.3, 0.4)];
        for (row, (b, maf)) in rows.iter().zip(expected) {
            assert!((row.1 - b / den(b, maf)).abs() < 1e-15, "{row:?}");
            assert!((row.2 - 0.1 / den(b, maf)).abs() < 1e-15, "{row:?}");
        }
    }

    #[test]
    fn repeated_reference_ids_join_as_successive_inner_joins() {
        let reference = repeating_reference("trait-join");
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
