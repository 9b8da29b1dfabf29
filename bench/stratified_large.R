# s_ldsc() at baseline-LD size: 97 annotations (96 binary + base) x 1.2 million SNPs over 22
# chromosomes x 5 traits, generated here (synthetic; the numbers are not meaningful, only the
# sizes). Reports wall time and the peak resident memory of this R process.
#   Rscript bench/stratified_large.R [library] [threads]
args <- commandArgs(trailingOnly = TRUE)
if (length(args) >= 1) .libPaths(c(args[[1]], .libPaths()))
threads <- if (length(args) >= 2) as.integer(args[[2]]) else 2L
suppressPackageStartupMessages({ library(genomicsemrs); library(data.table) })
options(genomicsemrs.verbose = FALSE, genomicsemrs.threads = threads)
setDTthreads(threads)
set.seed(1)
n_snps <- 1.2e6; n_annot <- 96; k <- 5
# GENOMICSEMRS_SLDSC_LARGE_DIR: keep (or reuse) the generated inputs in that folder.
keep <- Sys.getenv("GENOMICSEMRS_SLDSC_LARGE_DIR", "")
dir <- if (nzchar(keep)) keep else tempfile("sldsc-large-")
reuse <- nzchar(keep) && file.exists(file.path(dir, "T5.sumstats.gz"))
dir.create(dir, showWarnings = FALSE)
chr_of <- sort(sample(1:22, n_snps, replace = TRUE, prob = 23 - (1:22)))
snp <- paste0("rs", seq_len(n_snps))
gen_start <- Sys.time()
for (c in if (reuse) integer() else 1:22) {
  i <- which(chr_of == c); n <- length(i); bp <- seq_len(n) * 1000
  l2 <- pmax(rgamma(n, 2, 0.1), 1)
  member <- matrix(rbinom(n * n_annot, 1, runif(n_annot, 0.01, 0.3)[col(matrix(0, n, n_annot))]), n)
  annot <- data.table(CHR = c, BP = bp, SNP = snp[i], CM = 0, base = 1L)
  annot[, paste0("A", seq_len(n_annot)) := as.data.table(member)]
  fwrite(annot, file.path(dir, paste0("baseline.", c, ".annot.gz")), sep = "\t")
  ld <- data.table(CHR = c, SNP = snp[i], BP = bp, baseL2 = round(l2, 3))
  ld[, paste0("A", seq_len(n_annot), "L2") := as.data.table(round(member * l2 * 0.8 + rgamma(n * n_annot, 1, 5), 3))]
  fwrite(ld, file.path(dir, paste0("baseline.", c, ".l2.ldscore.gz")), sep = "\t")
  writeLines(paste(c(n, colSums(member)), collapse = "\t"), file.path(dir, paste0("baseline.", c, ".l2.M_5_50")))
  fwrite(data.table(CHR = c, SNP = snp[i], BP = bp, L2 = round(l2 * 0.9, 3)),
         file.path(dir, paste0("weights.", c, ".l2.ldscore.gz")), sep = "\t")
  fwrite(data.table(CHR = c, SNP = snp[i], A1 = "A", A2 = "G", MAF = runif(n, 0.01, 0.5), NCHROBS = 1000),
         file.path(dir, paste0("1000G.EUR.QC.", c, ".frq")), sep = " ")
}
traits <- file.path(dir, paste0("T", 1:k, ".sumstats.gz"))
for (t in if (reuse) character() else traits) {
  fwrite(data.table(SNP = snp, N = 1e5, Z = rnorm(n_snps, 0, 1.3), A1 = "A", A2 = "G"), t, sep = "\t")
}
cat("inputs generated in", format(Sys.time() - gen_start), "\n")
old <- setwd(dir)
t <- system.time(s <- s_ldsc(traits = traits, ld = file.path(dir, "baseline."), wld = file.path(dir, "weights."),
                            frq = file.path(dir, "1000G.EUR.QC."), exclude_cont = FALSE))
setwd(old)
status <- readLines("/proc/self/status")
cat(sprintf("s_ldsc: %d annotations x %.1f million SNPs x %d traits on %d threads: %.1f s wall, %.1f s CPU (user + system)\n",
            length(s$S), n_snps / 1e6, k, threads, t[["elapsed"]],
            t[["user.self"]] + t[["user.child"]] + t[["sys.self"]] + t[["sys.child"]]))
cat("peak memory:", grep("VmHWM", status, value = TRUE), "\n")
if (!nzchar(keep)) unlink(dir, recursive = TRUE)
