//! Which input column means what: GenomicSEM's column-name synonyms, user overrides, the
//! log lines it writes while deciding, and its warnings about missing or repeated columns.

use super::log::Log;

/// The quantities a raw GWAS file can carry, in the order GenomicSEM interprets them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Snp,
    A1,
    A2,
    Effect,
    Info,
    P,
    N,
    Maf,
    Z,
    Se,
    Direction,
}

impl Field {
    pub const ALL: [Field; 11] = [
        Field::Snp,
        Field::A1,
        Field::A2,
        Field::Effect,
        Field::Info,
        Field::P,
        Field::N,
        Field::Maf,
        Field::Z,
        Field::Se,
        Field::Direction,
    ];

    /// The canonical column name (GenomicSEM's renaming target).
    pub fn name(self) -> &'static str {
        match self {
            Field::Snp => "SNP",
            Field::A1 => "A1",
            Field::A2 => "A2",
            Field::Effect => "effect",
            Field::Info => "INFO",
            Field::P => "P",
            Field::N => "N",
            Field::Maf => "MAF",
            Field::Z => "Z",
            Field::Se => "SE",
            Field::Direction => "DIRECTION",
        }
    }

    pub fn from_name(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.name() == name)
    }

    fn synonyms(self) -> &'static [&'static str] {
        match self {
            Field::Snp => &[
                "SNP",
                "SNPID",
                "RSID",
                "RS_NUMBER",
                "RS_NUMBERS",
                "MARKERNAME",
                "ID",
                "PREDICTOR",
                "SNP_ID",
                "VARIANTID",
                "VARIANT_ID",
                "RSIDS",
                "RS_ID",
            ],
            Field::A1 => &[
                "A1",
                "ALLELE1",
                "EFFECT_ALLELE",
                "INC_ALLELE",
                "REFERENCE_ALLELE",
                "EA",
                "REF",
            ],
            Field::A2 => &[
                "A2",
                "ALLELE2",
                "ALLELE0",
                "OTHER_ALLELE",
                "NON_EFFECT_ALLELE",
                "DEC_ALLELE",
                "OA",
                "NEA",
                "ALT",
                "A0",
            ],
            Field::Effect => &[
                "OR",
                "B",
                "BETA",
                "LOG_ODDS",
                "EFFECTS",
                "EFFECT",
                "SIGNED_SUMSTAT",
                "EST",
                "BETA1",
                "LOGOR",
            ],
            Field::Info => &["INFO", "IMPINFO"],
            Field::P => &[
                "P",
                "PVALUE",
                "PVAL",
                "P_VALUE",
                "P-VALUE",
                "P.VALUE",
                "P_VAL",
                "GC_PVALUE",
                "WALD_P",
            ],
            Field::N => &[
                "N",
                "WEIGHT",
                "NCOMPLETESAMPLES",
                "TOTALSAMPLESIZE",
                "TOTALN",
                "TOTAL_N",
                "N_COMPLETE_SAMPLES",
                "SAMPLESIZE",
                "NEFF",
                "N_EFF",
                "N_EFFECTIVE",
                "SUMNEFF",
            ],
            Field::Maf => &[
                "MAF",
                "CEUAF",
                "FREQ1",
                "EAF",
                "FREQ1.HAPMAP",
                "FREQALLELE1HAPMAPCEU",
                "FREQ.ALLELE1.HAPMAPCEU",
                "EFFECT_ALLELE_FREQ",
                "FREQ.A1",
                "A1FREQ",
                "ALLELEFREQ",
                "EFFECT_ALLELE_FREQUENCY",
            ],
            Field::Z => &[
                "Z",
                "ZSCORE",
                "Z-SCORE",
                "ZSTATISTIC",
                "ZSTAT",
                "Z-STATISTIC",
            ],
            Field::Se => &[
                "STDERR",
                "SE",
                "STDERRLOGOR",
                "SEBETA",
                "STANDARDERROR",
                "STANDARD_ERROR",
            ],
            Field::Direction => &["DIRECTION", "DIREC", "DIRE", "SIGN"],
        }
    }

    /// The words GenomicSEM uses for this column in its "Cannot find" messages.
    fn full_name(self) -> &'static str {
        match self {
            Field::P => "P-value",
            Field::A1 => "effect allele",
            Field::A2 => "other allele",
            Field::Effect => "beta or effect",
            Field::Snp => "rs-id",
            Field::Se => "standard error",
            Field::Direction => "direction",
            other => other.name(),
        }
    }
}

/// How one caller (munge or sumstats) wants the interpretation done.
pub struct Rules<'a> {
    /// `column.names`: field -> the user's column name (munge only).
    pub user: &'a [(Field, String)],
    /// The user gave N, so no column is read as N.
    pub n_provided: bool,
    /// Log and warn when these are missing or matched more than once.
    pub check_single: &'a [Field],
    pub warn_missing: &'a [Field],
    pub stop_missing: &'a [Field],
    /// When no effect column exists, refuse to use a Z column as the effect (sumstats
    /// without OLS or linprob) and warn instead.
    pub refuse_z_as_effect: bool,
}

