# Benchmark of count null fits (fit_null_sc(trait_type = "count")) at the scale of the original
# single-cell study (1,611 donors, 26,593 cells): time per gene for Poisson and NB with K = I
# and Poisson with a dense GRM (PQL iterations x one m x m tridiagonal reduction each), the
# extrapolation to 20,000 genes, and the peak memory of fitting from a sparse 20,000-gene
# count matrix. See bench/README.md.
# Usage: Rscript bench/single_cell_counts.R [genes K=I] [genes GRM] [threads] [sparse genes] [512|all]
args <- commandArgs(trailingOnly = TRUE)
n_genes <- if (length(args) >= 1) as.integer(args[[1]]) else 20L
n_grm <- if (length(args) >= 2) as.integer(args[[2]]) else 3L
threads <- if (length(args) >= 3) as.integer(args[[3]]) else 2L
n_sparse <- if (length(args) >= 4) as.integer(args[[4]]) else 20000L
# "all": fit every gene of the sparse matrix (the measured peak) instead of 512 of them (the
# estimated peak).
sparse_fit <- if (length(args) >= 5) args[[5]] else "512"
suppressPackageStartupMessages(library(genomicsemrs))
peak_mb <- function() {
  status <- readLines("/proc/self/status")
  as.numeric(gsub("[^0-9]", "", grep("^VmHWM", status, value = TRUE))) / 1024
}
cpu <- function(t) t[["user.self"]] + t[["sys.self"]] + t[["user.child"]] + t[["sys.child"]]
load <- function() strsplit(readLines("/proc/loadavg"), " ")[[1]][1]

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
covariates <- ~ age + sex + cell_type + offset(log_libsize)
# Counts: log mu = log_libsize - 8 + log(mean) + 0.005 (age - 50) + u[donor], mean 0.2-2
# (for the timings; the sparse matrix below uses means 0.02-0.2 per cell, ~9% nonzero, the
# density of droplet single-cell data).
simulate <- function(k, theta = Inf, kernel = root, means = c(0.2, 2)) {
  s2g <- stats::runif(k, 0.05, 0.3)
  u <- crossprod(kernel, matrix(stats::rnorm(m * k), m)) %*% diag(sqrt(s2g), k)
  base <- cells$log_libsize - 8 + 0.005 * (cells$age - 50)
  mu <- exp(base + t(t(u[donor, , drop = FALSE]) + log(stats::runif(k, means[1], means[2]))))
  y <- if (is.finite(theta)) stats::rnbinom(length(mu), mu = mu, size = theta) else
    stats::rpois(length(mu), mu)
  t(matrix(as.double(y), n))
}
time_fit <- function(y, grm, family) {
  t <- system.time(fit <- fit_null_sc(y, cells, grm = grm, covariates = covariates,
                                      trait_type = "count", family = family, cores = threads,
                                      future = FALSE))
  list(fit = fit, wall = t[["elapsed"]], cpu = cpu(t))
}
cat(sprintf("%d donors, %d cells, %d threads; load average %s\n", m, n, threads, load()))
rows <- list()
report <- function(label, r, k) {
  g <- r$fit$genes
  rows[[length(rows) + 1]] <<- data.frame(
    fit = label, genes = k, wall_per_gene_s = r$wall / k, cpu_per_gene_s = r$cpu / k,
    iterations_median = stats::median(g$iterations), converged = sum(g$converged),
    extrapolated_20k_h = r$wall / k * 20000 / 3600, load = load())
  cat(sprintf("%-12s %d genes: %.3f s/gene wall, %.3f s/gene CPU, PQL iterations median %g, %d converged; 20,000 genes: %.2f h\n",
              label, k, r$wall / k, r$cpu / k, stats::median(g$iterations), sum(g$converged),
              r$wall / k * 20000 / 3600))
}
report("poisson K=I", time_fit(simulate(n_genes), NULL, "poisson"), n_genes)
report("nb K=I", time_fit(simulate(n_genes, theta = 3, kernel = diag(m)), NULL, "nb"), n_genes)
grm_fit <- time_fit(simulate(n_grm), grm, "poisson")
report("poisson GRM", grm_fit, n_grm)
# One m x m eigendecomposition, as each PQL iteration runs it: stage 1 of the quantitative fit
# (its own eigendecomposition of D^1/2 K D^1/2) timed alone.
x <- stats::model.matrix(~ age + sex + cell_type, cells)
eigen_s <- stats::median(replicate(3, system.time(
  genomicsemrs:::rs_build_stage1_sc(match(cells$donor_id, ids), m, unname(grm), x, ncol(x),
                                    colnames(x), NULL, FALSE, threads))[["elapsed"]]))
