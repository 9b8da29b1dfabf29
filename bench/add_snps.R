# Benchmark of addSNPs(): wall time for `n` SNPs x 5 traits (the reference sumstats rows
# repeated) on `threads` threads, median of 3 runs, and the original's recorded time per SNP.
# Usage: Rscript bench/add_snps.R [n = 1e5] [threads = 2]
args <- commandArgs(trailingOnly = TRUE)
n <- if (length(args) >= 1) as.numeric(args[[1]]) else 1e5
threads <- if (length(args) >= 2) as.integer(args[[2]]) else 2L
ref <- normalizePath(Sys.getenv("GENOMICSEMRS_REFERENCE", "../shared/reference"), mustWork = FALSE)
suppressPackageStartupMessages(library(genomicsemrs))
covstruc <- readRDS(genomicsemrs_example("ldsc_T1_T5.rds"))
snps <- readRDS(genomicsemrs_example("sumstats_T1_T5.rds"))
snps <- snps[rep_len(seq_len(nrow(snps)), n), ]
run <- function() suppressWarnings(addSNPs(covstruc, snps, parallel = TRUE, cores = threads))
invisible(run())
timed <- replicate(3, {
  t <- system.time(run())
  c(wall = t[["elapsed"]], cpu = t[["user.self"]] + t[["sys.self"]])
})
cat(sprintf("addSNPs: %d SNPs x 5 traits on %d threads: median wall %.2f s, CPU %.2f s (wall runs: %s; load average %s)\n",
            n, threads, stats::median(timed["wall", ]), stats::median(timed["cpu", ]),
            paste(sprintf("%.2f", timed["wall", ]), collapse = ", "),
            paste(readLines("/proc/loadavg", warn = FALSE), collapse = "")))
timings <- file.path(ref, "genomicsem", "wave2", "timings.tsv")
if (file.exists(timings)) {
  t <- utils::read.delim(timings)
  per_snp <- t$cpu_s[t$name == "addSNPs_standard"] / 10
  cat(sprintf("GenomicSEM (recorded, 10 SNPs): %.4f CPU s per SNP -> about %.0f s for %d SNPs\n",
              per_snp, per_snp * n, n))
}
