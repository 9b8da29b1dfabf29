//! Everything that can stop `ldsc()`, each variant naming the file, trait or argument at fault.

use crate::error::{self, Classed};
use crate::io::IoError;
use std::fmt;
use std::path::PathBuf;

#[derive(Debug)]
pub enum LdscError {
    /// `traits` was empty.
    NoTraits,
    /// `sample.prev` or `population.prev` does not have one entry per trait.
    PrevalenceLength {
        argument: &'static str,
        got: usize,
        expected: usize,
    },
    /// A prevalence is not strictly between 0 and 1.
    PrevalenceRange {
        argument: &'static str,
        trait_index: usize,
        value: f64,
    },
    /// `n.blocks` below 2 (the jackknife needs at least two blocks).
    TooFewBlocks { n_blocks: usize },
    /// `select` asked for no chromosome at all.
    NoChromosomes,
    /// An LD-score, weight or M file that the selection needs is absent.
    MissingLdFile {
        path: PathBuf,
        folder_argument: &'static str,
    },
    /// A required column is missing from a file's header.
    MissingColumn { path: PathBuf, column: String },
    /// A value that must be a number (or present) is not.
    BadValue {
        path: PathBuf,
        line: u64,
        column: String,
        value: String,
    },
    /// No SNP of a trait file is in the LD-score files.
    NoOverlap { path: PathBuf },
    /// Fewer SNPs than the block jackknife needs (`n.blocks + 1`).
    TooFewSnps {
        what: String,
        n_snps: usize,
        n_blocks: usize,
    },
    /// A (delete-one-block) regression has a singular cross-product matrix.
    SingularRegression { what: String },
    /// Reading a file failed.
    Io(IoError),
    /// The caller's cancel token was set.
    Cancelled,
}

impl From<IoError> for LdscError {
    fn from(e: IoError) -> Self {
        LdscError::Io(e)
    }
}

impl From<error::Cancelled> for LdscError {
    fn from(_: error::Cancelled) -> Self {
        LdscError::Cancelled
    }
}

impl fmt::Display for LdscError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use LdscError::*;
        match self {
            NoTraits => f.write_str("No trait files were given: pass at least one munged `.sumstats.gz` file in `traits`."),
            PrevalenceLength { argument, got, expected } => write!(
                f,
                "`{argument}` has {got} values but there are {expected} traits: give one value per trait (NA for continuous traits)."
            ),
            PrevalenceRange { argument, trait_index, value } => write!(
                f,
                "`{argument}` for trait {} is {value}, but a prevalence must lie strictly between 0 and 1 (use NA for continuous traits).",
                trait_index + 1
            ),
            TooFewBlocks { n_blocks } => write!(
                f,
                "`n.blocks` is {n_blocks}, but the block jackknife needs at least 2 blocks."
            ),
            NoChromosomes => f.write_str("`select` names no chromosome: give FALSE, \"ODD\", \"EVEN\" or chromosome numbers."),
            MissingLdFile { path, folder_argument } => write!(
                f,
                "File '{}' does not exist: the `{folder_argument}` folder must hold <chr>.l2.ldscore.gz and <chr>.l2.M_5_50 for every selected chromosome (check `{folder_argument}`, `chr` and `select`).",
                path.display()
            ),
            MissingColumn { path, column } => write!(
                f,
                "File '{}' has no column '{column}': LD-score files need SNP, CHR, BP and L2; munged files need SNP, N, Z and A1.",
                path.display()
            ),
            BadValue { path, line, column, value } => write!(
                f,
                "File '{}', line {line}: column '{column}' holds '{value}', which is not a usable number. Fix or remove that line.",
                path.display()
            ),
            NoOverlap { path } => write!(
                f,
                "No SNP of '{}' is in the LD-score files: check that the file is a munged summary-statistics file with rsIDs, and that `ld` and `select` cover its chromosomes.",
                path.display()
            ),
            TooFewSnps { what, n_snps, n_blocks } => write!(
                f,
                "Only {n_snps} SNPs remain for {what}, too few for {n_blocks} jackknife blocks (at least {} needed): lower `n.blocks` or use more SNPs.",
                n_blocks + 1
            ),
            SingularRegression { what } => write!(
                f,
                "The LD-score regression for {what} is singular (all LD scores in a jackknife subset are equal?): check the LD-score files or lower `n.blocks`."
            ),
            Io(e) => e.fmt(f),
            Cancelled => error::Cancelled.fmt(f),
        }
    }
}

impl std::error::Error for LdscError {}

impl Classed for LdscError {
    fn class(&self) -> &'static str {
        use LdscError::*;
        match self {
            NoTraits
            | PrevalenceLength { .. }
            | PrevalenceRange { .. }
            | TooFewBlocks { .. }
            | NoChromosomes => "ldsc_argument",
            MissingLdFile { .. } | MissingColumn { .. } | BadValue { .. } => "ldsc_input",
            NoOverlap { .. } | TooFewSnps { .. } | SingularRegression { .. } => "ldsc_data",
            Io(e) => e.class(),
            Cancelled => error::Cancelled.class(),
        }
    }
}
