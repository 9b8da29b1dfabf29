# The bundled single-cell example (inst/extdata/single_cell) and its reference fits.
sc_cache <- new.env(parent = emptyenv())

sc_example <- function() {
  if (is.null(sc_cache$data)) {
    dir <- genomicsemrs_example("single_cell")
    cells <- utils::read.delim(file.path(dir, "cells.tsv.gz"), stringsAsFactors = FALSE)
    expr <- as.matrix(utils::read.delim(file.path(dir, "expr.tsv.gz"), row.names = 1,
                                        check.names = FALSE))
    sc_cache$data <- list(cells = cells, expr = expr, grm_prefix = file.path(dir, "grm"))
  }
  sc_cache$data
}

sc_formula <- ~ age + sex + PC1 + PC2 + cell_type + log_libsize

sc_golden <- function(name) {
  utils::read.delim(fixture(file.path("single_cell", name)), stringsAsFactors = FALSE,
                    check.names = FALSE)
}

# The example fitted once per kernel (the tests compare these with several references).
sc_fit <- function(kernel = c("I", "GRM")) {
  kernel <- match.arg(kernel)
  key <- paste0("fit_", kernel)
  if (is.null(sc_cache[[key]])) {
    d <- sc_example()
    grm <- if (kernel == "GRM") d$grm_prefix else NULL
    sc_cache[[key]] <- fit_null_sc(d$expr, d$cells, grm = grm, covariates = sc_formula,
                                   future = FALSE)
  }
  sc_cache[[key]]
}

# Fixed effects of a fit next to a long-format golden (gene_id, term, estimate, se).
sc_fixef_pairs <- function(fit, golden) {
  key <- paste(fit$fixed_effects$gene, fit$fixed_effects$term)
  at <- match(paste(golden$gene_id, golden$term), key)
  stopifnot(!anyNA(at))
  list(ours = fit$fixed_effects[at, ], ref = golden)
}
