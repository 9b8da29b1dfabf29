# Benchmark of map_cis() at the scale of the original single-cell study: 1,611 donors,
# 26,593 cells, a generated PLINK set (~1M variants on 10 chromosomes, 1.5 variants per kb),
# 2,000 genes with +-1 Mb windows (~3,000 variants each). Null fits (K = GRM and K = I) first,
# then map_cis() with the variant table streamed to a file: time, peak memory added by the map,
# the breakdown by phase of the Rust core (reading, summaries, projection with its GFLOP/s,
# tests, writing), time per gene x variant test; then the per-gene time on the
# bundled example against the dense cell-level score test's 0.44 s per gene (reference
# timing_quant.tsv). See bench/README.md.
# Usage: Rscript bench/map_cis.R [variants] [genes] [threads] [kernels, default "GRM,I"]
args <- commandArgs(trailingOnly = TRUE)
n_var <- if (length(args) >= 1) as.numeric(args[[1]]) else 1e6
n_genes <- if (length(args) >= 2) as.integer(args[[2]]) else 2000L
threads <- if (length(args) >= 3) as.integer(args[[3]]) else 2L
kernels <- if (length(args) >= 4) strsplit(args[[4]], ",")[[1]] else c("GRM", "I")
suppressPackageStartupMessages(library(genomicsemrs))
options(genomicsemrs.threads = threads, genomicsemrs.map_cis_timings = TRUE)
peak_mb <- function() {
  status <- readLines("/proc/self/status")
  as.numeric(gsub("[^0-9]", "", grep("^VmHWM", status, value = TRUE))) / 1024
}
reset_peak <- function() writeLines("5", "/proc/self/clear_refs")
dir <- tempfile("map_cis_bench")
dir.create(dir)

# Donors, cells, GRM and expression as in bench/single_cell.R.
set.seed(20261202)
m <- 1611L; n <- 26593L; snps <- 2000L
freq <- stats::runif(snps, 0.05, 0.5)
geno <- scale(vapply(freq, function(f) stats::rbinom(m, 2, f), numeric(m)))
grm <- tcrossprod(geno) / snps
ids <- sprintf("D%04d", seq_len(m))
dimnames(grm) <- list(ids, ids)
rm(geno)
donor <- c(seq_len(m), sample(m, n - m, replace = TRUE))[sample(n)]
cells <- data.frame(donor_id = ids[donor], age = stats::rnorm(m, 50, 10)[donor],
                    sex = stats::rbinom(m, 1, 0.5)[donor],
                    cell_type = factor(sample(c("a", "b", "c"), n, replace = TRUE)),
                    log_libsize = stats::rnorm(n, 8, 0.5))
root <- chol(grm + diag(1e-6, m))
expr <- matrix(0, n_genes, n, dimnames = list(sprintf("G%05d", seq_len(n_genes)), NULL))
for (block in split(seq_len(n_genes), ceiling(seq_len(n_genes) / 250))) {
  h2 <- stats::runif(length(block), 0, 0.5)
  u <- crossprod(root, matrix(stats::rnorm(m * length(block)), m)) %*% diag(sqrt(h2), length(block))
  e <- matrix(stats::rnorm(n * length(block)), n) %*% diag(sqrt(1 - h2), length(block))
  expr[block, ] <- t(u[donor, , drop = FALSE] + e + 0.01 * cells$age)
  invisible(gc())
}
rm(root, u, e)
covariates <- ~ age + sex + cell_type + log_libsize
null_time <- c(
  GRM = if ("GRM" %in% kernels) system.time(
    fit_grm <- fit_null_sc(expr, cells, grm = grm, covariates = covariates, future = FALSE)
  )[["elapsed"]] else NA,
  I = system.time(fit_i <- fit_null_sc(expr, cells, covariates = covariates,
                                       future = FALSE))[["elapsed"]])
rm(expr)
invisible(gc())

# PLINK set: records drawn from a pool of 4,096 random variants (MAF 0.05-0.5, 1% missing),
# written 50,000 variants at a time.
n_chrom <- 10L
per_chrom <- ceiling(n_var / n_chrom)
n_var <- per_chrom * n_chrom
spacing <- 667
bytes <- ceiling(m / 4)
pool <- vapply(seq_len(4096), function(k) {
  g <- stats::rbinom(m, 2, stats::runif(1, 0.05, 0.5))
  code <- c(3L, 2L, 0L)[g + 1L]
  code[stats::runif(m) < 0.01] <- 1L
  code <- c(code, rep(0L, 4L * bytes - m))
  q <- matrix(code, 4)
  as.integer(q[1, ] + 4L * q[2, ] + 16L * q[3, ] + 64L * q[4, ])
}, integer(bytes))
prefix <- file.path(dir, "geno")
con <- file(paste0(prefix, ".bed"), "wb")
writeBin(as.raw(c(0x6c, 0x1b, 0x01)), con)
for (start in seq(1, n_var, by = 50000)) {
  k <- min(50000, n_var - start + 1)
  writeBin(as.raw(pool[, sample(4096, k, replace = TRUE)]), con)
}
close(con)
rm(pool)
bim <- data.frame(CHR = rep(seq_len(n_chrom), each = per_chrom),
                  ID = paste0("v", seq_len(n_var)), cM = 0,
                  POS = rep(seq_len(per_chrom) * spacing, n_chrom), A1 = "A", A2 = "G")
