# Benchmark of fit_null_sc() at the scale of the original single-cell study (1,611 donors,
# 26,593 cells, 2,000 genes, a dense GRM): stage 1 time, time per gene, peak memory; then the
# per-gene time against lme4::lmer on the bundled example (K = I). See bench/README.md.
# Usage: Rscript bench/single_cell.R [genes] [threads]
args <- commandArgs(trailingOnly = TRUE)
n_genes <- if (length(args) >= 1) as.integer(args[[1]]) else 2000L
threads <- if (length(args) >= 2) as.integer(args[[2]]) else 2L
suppressPackageStartupMessages(library(genomicsemrs))
options(genomicsemrs.threads = threads)
peak_mb <- function() {
  status <- readLines("/proc/self/status")
  as.numeric(gsub("[^0-9]", "", grep("^VmHWM", status, value = TRUE))) / 1024
}

# Simulated data: GRM from 2,000 random SNPs, donors with 1 to 32 cells (mean 16.5).
set.seed(20261122)
m <- 1611L; n <- 26593L; snps <- 2000L
freq <- stats::runif(snps, 0.05, 0.5)
geno <- vapply(freq, function(f) stats::rbinom(m, 2, f), numeric(m))
geno <- scale(geno)
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
  invisible(gc())  # each block leaves ~300 MB of temporaries: keep the simulation below 1 GB
}
rm(root, u, e)
invisible(gc())
cat(sprintf("Simulated %d donors, %d cells, %d genes; peak memory so far %.0f MB\n",
            m, n, n_genes, peak_mb()))
writeLines("5", "/proc/self/clear_refs")  # reset the peak (VmHWM) to the current size
base_mb <- peak_mb()

covariates <- ~ age + sex + cell_type + log_libsize
cat(sprintf("Load average before the fit: %s\n", readLines("/proc/loadavg")))
fit_time <- system.time(
  fit <- fit_null_sc(expr, cells, grm = grm, covariates = covariates, future = FALSE)
)[["elapsed"]]
fit_peak_mb <- peak_mb()
# Stage 1 alone, as fit_null_sc() runs it (same inputs, same threads).
x <- stats::model.matrix(covariates, cells)
kernel <- unname(grm[ids, ids])
stage1_time <- stats::median(replicate(3, system.time(
  genomicsemrs:::rs_build_stage1_sc(match(cells$donor_id, ids), m, kernel, x, ncol(x),
                                    colnames(x), NULL, FALSE, threads)
)[["elapsed"]]))
per_gene <- (fit_time - stage1_time) / n_genes
cat(sprintf(paste0("fit_null_sc, %d threads: total %.2f s for %d genes; stage 1 %.2f s; ",
                   "%.2f ms per gene (incl. R batching); 20,000 genes would take %.1f s\n"),
            threads, fit_time, n_genes, stage1_time, 1000 * per_gene,
            stage1_time + 20000 * per_gene))
cat(sprintf(paste0("Fitted: %d ok, %d at tau = 0; peak memory of the process during the fit %.0f MB, ",
                   "of which %.0f MB before it (the %.0f MB expression matrix, GRM, R): ",
                   "the fit adds %.0f MB\n"),
            sum(fit$genes$status == "ok"), sum(fit$genes$at_boundary, na.rm = TRUE),
            fit_peak_mb, base_mb, object.size(expr) / 2^20, fit_peak_mb - base_mb))

# Ratio per gene against lme4 on the bundled example (120 donors, 2,611 cells, K = I).
if (requireNamespace("lme4", quietly = TRUE)) {
  dir <- genomicsemrs_example("single_cell")
  small_cells <- utils::read.delim(file.path(dir, "cells.tsv.gz"))
  small_expr <- as.matrix(utils::read.delim(file.path(dir, "expr.tsv.gz"), row.names = 1))
  formula <- ~ age + sex + PC1 + PC2 + cell_type + log_libsize
  ours <- stats::median(replicate(5, system.time(
    fit_null_sc(small_expr, small_cells, covariates = formula, future = FALSE, cores = 1)
  )[["elapsed"]])) / nrow(small_expr)
  genes <- rownames(small_expr)[1:20]
  lme4_time <- system.time(for (g in genes) {
    small_cells$y <- small_expr[g, ]
    lme4::lmer(y ~ age + sex + PC1 + PC2 + cell_type + log_libsize + (1 | donor_id),
               data = small_cells, REML = TRUE)
  })[["elapsed"]] / length(genes)
  cat(sprintf(paste0("Bundled example (K = I), 1 thread: fit_null_sc %.2f ms per gene ",
                     "(incl. stage 1), lme4::lmer %.1f ms per gene: %.0fx faster\n"),
              1000 * ours, 1000 * lme4_time, lme4_time / ours))
}
