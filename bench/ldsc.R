# Benchmark of ldsc(): genomicsemrs against the original GenomicSEM's recorded times.
#
#   Rscript bench/ldsc.R [library] [threads]
#
# 1. The shared reference set (5 traits x ~52,000 SNPs, 22 chromosomes): the same calls as the
#    reference run, timed here, against the wall times recorded for the original in
#    <reference>/genomicsem/out/timings.tsv on the same kind of 2-core machine.
# 2. A simulated genome-wide case: 5 traits x 1.2 million SNPs (22 chromosomes), files written
#    with data.table::fwrite (gzip). The original was not run on it (about 20 x the reference
#    set's SNPs; from its time per SNP above it would take roughly 2 minutes).
args <- commandArgs(trailingOnly = TRUE)
if (length(args) >= 1) .libPaths(c(args[[1]], .libPaths()))
threads <- if (length(args) >= 2) as.integer(args[[2]]) else 2L
suppressPackageStartupMessages(library(genomicsemrs))
options(genomicsemrs.verbose = FALSE, genomicsemrs.threads = threads)

reference <- Sys.getenv("GENOMICSEMRS_REFERENCE", "../shared/reference")
if (!dir.exists(reference)) reference <- "/work/shared/reference"
root <- file.path(normalizePath(reference), "genomicsem")
timings <- utils::read.delim(file.path(root, "out", "timings.tsv"))
original <- function(step) timings$seconds[timings$step == step]

best_of <- function(n, expr) {
  expr <- substitute(expr)
  times <- vapply(seq_len(n), function(i) system.time(eval(expr, parent.frame(3)))[["elapsed"]], 0)
  min(times)
}

work <- tempfile("ldsc-bench-")
dir.create(work)
old <- setwd(work)
on.exit(setwd(old), add = TRUE)

cat(sprintf("genomicsemrs %s, %d thread(s)\n\n", utils::packageVersion("genomicsemrs"), threads))
munged <- file.path(root, "out", "munged", paste0("T", 1:5, ".sumstats.gz"))
args_ref <- list(traits = munged, sample.prev = c(0.5, 25000 / 60000, NA, NA, NA),
                 population.prev = c(0.15, 0.01, NA, NA, NA),
                 ld = file.path(root, "data", "eur_ld_chr"), wld = file.path(root, "data", "eur_w_ld_chr"),
                 trait.names = paste0("T", 1:5), stand = TRUE)
rows <- list()
for (case in list(list(step = "ldsc", label = "reference set, stand = TRUE", extra = list()),
                  list(step = "extra: ldsc(sep_weights=TRUE)", label = "reference set, sep_weights = TRUE",
                       extra = list(sep_weights = TRUE, stand = FALSE)))) {
  ours <- best_of(5, do.call(ldsc, utils::modifyList(args_ref, case$extra)))
  rows[[length(rows) + 1]] <- data.frame(case = case$label, original_s = original(case$step),
                                         genomicsemrs_s = ours, speedup = original(case$step) / ours)
}

# Simulated genome-wide data: L2 from 1 to 151, Z with variance 1 + N h2 L2 / M.
if (!requireNamespace("data.table", quietly = TRUE)) stop("The simulated case needs data.table.")
set.seed(1)
per_chr <- 54546
n_snps <- 22 * per_chr  # 1,200,012
dir.create("ld")
l2_all <- numeric(0)
simulate_started <- Sys.time()
for (chr in 1:22) {
  snp <- paste0("rs", chr * 1e7 + seq_len(per_chr))
  l2 <- round(1 + 150 * stats::runif(per_chr)^2, 3)
  l2_all <- c(l2_all, l2)
  data.table::fwrite(data.frame(CHR = chr, SNP = snp, BP = 1000 + 150 * seq_len(per_chr), CM = 0.1,
                                MAF = 0.25, L2 = l2),
                     file.path("ld", paste0(chr, ".l2.ldscore.gz")), sep = "\t")
  writeLines(as.character(per_chr * 8), file.path("ld", paste0(chr, ".l2.M_5_50")))
}
m <- per_chr * 8 * 22
snps <- paste0("rs", rep(1:22, each = per_chr) * 1e7 + rep(seq_len(per_chr), 22))
for (t in 1:5) {
  n <- 50000 * t
  z <- sqrt(1 + n * (0.1 + 0.05 * t) / m * l2_all) * stats::rnorm(n_snps)
  data.table::fwrite(data.frame(SNP = snps, N = n, Z = round(z, 6), A1 = "A", A2 = "G"),
                     paste0("S", t, ".sumstats.gz"), sep = "\t")
}
cat(sprintf("simulated 5 traits x %d SNPs in %.1f s\n\n", n_snps,
            as.numeric(difftime(Sys.time(), simulate_started, units = "secs"))))
ours <- best_of(3, ldsc(paste0("S", 1:5, ".sumstats.gz"), sample.prev = NA, population.prev = NA,
                        ld = "ld", wld = "ld"))
per_snp <- original("ldsc") / 52000
rows[[length(rows) + 1]] <- data.frame(case = "simulated, 5 traits x 1.2M SNPs",
                                       original_s = NA, genomicsemrs_s = ours, speedup = NA)
result <- do.call(rbind, rows)
print(format(result, digits = 3), row.names = FALSE)
cat(sprintf("\nThe original's time per SNP on the reference set (%.2e s) scaled to 1.2M SNPs: ~%.0f s,",
            per_snp, per_snp * n_snps),
    sprintf("i.e. ~%.0fx ours (an extrapolation, not a measurement).\n", per_snp * n_snps / ours))