utils::write.table(bim, paste0(prefix, ".bim"), sep = "\t", quote = FALSE, row.names = FALSE,
                   col.names = FALSE)
utils::write.table(data.frame(ids, ids, 0, 0, 0, -9), paste0(prefix, ".fam"), quote = FALSE,
                   row.names = FALSE, col.names = FALSE)
rm(bim)
chrom_len <- per_chrom * spacing
genes <- data.frame(gene_id = fit_i$genes$gene,
                    chrom = rep(seq_len(n_chrom), length.out = n_genes),
                    tss = round(stats::runif(n_genes, 1e6, chrom_len - 1e6)))
invisible(gc())
cat(sprintf("Simulated %d donors, %d cells, %d genes, %.0f variants (%.0f MB .bed); null fits %.1f s (GRM), %.1f s (K = I)\n",
            m, n, n_genes, n_var, file.size(paste0(prefix, ".bed")) / 2^20, null_time[["GRM"]],
            null_time[["I"]]))
cat(sprintf("Load average before mapping: %s\n", readLines("/proc/loadavg")))

cpu_now <- function() sum(summary(proc.time())[c("user", "system")])
run_map <- function(fit, label) {
  out <- file.path(dir, paste0(label, ".tsv.gz"))
  invisible(gc())
  reset_peak()
  base <- peak_mb()
  load <- readLines("/proc/loadavg")
  cpu0 <- cpu_now()
  time <- system.time(res <- map_cis(fit, prefix, genes, output = out, future = FALSE))
  cpu <- cpu_now() - cpu0  # includes the Rust threads (children are not involved)
  tests <- sum(res$genes$n_var_window)
  t <- attr(res, "timings")
  cat(sprintf(paste0("K = %s (load %s): %.1f s elapsed, %.1f s CPU for %d genes, %.0f gene x ",
                     "variant tests (%.0f per gene), %.0f MB file; %.2f us per test overall; ",
                     "peak memory added %.0f MB\n"),
              label, load, time[["elapsed"]], cpu, n_genes, tests, tests / n_genes,
              file.size(out) / 2^20, 1e6 * time[["elapsed"]] / tests, peak_mb() - base))
  gflop <- 2 * m^2 * t[["variants"]] / 1e9
  cat(sprintf(paste0("  Rust phases, wall (CPU of all threads): read %.1f s (%.1f), summarise ",
                     "%.1f s (%.1f), projection %.1f s (%.1f; %.0f variants%s), tests %.1f s ",
                     "(%.1f; %.3f us wall, %.3f us CPU per test), writing %.1f s (%.1f); R and ",
                     "other %.1f s\n"),
              t[["read"]], t[["cpu_read"]], t[["summarise"]], t[["cpu_summarise"]],
              t[["project"]], t[["cpu_project"]], t[["variants"]],
              if (label == "GRM") sprintf(", %.0f GFLOP, %.1f GFLOP/s wall, %.1f per CPU second",
                                          gflop, gflop / t[["project"]],
                                          gflop / t[["cpu_project"]]) else "",
              t[["test"]], t[["cpu_test"]], 1e6 * t[["test"]] / t[["tests"]],
              1e6 * t[["cpu_test"]] / t[["tests"]], t[["write"]], t[["cpu_write"]],
              time[["elapsed"]] - sum(t[c("read", "summarise", "project", "test", "write")])))
  list(time = time[["elapsed"]], tests = tests, res = res)
}
if ("GRM" %in% kernels) grm_run <- run_map(fit_grm, "GRM")
if ("I" %in% kernels) i_run <- run_map(fit_i, "I")
# Returned to R instead of a file (200 genes): the R-side shaping of the variant table.
sub <- genes[seq_len(min(200L, n_genes)), ]
time <- system.time(res <- map_cis(fit_i, prefix, sub, future = FALSE))[["elapsed"]]
t <- attr(res, "timings")
cat(sprintf(paste0("K = I, %d genes returned to R (%d rows): %.1f s elapsed, of which Rust %.1f s ",
                   "and R shaping %.1f s\n"), nrow(sub), nrow(res$variants), time,
            sum(t[c("read", "summarise", "project", "test", "write")]),
            time - sum(t[c("read", "summarise", "project", "test", "write")])))

# Per gene on the bundled example (120 donors, 2,611 cells, 151 variants per gene).
ex <- genomicsemrs_example("single_cell")
small_cells <- utils::read.delim(file.path(ex, "cells.tsv.gz"))
small_expr <- as.matrix(utils::read.delim(file.path(ex, "expr.tsv.gz"), row.names = 1))
small_genes <- utils::read.delim(file.path(ex, "genes.tsv"))
formula <- ~ age + sex + PC1 + PC2 + cell_type + log_libsize
small_fit <- fit_null_sc(small_expr, small_cells, grm = file.path(ex, "grm"), covariates = formula,
                         future = FALSE, cores = 1)
per_gene <- stats::median(replicate(5, system.time(
  map_cis(small_fit, file.path(ex, "genotypes"), small_genes, window = 75, future = FALSE, cores = 1)
)[["elapsed"]])) / nrow(small_genes)
cat(sprintf(paste0("Bundled example (K = GRM), 1 thread: map_cis %.2f ms per gene (incl. R shaping); ",
                   "dense cell-level score test 440 ms per gene: %.0fx faster\n"),
            1000 * per_gene, 440 / (1000 * per_gene)))
unlink(dir, recursive = TRUE)