iters <- grm_fit$fit$genes$iterations
cat(sprintf("GRM: PQL iterations %s; one m x m eigendecomposition (stage 1) %.2f s; iterations x eigen = %.2f s of %.2f s per gene\n",
            paste(iters, collapse = ", "), eigen_s, mean(iters) * eigen_s, grm_fit$wall / n_grm))
# Each PQL iteration now runs a tridiagonal reduction instead (working.rs): its cost per iteration.
cat(sprintf("GRM: per PQL iteration %.2f s wall, %.2f s CPU (per-gene time / mean iterations)\n",
            grm_fit$wall / n_grm / mean(iters), grm_fit$cpu / n_grm / mean(iters)))

# Peak memory: a sparse 20,000-gene count matrix (generated in blocks), one batch of 256
# genes fitted from it (the batch reads the slots in place; every batch is the same size).
if (n_sparse > 0) {
  blocks <- list()
  for (b in split(seq_len(n_sparse), ceiling(seq_len(n_sparse) / 500))) {
    blocks[[length(blocks) + 1]] <- Matrix::Matrix(simulate(length(b), kernel = diag(m),
                                                            means = c(0.02, 0.2)), sparse = TRUE)
    invisible(gc())
  }
  counts <- do.call(rbind, blocks)
  rownames(counts) <- sprintf("G%05d", seq_len(n_sparse))
  rm(blocks)
  invisible(gc())
  size_mb <- as.numeric(utils::object.size(counts)) / 2^20
  writeLines("5", "/proc/self/clear_refs")
  base <- peak_mb()
  if (sparse_fit == "all") {
    t <- system.time(fit <- fit_null_sc(counts, cells, covariates = covariates,
                                        trait_type = "count", cores = threads, future = FALSE))
    cat(sprintf(paste0("sparse %d genes: %.0f MB (%.1f%% nonzero); peak %.0f MB before, ",
                       "measured peak %.0f MB fitting all of them (%.3f s/gene wall, %d converged)\n"),
                n_sparse, size_mb, 100 * length(counts@x) / (as.double(n_sparse) * n), base,
                peak_mb(), t[["elapsed"]] / n_sparse, sum(fit$genes$converged, na.rm = TRUE)))
    print(do.call(rbind, rows), digits = 3, row.names = FALSE)
    quit(save = "no")
  }
  part <- counts[1:512, ]  # two batches; the full matrix stays in memory meanwhile
  t <- system.time(fit <- fit_null_sc(part, cells, covariates = covariates,
                                      trait_type = "count", cores = threads, future = FALSE))
  # The fit keeps one donor vector per gene (m doubles): 20,000 genes add this much.
  residual_mb <- 8 * m * n_sparse / 2^20
  cat(sprintf(paste0("sparse %d genes: %.0f MB (%.1f%% nonzero); peak %.0f MB before, %.0f MB ",
                     "while fitting 512 of its genes (%.3f s/gene wall); a 20,000-gene fit ",
                     "keeps %.0f MB of donor residuals: estimated peak %.0f MB\n"),
              n_sparse, size_mb, 100 * length(counts@x) / (as.double(n_sparse) * n), base,
              peak_mb(), t[["elapsed"]] / 512, residual_mb, peak_mb() + 2 * residual_mb))
}
print(do.call(rbind, rows), digits = 3, row.names = FALSE)
