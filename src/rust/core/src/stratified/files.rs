//! Finding the per-chromosome files of a path prefix (GenomicSEM: `Sys.glob(paste0(prefix,
//! "*l2.ldscore*"))`) and pairing them by chromosome instead of by text-sorted position.

use super::error::StratifiedError;
use std::path::{Path, PathBuf};

/// The kinds of per-chromosome files `s_ldsc()` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    LdScore,
    M550,
    Annot,
    Frq,
}

impl FileKind {
    fn pattern(self) -> &'static str {
        match self {
            FileKind::LdScore => "*l2.ldscore*",
            FileKind::M550 => "*M_5_50",
            FileKind::Annot => "*annot.gz",
            FileKind::Frq => "*.frq",
        }
    }

    fn matches(self, rest: &str) -> bool {
        match self {
            FileKind::LdScore => rest.contains("l2.ldscore"),
            FileKind::M550 => rest.ends_with("M_5_50"),
            FileKind::Annot => rest.ends_with("annot.gz"),
            FileKind::Frq => rest.ends_with(".frq"),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            FileKind::LdScore => "LD-score",
            FileKind::M550 => "M_5_50",
            FileKind::Annot => "annot.gz",
            FileKind::Frq => ".frq",
        }
    }
}

/// One file and the chromosome label read from its name (the text after the prefix, up to
/// the next '.').
#[derive(Debug, Clone)]
pub struct ChromFile {
    pub chromosome: String,
    pub path: PathBuf,
}

/// Files of `prefix` of one kind, ordered by chromosome (numerically where possible).
pub fn find(
    prefix: &str,
    kind: FileKind,
    argument: &'static str,
) -> Result<Vec<ChromFile>, StratifiedError> {
    let (dir, stem) = split_prefix(prefix);
    let entries = std::fs::read_dir(&dir).map_err(|_| no_files(argument, prefix, kind))?;
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(&stem) else {
            continue;
        };
        if !kind.matches(rest) || !entry.path().is_file() {
            continue;
        }
        let label = rest.trim_start_matches('.');
        let chromosome = label.split('.').next().unwrap_or("").to_owned();
        out.push(ChromFile {
            chromosome,
            path: entry.path(),
        });
    }
    if out.is_empty() {
        return Err(no_files(argument, prefix, kind));
    }
    out.sort_by(|a, b| chrom_order(&a.chromosome, &b.chromosome));
    Ok(out)
}

fn no_files(argument: &'static str, prefix: &str, kind: FileKind) -> StratifiedError {
    StratifiedError::NoFiles {
        argument,
        prefix: prefix.to_owned(),
        pattern: kind.pattern(),
    }
}

fn chrom_order(a: &str, b: &str) -> std::cmp::Ordering {
    match (a.parse::<u64>(), b.parse::<u64>()) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        (Ok(_), Err(_)) => std::cmp::Ordering::Less,
        (Err(_), Ok(_)) => std::cmp::Ordering::Greater,
        _ => a.cmp(b),
    }
}

fn split_prefix(prefix: &str) -> (PathBuf, String) {
    if prefix.ends_with('/') {
        return (PathBuf::from(prefix), String::new());
    }
    let path = Path::new(prefix);
    let stem = path
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    (dir, stem)
}

/// The files of `files` for exactly the chromosomes of `reference`, in its order; an error
/// names the first chromosome that is missing.
pub fn pair(
    reference: &[ChromFile],
    reference_what: &str,
    files: &[ChromFile],
    prefix: &str,
    kind: FileKind,
) -> Result<Vec<PathBuf>, StratifiedError> {
    reference
        .iter()
        .map(|r| {
            files
                .iter()
                .find(|f| f.chromosome == r.chromosome)
                .map(|f| f.path.clone())
                .ok_or_else(|| StratifiedError::MissingChromosome {
                    prefix: prefix.to_owned(),
                    kind: kind.label(),
                    chromosome: r.chromosome.clone(),
                    other: reference_what.to_owned(),
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chromosomes_sort_numerically() {
        let mut v = vec!["10", "2", "1", "X"];
        v.sort_by(|a, b| chrom_order(a, b));
        assert_eq!(v, vec!["1", "2", "10", "X"]);
    }

    #[test]
    fn prefix_splits_into_folder_and_stem() {
        assert_eq!(
            split_prefix("a/b/baseline."),
            (PathBuf::from("a/b"), "baseline.".to_owned())
        );
        assert_eq!(
            split_prefix("baseline"),
            (PathBuf::from("."), "baseline".to_owned())
        );
    }
}
