# Cost of checkpointing: userGWAS(sub = "F1~SNP") and commonfactorGWAS() on `n` SNPs (the
# reference sumstats rows repeated) with and without `checkpoint`, median of `reps` runs
# each, alternating; reports the overhead and the disk use per SNP of the batch files.
# Usage: Rscript bench/checkpoint.R [n = 2e5] [threads = 2] [reps = 3]
args <- commandArgs(trailingOnly = TRUE)
n <- if (length(args) >= 1) as.numeric(args[[1]]) else 2e5
threads <- if (length(args) >= 2) as.integer(args[[2]]) else 2L
reps <- if (length(args) >= 3) as.integer(args[[3]]) else 3L
ref <- normalizePath(Sys.getenv("GENOMICSEMRS_REFERENCE", "../shared/reference"), mustWork = FALSE)
suppressPackageStartupMessages(library(genomicsemrs))
options(genomicsemrs.verbose = FALSE)

covstruc <- readRDS(genomicsemrs_example("ldsc_T1_T5.rds"))
sumstats_file <- file.path(ref, "genomicsem", "out", "sumstats.rds")
snps <- readRDS(if (file.exists(sumstats_file)) sumstats_file else genomicsemrs_example("sumstats_T1_T5.rds"))
snps <- snps[rep_len(seq_len(nrow(snps)), n), ]
snps$SNP <- paste0(snps$SNP, "_", seq_len(n))
model <- "F1 =~ NA*T1 + T2 + T3 + T4 + T5\nF1 ~ SNP\nF1 ~~ 1*F1\nSNP ~~ SNP"
runs <- list(
  userGWAS = function(cp) userGWAS(covstruc, snps, model = model, sub = "F1~SNP", cores = threads,
                                   checkpoint = cp),
  commonfactorGWAS = function(cp) commonfactorGWAS(covstruc, snps, cores = threads, checkpoint = cp)
)
cat(sprintf("%s SNPs x 5 traits, %d threads, batch_size 20000, median of %d (load average %s)\n",
            format(n, big.mark = ","), threads, reps, paste(readLines("/proc/loadavg"), collapse = "")))
for (name in names(runs)) {
  f <- runs[[name]]
  invisible(f(NULL))
  plain <- with_cp <- numeric(reps)
  for (r in seq_len(reps)) {
    plain[r] <- system.time(f(NULL))[["elapsed"]]
    dir <- tempfile("gsem-cp-")
    with_cp[r] <- system.time(f(dir))[["elapsed"]]
    bytes <- sum(file.size(list.files(dir, full.names = TRUE)))
    unlink(dir, recursive = TRUE)
  }
  dir <- tempfile("gsem-cp-")
  invisible(f(dir))
  resume <- system.time(f(dir))[["elapsed"]]
  unlink(dir, recursive = TRUE)
  cat(sprintf("%-17s without %6.2f s, with checkpoint %6.2f s (overhead %+.1f%%), %.0f bytes per SNP on disk, resume of a finished run %.2f s\n",
              name, stats::median(plain), stats::median(with_cp),
              100 * (stats::median(with_cp) / stats::median(plain) - 1), bytes / n, resume))
}