/// The outcome: the new name of every column, and problems that stop the run.
pub struct Interpretation {
    pub names: Vec<String>,
    pub missing_required: Vec<Field>,
}

impl Interpretation {
    /// Index of the first column now named `field` (what R's `file$NAME` picks).
    pub fn column(&self, field: Field) -> Option<usize> {
        self.names.iter().position(|n| n == field.name())
    }
}

/// Rename `upper` (the upper-cased header) following GenomicSEM's rules, writing its log lines
/// and warnings into `log`.
pub fn interpret(upper: &[String], rules: &Rules, filename: &str, log: &mut Log) -> Interpretation {
    let mut names = upper.to_vec();
    let mut missing_required = Vec::new();
    if names.iter().any(|n| n == "ALT") && names.iter().any(|n| n == "REF") {
        log.line(format!(
            "Found REF and ALT columns in the summary statistic file {filename}. Please note that REF \
             will be interpreted as A1 (effect allele) and ALT as A2 (other allele)"
        ));
    }
    if !rules.n_provided
        && ["NEFF", "N_EFF", "N_EFFECTIVE", "SUMNEFF"]
            .iter()
            .any(|n| names.iter().any(|h| h == n))
    {
        log.line(NEFF_NOTE.to_owned());
    }
    for field in Field::ALL {
        if field == Field::N && rules.n_provided {
            continue;
        }
        let target = field.name();
        if let Some((_, user_name)) = rules.user.iter().find(|(f, _)| *f == field) {
            log.line(format!(
                "Interpreting the {user_name} column as the {target} column, as requested"
            ));
            let wanted = user_name.to_uppercase();
            rename_where(&mut names, |n| n == wanted, target);
        } else if names.iter().any(|n| n == target) {
            log.line(format!(
                "Interpreting the {target} column as the {target} column."
            ));
        } else if names.iter().any(|n| field.synonyms().contains(&n.as_str())) {
            log.lines(
                matching(&names, field)
                    .map(|n| format!("Interpreting the {n} column as the {target} column.")),
            );
            rename_where(&mut names, |n| field.synonyms().contains(&n), target);
        } else if field == Field::Effect {
            if names
                .iter()
                .any(|n| Field::Z.synonyms().contains(&n.as_str()))
            {
                if rules.refuse_z_as_effect {
                    let text = format!(
                        "There appears to be a Z-statistic column in the summary statistic file {filename}. \
                         Please set linprob to TRUE for binary traits or OLS to true for continuous traits in \
                         order to back out the betas or if betas are already available remove this column."
                    );
                    log.quiet_line(text.clone());
                    log.warning(text);
                } else {
                    log.lines(
                        matching(&names, Field::Z).map(|n| {
                            format!("Interpreting the {n} column as the {target} column.")
                        }),
                    );
                    rename_where(&mut names, |n| Field::Z.synonyms().contains(&n), target);
                }
            }
        } else if rules.warn_missing.contains(&field) {
            log.line(format!(
                "Cannot find {target} column, try renaming it to {target} in the summary statistics file for:{filename}"
            ));
        } else if rules.stop_missing.contains(&field) {
            missing_required.push(field);
        }
    }
    for &field in rules.check_single {
        let count = names.iter().filter(|n| *n == field.name()).count();
        let (full, target) = (field.full_name(), field.name());
        if count == 0 {
            let text = format!(
                "Cannot find {full} column, try renaming it {target} in the summary statistics file for:{filename}"
            );
            log.line(text.clone());
            log.warning(text);
        } else if count > 1 {
            let text = format!(
                "Multiple columns are being interpreted as the {full} column, try renaming the column you dont \
                 want interpreted to {target}2 in the summary statistics file for:{filename}"
            );
            log.line(text.clone());
            log.warning(text);
        }
    }
    Interpretation {
        names,
        missing_required,
    }
}

fn matching<'a>(names: &'a [String], field: Field) -> impl Iterator<Item = &'a String> + 'a {
    names
        .iter()
        .filter(move |n| field.synonyms().contains(&n.as_str()))
}

fn rename_where(names: &mut [String], hit: impl Fn(&str) -> bool, target: &str) {
    for n in names.iter_mut() {
        if hit(n) {
            *n = target.to_owned();
        }
    }
}

const NEFF_NOTE: &str = "Found an NEFF column for sample size. \n\nPlease note that this is likely effective \
sample size and should only be used for liability h^2 conversion for binary traits and that it should reflect \
the sum of effective sample sizes across cohorts.\n\nBe aware that some NEFF columns reflect half of the \
effective sample size; the function will automatically double the column names if recognized [check above in \
.log file to determine if this is the case].\nIf the Neff value is halved in the summary stats, but not \
recognized by the munge function, this should be manually doubled prior to running munge.";
