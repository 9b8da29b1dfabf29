# Benchmark of userGWAS() and commonfactorGWAS(): (1) time per SNP against GenomicSEM on the
# same SNPs in one run (GENOMICSEM_R_DIR names a copy of its R/ folder), or against its
# recorded per-SNP times; (2) wall time for a HapMap3-sized run (the reference sumstats rows
# repeated to `n` SNPs) x 5 traits with the one-factor model on `threads` threads.
# See bench/README.md. Usage: Rscript bench/gwas.R [n = 1.1e6] [threads = 2] [SNPs vs original = 100]
args <- commandArgs(trailingOnly = TRUE)
n_big <- if (length(args) >= 1) as.numeric(args[[1]]) else 1.1e6
threads <- if (length(args) >= 2) as.integer(args[[2]]) else 2L
n_cmp <- if (length(args) >= 3) as.integer(args[[3]]) else 100L
ref <- normalizePath(Sys.getenv("GENOMICSEMRS_REFERENCE", "../shared/reference"), mustWork = FALSE)
suppressPackageStartupMessages(library(genomicsemrs))

covstruc <- readRDS(genomicsemrs_example("ldsc_T1_T5.rds"))
sumstats_file <- file.path(ref, "genomicsem", "out", "sumstats.rds")
snps <- readRDS(if (file.exists(sumstats_file)) sumstats_file else genomicsemrs_example("sumstats_T1_T5.rds"))
model <- "F1 =~ NA*T1 + T2 + T3 + T4 + T5\nF1 ~ SNP\nF1 ~~ 1*F1\nSNP ~~ SNP"
peak_mb <- function() {
  status <- readLines("/proc/self/status")
  as.numeric(gsub("[^0-9]", "", grep("^VmHWM", status, value = TRUE))) / 1024
}

# (1) Per SNP against the original, one thread each (after one warm-up call, so that the
# first call's one-time costs, such as loading compiled code, are not counted).
cmp <- snps[seq_len(n_cmp), ]
invisible(userGWAS(covstruc, cmp[1:5, ], model = model, sub = "F1~SNP", cores = 1))
invisible(commonfactorGWAS(covstruc, cmp[1:5, ], cores = 1))
ours <- c(
  userGWAS = system.time(userGWAS(covstruc, cmp, model = model, sub = "F1~SNP", cores = 1))[["elapsed"]],
  commonfactorGWAS = system.time(commonfactorGWAS(covstruc, cmp, cores = 1))[["elapsed"]]
) / n_cmp
src <- Sys.getenv("GENOMICSEM_R_DIR")
if (nzchar(src) && dir.exists(src)) {
  for (p in c("lavaan", "Matrix", "gdata", "stringr")) suppressPackageStartupMessages(library(p, character.only = TRUE))
  env <- new.env()
  for (f in list.files(src, pattern = "\\.[Rr]$", full.names = TRUE)) sys.source(f, envir = env)
  sink(tempfile())
  theirs <- suppressWarnings(c(
    userGWAS = system.time(env$userGWAS(covstruc, cmp, model = model, sub = "F1~SNP", parallel = FALSE))[["elapsed"]],
    commonfactorGWAS = system.time(env$commonfactorGWAS(covstruc, cmp, parallel = FALSE))[["elapsed"]]
  )) / n_cmp
  sink()
  note <- sprintf("GenomicSEM run here on the same %d SNPs", n_cmp)
} else {
  t <- utils::read.delim(file.path(ref, "genomicsem", "extended", "timings.tsv"))
  cpu <- function(name) (t$cpu_self_s[t$name == name] + t$cpu_child_s[t$name == name]) / t$n_snps[t$name == name]
  theirs <- c(userGWAS = cpu("ug_sub"), commonfactorGWAS = cpu("cfg_default"))
  note <- "GenomicSEM's recorded CPU seconds per SNP (extended/timings.tsv)"
}
for (f in names(ours)) {
  cat(sprintf("%-17s genomicsemrs %8.1f us/SNP, GenomicSEM %8.1f ms/SNP (%s): %.0fx\n", f,
              1e6 * ours[[f]], 1e3 * theirs[[f]], note, theirs[[f]] / ours[[f]]))
}

# (2) A HapMap3-sized run.
rows <- rep_len(seq_len(nrow(snps)), n_big)
big <- snps[rows, ]
big$SNP <- paste0(big$SNP, "_", seq_len(n_big))
rm(rows)
invisible(gc())
cat(sprintf("\n%s SNPs x 5 traits, %d threads (load average %s):\n", format(n_big, big.mark = ","),
            threads, paste(readLines("/proc/loadavg"), collapse = "")))
for (f in c("userGWAS", "commonfactorGWAS")) {
  wall <- system.time(out <- if (f == "userGWAS") {
    userGWAS(covstruc, big, model = model, sub = "F1~SNP", cores = threads, batch_size = 100000)
  } else {
    commonfactorGWAS(covstruc, big, cores = threads, batch_size = 100000)
  })[["elapsed"]]
  cat(sprintf("%-17s %6.1f s wall, %5.2f us per SNP, %5.2f us per SNP per core\n", f, wall,
              1e6 * wall / n_big, 1e6 * wall * threads / n_big))
  rm(out)
  invisible(gc())
}
cat(sprintf("peak memory (VmHWM) %.0f MB\n", peak_mb()))
