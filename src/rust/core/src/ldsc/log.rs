//! The text of GenomicSEM's ldsc log, line by line, numbers formatted as R formats them.
//!
//! R prints most lines to the console as well; [`LogLine::console`] says which. Times are
//! supplied by the caller (R formats them in the user's time zone).

use super::assemble::vech_positions;
use super::LdscResult;
use crate::rmath::{format_digits, format_r15, pnorm_upper, r_mean, round_digits};

/// One line of the log (without the newline).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub text: String,
    /// R's `.LOG(..., print = TRUE)`: also shown on the console.
    pub console: bool,
}

/// What the log shows besides the result.
#[derive(Debug, Clone)]
pub struct LogLabels {
    /// `traits` exactly as the user passed them.
    pub trait_files: Vec<String>,
    /// `trait.names`, if given.
    pub trait_names: Option<Vec<String>>,
    /// `format(Sys.time())` at the start and at the end.
    pub began_at: String,
    pub finished_at: String,
    pub elapsed_seconds: f64,
}

struct Log(Vec<LogLine>);

impl Log {
    fn say(&mut self, text: impl Into<String>) {
        self.0.push(LogLine {
            text: text.into(),
            console: true,
        });
    }

    fn quiet(&mut self, text: &str) {
        self.0.push(LogLine {
            text: text.to_owned(),
            console: false,
        });
    }
}

/// `round(x, 4)` pasted.
fn r4(x: f64) -> String {
    format_r15(round_digits(x, 4))
}

const SPACER: &str = "     ";

/// The whole log, as the original writes it.
pub fn render_log(result: &LdscResult, labels: &LogLabels) -> Vec<LogLine> {
    let mut lines = render_results(result, labels);
    lines.extend(render_finish(&labels.finished_at, labels.elapsed_seconds));
    lines
}

