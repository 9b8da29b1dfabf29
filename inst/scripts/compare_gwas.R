# Reproducibility check: runs the original GenomicSEM and genomicsemrs on the same inputs and
# reports, per call, the worst per-SNP differences (estimates and SEs in units of GenomicSEM's
# SE, chi-squares relative) and the time ratio.
#
# GenomicSEM is taken from an installed package, or from a copy of its R/ folder named by the
# environment variable GENOMICSEM_R_DIR (its dependencies lavaan, Matrix, gdata, stringr,
# data.table and dplyr must be installed). Usage:
#   Rscript compare_gwas.R [number of SNPs (default 100)] [ldsc .rds] [sumstats .rds]
# Without file arguments the example data bundled with genomicsemrs are used.
args <- commandArgs(trailingOnly = TRUE)
n_snps <- if (length(args) >= 1) as.integer(args[[1]]) else 100L
suppressPackageStartupMessages(library(genomicsemrs))
covstruc <- readRDS(if (length(args) >= 2) args[[2]] else genomicsemrs_example("ldsc_T1_T5.rds"))
snps <- readRDS(if (length(args) >= 3) args[[3]] else genomicsemrs_example("sumstats_T1_T5.rds"))
snps <- snps[seq_len(min(n_snps, nrow(snps))), ]

original <- function() {
  if (requireNamespace("GenomicSEM", quietly = TRUE)) return(asNamespace("GenomicSEM"))
  src <- Sys.getenv("GENOMICSEM_R_DIR")
  if (!nzchar(src) || !dir.exists(src)) {
    stop("GenomicSEM is not installed and GENOMICSEM_R_DIR does not name its R/ folder.")
  }
  for (p in c("lavaan", "Matrix", "gdata", "stringr", "data.table", "dplyr")) {
    suppressPackageStartupMessages(library(p, character.only = TRUE))
  }
  env <- new.env()
  for (f in list.files(src, pattern = "\\.[Rr]$", full.names = TRUE)) sys.source(f, envir = env)
  env
}
gsem <- original()

traits <- colnames(covstruc$S)
model <- paste0("F1 =~ NA*", paste(traits, collapse = " + "), "\nF1 ~ SNP\nF1 ~~ 1*F1\nSNP ~~ SNP")
calls <- list(
  userGWAS_sub = list(fun = "userGWAS", args = list(model = model, sub = "F1~SNP")),
  userGWAS_QSNP = list(fun = "userGWAS", args = list(model = model, Q_SNP = TRUE)),
  userGWAS_free_measurement = list(fun = "userGWAS", args = list(model = model, fix_measurement = FALSE)),
  userGWAS_ML = list(fun = "userGWAS", args = list(model = model, estimation = "ML")),
  commonfactorGWAS = list(fun = "commonfactorGWAS", args = list())
)

quiet <- function(expr) {
  sink(tempfile())
  on.exit(sink())
  suppressWarnings(suppressMessages(expr))
}
as_rows <- function(x) if (is.data.frame(x)) x else do.call(rbind, x)

report <- list()
for (name in names(calls)) {
  cl <- calls[[name]]
  base_args <- c(list(covstruc = covstruc, SNPs = snps, parallel = FALSE), cl$args)
  t_orig <- system.time(theirs <- quiet(do.call(gsem[[cl$fun]], base_args)))[["elapsed"]]
  f_ours <- get(cl$fun, envir = asNamespace("genomicsemrs"))
  t_ours <- system.time(ours <- quiet(do.call(f_ours, base_args)))[["elapsed"]]
  a <- as_rows(ours)
  b <- as_rows(theirs)
  se <- if (cl$fun == "commonfactorGWAS") "se_c" else "SE"
  scale <- ifelse(is.na(b[[se]]), 1, b[[se]])
  chisq_cols <- intersect(c("chisq", "Q", "Q_SNP"), names(b))
  rel <- function(x, y) max(abs(x / y - 1), na.rm = TRUE)
  report[[name]] <- data.frame(
    call = name, snps = nrow(snps),
    worst_est_in_SE = max(abs(a$est - b$est) / scale, na.rm = TRUE),
    worst_SE_in_SE = max(abs(a[[se]] - b[[se]]) / scale, na.rm = TRUE),
    worst_chisq_rel = if (length(chisq_cols)) max(sapply(chisq_cols, function(cn) rel(a[[cn]], b[[cn]]))) else NA,
    same_columns = identical(names(a), names(b)),
    genomicsem_s = t_orig, genomicsemrs_s = t_ours, ratio = t_orig / t_ours
  )
}
report <- do.call(rbind, report)
row.names(report) <- NULL
print(report, digits = 3)
cat("\nNote: GenomicSEM's ML commonfactorGWAS keeps the first SNP's variance in its reused lavaan",
    "model, so its SEs and Q for later SNPs differ (see ?commonfactorGWAS); under ML only the",
    "estimates are comparable there.\n")
