//! Shared helpers of the ldsc reference suites: reading golden TSVs and comparing.
#![allow(dead_code)]

use gsem_core::ldsc::{ChromosomeSelection, LdscOptions};
use std::path::{Path, PathBuf};

/// Tolerances of the ldsc suites, in one place.
pub mod tolerances {
    /// S, V, I, N, S_Stand and V_Stand against the original's goldens. The original itself
    /// differs between R sessions by up to 5.7e-12 relative in V (extended/checks.txt);
    /// the remaining differences come from BLAS summation order and long-double sums.
    /// Compared element by element, relative to the golden element itself.
    pub const MATRIX_RELATIVE: f64 = 1e-10;
}

/// The original reference set (inputs and goldens), if this machine has it.
pub fn reference_root() -> Option<PathBuf> {
    // GENOMICSEMRS_REFERENCE (as for the R tests), else the project's shared folder.
    let base = std::env::var_os("GENOMICSEMRS_REFERENCE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/work/shared/reference"));
    let root = base.join("genomicsem");
    if root.join("extended").is_dir() && root.join("data/eur_ld_chr").is_dir() {
        Some(root)
    } else {
        eprintln!(
            "skipped: the GenomicSEM reference set is not at {}",
            root.display()
        );
        None
    }
}

/// Bundled compact data (chromosomes 1-5) under tests/data/ldsc.
pub fn bundled() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/ldsc")
}

/// A TSV with a header line and numeric rows; returns (row-major values, rows, columns).
pub fn read_tsv(path: &Path) -> (Vec<f64>, usize, usize) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut values = Vec::new();
    let mut rows = 0;
    let mut cols = 0;
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let fields: Vec<f64> = line
            .split('\t')
            .map(|f| f.trim().parse().unwrap())
            .collect();
        cols = fields.len();
        values.extend(fields);
        rows += 1;
    }
    (values, rows, cols)
}

/// A square golden matrix in column-major order (goldens are symmetric or written row-wise).
pub fn read_matrix(path: &Path) -> (Vec<f64>, usize) {
    let (row_major, rows, cols) = read_tsv(path);
    assert_eq!(rows, cols, "{} is not square", path.display());
    let mut col_major = vec![0.0; rows * cols];
    for r in 0..rows {
        for c in 0..cols {
            col_major[r + c * rows] = row_major[r * cols + c];
        }
    }
    (col_major, rows)
}

/// Largest difference relative to each golden element (absolute where the golden is 0).
pub fn max_relative_difference(ours: &[f64], golden: &[f64]) -> f64 {
    assert_eq!(ours.len(), golden.len(), "lengths differ");
    ours.iter()
        .zip(golden)
        .map(|(a, b)| {
            let scale = b.abs();
            if scale == 0.0 {
                (a - b).abs()
            } else {
                (a - b).abs() / scale
            }
        })
        .fold(0.0, f64::max)
}

pub fn assert_close(what: &str, ours: &[f64], golden: &[f64]) -> f64 {
    let d = max_relative_difference(ours, golden);
    eprintln!("{what}: max relative difference {d:.3e}");
    assert!(
        d <= tolerances::MATRIX_RELATIVE,
        "{what}: max relative difference {d:e}"
    );
    d
}

/// The reference calls' options (see extended/calls.R): five traits, T1 and T2 binary.
pub fn reference_options(munged: &Path, ld: &Path, wld: &Path) -> LdscOptions {
    let traits = (1..=5)
        .map(|t| munged.join(format!("T{t}.sumstats.gz")))
        .collect();
    let mut o = LdscOptions::new(traits, ld.to_path_buf(), wld.to_path_buf());
    o.sample_prev = vec![Some(0.5), Some(25000.0 / 60000.0), None, None, None];
    o.population_prev = vec![Some(0.15), Some(0.01), None, None, None];
    o.stand = true;
    o.select = ChromosomeSelection::All;
    o
}

/// The golden log's own time stamps, so that everything else can be compared verbatim:
/// (began_at, finished_at, elapsed seconds).
pub fn golden_log_times(log: &str) -> (String, String, f64) {
    let after = |marker: &str| {
        log.lines()
            .find_map(|l| l.split_once(marker).map(|(_, rest)| rest.to_owned()))
            .unwrap_or_default()
    };
    let took = after("Running LDSC for all files took ");
    let words: Vec<&str> = took.split_whitespace().collect();
    let minutes: f64 = words.first().and_then(|w| w.parse().ok()).unwrap_or(0.0);
    let seconds: f64 = words.get(3).and_then(|w| w.parse().ok()).unwrap_or(0.0);
    (
        after(" began at: "),
        after("LDSC finished running at "),
        minutes * 60.0 + seconds + 0.5,
    )
}

/// Render our log with the golden's labels and times and compare line by line.
pub fn assert_log_matches(
    result: &gsem_core::ldsc::LdscResult,
    golden_path: &Path,
    trait_files: Vec<String>,
    trait_names: Option<Vec<String>>,
    skip_line: impl Fn(&str) -> bool,
) {
    use gsem_core::ldsc::log::{log_text, render_log, LogLabels};
    let golden = std::fs::read_to_string(golden_path).unwrap();
    let (began_at, finished_at, elapsed_seconds) = golden_log_times(&golden);
    let labels = LogLabels {
        trait_files,
        trait_names,
        began_at,
        finished_at,
        elapsed_seconds,
    };
    let ours = log_text(&render_log(result, &labels));
    let ours: Vec<&str> = ours.lines().collect();
    let theirs: Vec<&str> = golden.lines().collect();
    assert_eq!(
        ours.len(),
        theirs.len(),
        "line counts differ for {}",
        golden_path.display()
    );
    let mut compared = 0;
    for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
        if skip_line(b) {
            continue;
        }
        assert_eq!(a, b, "{} line {}", golden_path.display(), i + 1);
        compared += 1;
    }
    eprintln!(
        "{}: {compared} of {} lines identical",
        golden_path.display(),
        theirs.len()
    );
}
