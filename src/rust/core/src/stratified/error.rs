//! Everything that can stop `s_ldsc()`, each variant naming the file, prefix or argument at
//! fault and what to do about it.

use crate::error::{self, Classed};
use crate::io::IoError;
use crate::ldsc::LdscError;
use std::fmt;
use std::path::PathBuf;

#[derive(Debug)]
pub enum StratifiedError {
    /// A file prefix (`ld`, `wld`, `frq`) matched no file of a kind.
    NoFiles {
        argument: &'static str,
        prefix: String,
        pattern: &'static str,
    },
    /// One file set lacks a chromosome another set has.
    MissingChromosome {
        prefix: String,
        kind: &'static str,
        chromosome: String,
        other: String,
    },
    /// A required column is absent.
    MissingColumn {
        path: PathBuf,
        column: String,
    },
    /// A value that must be a number is not.
    BadValue {
        path: PathBuf,
        line: u64,
        column: String,
        value: String,
    },
    /// Annotation columns differ between two files of one prefix.
    ColumnsDiffer {
        path: PathBuf,
        first: PathBuf,
    },
    /// The M_5_50 files and the LD-score files disagree on the number of annotations.
    AnnotationCount {
        prefix: String,
        ld_scores: usize,
        m: usize,
        annot: Option<usize>,
    },
    /// Fewer than two annotations.
    SingleAnnotation {
        n: usize,
    },
    /// No `base` annotation (its L2 column `baseL2` is needed for the covariance regressions).
    NoBase,
    /// Rows of an annotation file do not line up with its LD scores or frequencies.
    RowsMisaligned {
        path: PathBuf,
        detail: String,
    },
    /// Nothing left after exclusions.
    NoBinaryAnnotation,
    /// Shared ldsc machinery (trait files, jackknife).
    Ldsc(LdscError),
    Io(IoError),
    Cancelled,
}

impl From<IoError> for StratifiedError {
    fn from(e: IoError) -> Self {
        StratifiedError::Io(e)
    }
}

impl From<LdscError> for StratifiedError {
    fn from(e: LdscError) -> Self {
        match e {
            LdscError::Cancelled => StratifiedError::Cancelled,
            other => StratifiedError::Ldsc(other),
        }
    }
}

impl From<error::Cancelled> for StratifiedError {
    fn from(_: error::Cancelled) -> Self {
        StratifiedError::Cancelled
    }
}

impl fmt::Display for StratifiedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use StratifiedError::*;
        match self {
            NoFiles { argument, prefix, pattern } => write!(
                f,
                "No file matches '{prefix}{pattern}': `{argument}` must be the path prefix of the per-chromosome files (for example \"baseline.\" for baseline.1.l2.ldscore.gz)."
            ),
            MissingChromosome { prefix, kind, chromosome, other } => write!(
                f,
                "Chromosome {chromosome} has {other} but no {kind} file for prefix '{prefix}': every prefix must cover the same chromosomes."
            ),
            MissingColumn { path, column } => write!(
                f,
                "File '{}' has no column '{column}'.",
                path.display()
            ),
            BadValue { path, line, column, value } => write!(
                f,
                "File '{}', line {line}: column '{column}' holds '{value}', which is not a usable number. Fix or remove that line.",
                path.display()
            ),
            ColumnsDiffer { path, first } => write!(
                f,
                "The annotation columns of '{}' differ from those of '{}': all chromosomes of an annotation set must have the same columns in the same order.",
                path.display(),
                first.display()
            ),
            AnnotationCount { prefix, ld_scores, m, annot } => {
                write!(
                    f,
                    "The files of '{prefix}' disagree on the number of annotations: {ld_scores} LD-score columns, {m} M_5_50 columns"
                )?;
                if let Some(a) = annot {
                    write!(f, ", {a} annotation columns")?;
                }
                f.write_str(". Regenerate them together.")
            }
            SingleAnnotation { n } => write!(
                f,
                "The LD scores hold {n} annotation(s), but stratified LD-score regression needs the `base` annotation and at least one more: add the baseline model to `ld`."
            ),
            NoBase => f.write_str(
                "No annotation is called 'base' (LD-score column 'baseL2'): the first prefix of `ld` (or the one ending in 'baseline') must be a baseline model with a `base` annotation covering all SNPs.",
            ),
            RowsMisaligned { path, detail } => write!(
                f,
                "The rows of '{}' do not line up: {detail}.",
                path.display()
            ),
            NoBinaryAnnotation => f.write_str(
                "No binary annotation is left after excluding continuous ones: use `exclude_cont = FALSE`.",
            ),
            Ldsc(e) => e.fmt(f),
            Io(e) => e.fmt(f),
            Cancelled => error::Cancelled.fmt(f),
        }
    }
}

impl std::error::Error for StratifiedError {}

impl Classed for StratifiedError {
    fn class(&self) -> &'static str {
        use StratifiedError::*;
        match self {
            NoFiles { .. } | MissingChromosome { .. } | MissingColumn { .. } | BadValue { .. } => {
                "sldsc_input"
            }
            ColumnsDiffer { .. } | AnnotationCount { .. } | RowsMisaligned { .. } => "sldsc_input",
            SingleAnnotation { .. } | NoBase | NoBinaryAnnotation => "sldsc_annotation",
            Ldsc(e) => e.class(),
            Io(e) => e.class(),
            Cancelled => error::Cancelled.class(),
        }
    }
}
