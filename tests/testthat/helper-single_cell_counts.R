# The step-2 count reference (shared/reference/single_cell/step2) and cached package fits.
count_cache <- new.env(parent = emptyenv())

count_ref <- function() {
  if (is.null(count_cache$ref)) {
    dir <- reference_dir("single_cell", "step2")
    top <- reference_dir("single_cell")
    grm <- as.matrix(utils::read.delim(file.path(top, "grm.tsv"), row.names = 1,
                                       check.names = FALSE))
    count_cache$ref <- list(
      dir = dir, cells = readRDS(file.path(top, "cells.rds")),
      counts = readRDS(file.path(dir, "counts.rds")), grm = grm,
      null = utils::read.delim(file.path(dir, "null_counts.tsv"), stringsAsFactors = FALSE),
      fixef = utils::read.delim(file.path(dir, "null_counts_fixef.tsv"), stringsAsFactors = FALSE),
      formula = ~ age + sex + PC1 + PC2 + cell_type + offset(log_libsize))
  }
  count_cache$ref
}

count_fit <- function(family, kernel) {
  key <- paste(family, kernel)
  if (is.null(count_cache[[key]])) {
    ref <- count_ref()
    count_cache[[key]] <- fit_null_sc(ref$counts, ref$cells,
                                      grm = if (kernel == "GRM") ref$grm,
                                      covariates = ref$formula, trait_type = "count",
                                      family = family, cores = 2)
  }
  count_cache[[key]]
}