/// The log up to the results (everything but the closing time stamp and duration, which the
/// caller may only know after this returns; `finished_at`/`elapsed_seconds` are ignored).
pub fn render_results(result: &LdscResult, labels: &LogLabels) -> Vec<LogLine> {
    let k = result.n_traits;
    // One label per trait even if the caller passed too few.
    let files: Vec<String> = (0..k)
        .map(|j| {
            labels
                .trait_files
                .get(j)
                .cloned()
                .unwrap_or_else(|| format!("trait {}", j + 1))
        })
        .collect();
    let files = &files;
    let mut log = Log(Vec::new());
    log.say(format!(
        "Multivariate ld-score regression of {k} traits ({}) began at: {}",
        files.join(" "),
        labels.began_at
    ));
    if k > 18 {
        log.quiet(SPACER);
        log.say(format!("Setting the number of blocks used to perform the block jacknife used to estimate the sampling covariance matrix (V) to {}", result.n_blocks));
        log.say("This reflects the need to estimate V using at least one more block then their are nonredundant elements in the genetic covariance matrix that includes individual SNPs.");
        log.say("If the n.blocks is > 1000 you should carefully inspect output for any strange results, such as extremely significant Q_SNP estimates.");
        log.quiet(SPACER);
    }
    log.say("Reading in LD scores");
    for (j, t) in result.traits.iter().enumerate() {
        log.say(format!(
            "Read in summary statistics [{}/{k}] from: {}",
            j + 1,
            files[j]
        ));
        log.say(format!(
            "Out of {} SNPs, {} remain after merging with LD-score files",
            t.rows_read, t.rows_merged
        ));
        log.say(format!(
            "Removing {} SNPs with Chi^2 > {}; {} remain",
            t.rows_removed,
            format_r15(t.chisq_max),
            t.rows_used
        ));
    }
    let n_v = result.cells.len();
    for (s, cell) in result.cells.iter().enumerate() {
        let (a, b) = (cell.trait_a, cell.trait_b);
        let z = cell.estimate / cell.se;
        if a == b {
            log.quiet("          ");
            log.say(format!(
                "Estimating heritability [{}/{n_v}] for: {}",
                s + 1,
                files[a]
            ));
            if result.liability_converted.get(a).copied().unwrap_or(false) {
                log.quiet(SPACER);
                log.say(format!("Please note that the results initially printed to the screen and log file reflect the NON-liability h2 and cov_g. However, a liability conversion is being used for trait {} when creating the genetic covariance matrix used as input for Genomic SEM and liability scale results are printed at the end of the log file.", files[a]));
                log.quiet(SPACER);
            }
            let excess = cell.mean_chi2 - 1.0;
            log.say(format!("Heritability Results for trait: {}", files[a]));
            log.say(format!(
                "Mean Chi^2 across remaining SNPs: {}",
                r4(cell.mean_chi2)
            ));
            log.say(format!(
                "Lambda GC: {}",
                r4(cell.lambda_gc.unwrap_or(f64::NAN))
            ));
            log.say(format!(
                "Intercept: {} ({})",
                r4(cell.intercept),
                r4(cell.intercept_se)
            ));
            log.say(format!(
                "Ratio: {} ({})",
                r4((cell.intercept - 1.0) / excess),
                r4(cell.intercept_se / excess)
            ));
            log.say(format!(
                "Total Observed Scale h2: {} ({})",
                r4(cell.estimate),
                r4(cell.se)
            ));
            log.say(format!("h2 Z: {}", format_digits(z, 3)));
        } else {
            log.quiet(SPACER);
            log.say(format!(
                "Calculating genetic covariance [{}/{n_v}] for traits: {} and {}",
                s + 1,
                files[a],
                files[b]
            ));
            log.say(format!(
                "{} SNPs remain after merging {} and {} summary statistics",
                cell.n_snps, files[a], files[b]
            ));
            log.say(format!(
                "Results for genetic covariance between: {} and {}",
                files[a], files[b]
            ));
            log.say(format!("Mean Z*Z: {}", r4(cell.mean_chi2)));
            log.say(format!(
                "Cross trait Intercept: {} ({})",
                r4(cell.intercept),
                r4(cell.intercept_se)
            ));
            log.say(format!(
                "Total Observed Scale Genetic Covariance (g_cov): {} ({})",
                r4(cell.estimate),
                r4(cell.se)
            ));
            log.say(format!("g_cov Z: {}", format_digits(z, 3)));
            log.say(format!(
                "g_cov P-value: {}",
                format_digits(2.0 * pnorm_upper(z.abs()), 5)
            ));
        }
    }
    let names: Vec<String> = match &labels.trait_names {
        Some(names) => (0..k)
            .map(|j| names.get(j).unwrap_or(&files[j]).clone())
            .collect(),
        None => files.clone(),
    };
    let positions = vech_positions(k);
    let vech_se = |v: &[f64], r: usize, c: usize| -> f64 {
        let kst = positions.len();
        positions
            .iter()
            .position(|&p| p == (r, c))
            .map_or(f64::NAN, |i| v[i + i * kst].sqrt())
    };
    if r_mean(&result.liability_factors) != 1.0 {
        log.quiet(SPACER);
        log.quiet("      ");
        log.say("Liability Scale Results");
        for j in 0..k {
            log.quiet(SPACER);
            log.say(format!("Liability scale results for: {}", names[j]));
            log.say(format!(
                "Total Liability Scale h2: {} ({})",
                r4(result.s[j + j * k]),
                r4(vech_se(&result.v, j, j))
            ));
            for l in j + 1..k {
                log.say(format!(
                    "Total Liability Scale Genetic Covariance between {} and {}: {} ({})",
                    names[j],
                    names[l],
                    r4(result.s[l + j * k]),
                    r4(vech_se(&result.v, l, j))
                ));
                log.quiet(SPACER);
            }
        }
    }
    match result.standardized() {
        Some((s_stand, v_stand)) => {
            log.quiet(SPACER);
            log.quiet("      ");
            log.say("Genetic Correlation Results");
            for j in 0..k {
                for l in j + 1..k {
                    log.say(format!(
                        "Genetic Correlation between {} and {}: {} ({})",
                        names[j],
                        names[l],
                        r4(s_stand[l + j * k]),
                        r4(vech_se(v_stand, l, j))
                    ));
                    log.quiet(SPACER);
                }
            }
        }
        None => {
            log.quiet("Your genetic covariance matrix includes traits estimated to have a negative heritability.");
            log.say("Genetic correlation results could not be computed due to negative heritability estimates.");
        }
    }
    log.0
}

/// The closing lines: when the run finished and how long it took, in whole minutes and
/// seconds as the original rounds them.
pub fn render_finish(finished_at: &str, elapsed_seconds: f64) -> Vec<LogLine> {
    let mut log = Log(Vec::new());
    let total = elapsed_seconds.max(0.0);
    let minutes = (total.floor() / 60.0).floor();
    let seconds = (total - minutes * 60.0).floor();
    log.quiet(SPACER);
    log.say(format!("LDSC finished running at {finished_at}"));
    log.say(format!(
        "Running LDSC for all files took {} minutes and {} seconds",
        format_r15(minutes),
        format_r15(seconds)
    ));
    log.quiet(SPACER);
    log.0
}

/// The log as R writes it to `<name>_ldsc.log`: every line followed by a newline.
pub fn log_text(lines: &[LogLine]) -> String {
    let mut text = String::new();
    for line in lines {
        text.push_str(&line.text);
        text.push('\n');
    }
    text
}
