# Fuzz targets of count traits: fit_null_sc(trait_type = "count") and map_cis() on its result,
# on the bundled example's counts (see test-fuzz.R).
fuzz_targets_counts <- function(dir) {
  sc_dir <- genomicsemrs_example("single_cell")
  cells <- utils::read.delim(file.path(sc_dir, "cells.tsv.gz"), stringsAsFactors = FALSE)
  counts <- as.matrix(utils::read.delim(file.path(sc_dir, "counts.tsv.gz"), row.names = 1))
  keep <- cells$donor_id %in% unique(cells$donor_id)[1:30]
  cells <- cells[keep, ]
  counts <- counts[c("C002", "C003"), keep, drop = FALSE]
  formula <- ~ age + sex + offset(log_libsize)
  fit <- fit_null_sc(counts, cells, covariates = formula, trait_type = "count", cores = 1,
                     future = FALSE)
  genes <- utils::read.delim(file.path(sc_dir, "genes_counts.tsv"))[2:3, ]
  count_check <- function(x) {
    g <- x$genes
    if (!nrow(g)) return("no genes")
    ok <- g$status == "ok"
    all_finite(c(g$tau[ok], g$sigma2_g[ok], 1), "ok genes' variances")
  }
  list(
    fit_null_sc_counts = list(fun = fit_null_sc, tables = c("expr", "cells"), args = list(
      expr = counts, cells = cells, grm = NULL, donor = "donor_id", covariates = formula,
      donor_covariates = NULL, trait_type = "count", tau = "per_gene", cores = 1,
      future = FALSE, batch_size = 256L, checkpoint = NULL, family = "poisson"),
      check = count_check),
    map_cis_counts = list(fun = map_cis, tables = "genes", args = list(
      null = fit, genotypes = file.path(sc_dir, "genotypes"), genes = genes, window = 75,
      min_mac = 1, max_missing = 0.15, cores = 1, future = FALSE, batch_size = 2L,
      checkpoint = NULL, output = NULL),
      check = function(x) {
        v <- x$variants
        tested <- !is.na(v$var)
        all_finite(c(v$Tstat[tested], v$var[tested], v$p.value[tested], 1),
                   "tested variants' statistics")
      })
  )
}
