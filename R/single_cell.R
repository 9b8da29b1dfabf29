#' Fit single-cell expression null models by exact REML
#'
#' Fits, gene by gene, the cell-level linear mixed model
#' `y = X b + Z u + e`, `u ~ N(0, sigma2_g K)`, `e ~ N(0, sigma2_e I)`, where `Z` maps cells to
#' donors and `K` is the donors' genetic relationship matrix (GRM; `K = I` without one, which
#' is lme4's `lmer(y ~ X + (1 | donor), REML = TRUE)`). The fit is exact restricted maximum
#' likelihood at the cell level, in two stages: an eigendecomposition of the m x m donor
#' matrix `D^1/2 K D^1/2` once per set of observed cells, then a one-dimensional profile REML
#' over `tau = sigma2_g / sigma2_e` per gene at O(cells + donors^2) cost. No cells x cells
#' matrix is ever formed, and each gene gets its own variance ratio (earlier tools average
#' cells per donor and share one ratio across genes; `tau = "shared"` or a number reproduces
#' that choice of a common ratio, exactly rather than approximately).
#'
#' @section Missing values: `NA` in `expr` means the cell is not observed for that gene. Genes
#'   are grouped by their set of observed cells and stage 1 runs once per group; a donor left
#'   without cells drops out of that gene's fit. Covariates must not be missing (an error
#'   names the first cell). Genes that cannot be fitted are flagged in `status`, with `NA`
#'   estimates: `constant` (the same value in every cell), `explained_by_covariates`,
#'   `non_finite` (an infinite value), `too_few_observations` (fewer than two donors or no
#'   residual degree of freedom after removing missing cells), `design_singular`
#'   (covariates collinear on the observed cells) and `tau_not_identifiable`: the donor
#'   variance cannot be told apart from the residual variance for that set of cells, so
#'   `tau` is not estimable (one cell per donor with `grm = NULL`, a GRM of zeros, a GRM of
#'   ones, whose donor effect is the intercept). It is detected exactly, from the eigenvalues
#'   of `Z K Z'` left after projecting out the covariates: the REML likelihood is flat in
#'   `tau` when they are all equal. A fixed `tau` needs no identification.
#'
#' @section Parallelism, progress and interrupts: Genes are fitted in batches of `batch_size`.
#'   Within a batch the Rust core uses `cores` threads. With `future = TRUE` (by default when
#'   future.apply is installed and a non-sequential [future::plan()] is set) the batches are
#'   spread with [future.apply::future_lapply()], so any plan (`multisession`, `cluster`,
#'   `future.batchtools`) distributes them; each worker then uses `cores` threads (1 when
#'   `cores` is not given). Batches are the same whatever the plan, and so are the results,
#'   to the last bit. Progress over batches is reported through progressr: wrap the call in
#'   [progressr::with_progress()] or set `progressr::handlers(global = TRUE)` to see a bar.
#'   Ctrl-C stops a sequential fit within a second.
#'
#' @section Count traits: With `trait_type = "count"`, `expr` holds counts (an integer or double
#'   matrix or a `Matrix::dgCMatrix`, genes x cells; a dgCMatrix is read in place, never
#'   densified beyond one gene) and `offset()` terms of the `covariates` formula are offsets
#'   (`~ age + cell_type + offset(log_libsize)`). Each gene is fitted by penalised
#'   quasi-likelihood as SAIGE-QTL does: per iteration, REML of the working linear mixed model
#'   `Sigma = W^-1 + tau Z K Z'` (`phi = 1`, `sigma2_g = tau`), solved exactly at the donor
#'   level (one eigendecomposition of `Dw^1/2 K Dw^1/2`, closed form for `K = I`), until the
#'   linear predictor changes by less than 1e-10. With `family = "nb"`, theta (`Var = mu +
#'   mu^2 / theta`) is the maximum-likelihood value given the means, alternated with PQL; genes
#'   whose counts are not overdispersed get `theta = Inf`, `not_overdispersed = TRUE` and the
#'   Poisson fit. The result's `genes` table has `tau`, `sigma2_g`, `phi` (1), `theta`,
#'   `not_overdispersed`, `reml_crit` (working `-2 l_R`), `iterations` (PQL iterations of the
#'   final fit; with a `grm` it starts from the `K = I` fit, whose iterations are not counted),
#'   `theta_iterations`, `converged`, `at_boundary`, `status`, `n_cells`, `n_donors`;
#'   `fixed_effects` are on the log scale; `count` keeps what [map_cis()] needs (per gene the
#'   donor score residual `Z' Sigma^-1 (Y~ - X b)`, whose `tau K` multiple is the BLUP). Genes
#'   with negative, non-integer or infinite counts (`invalid_counts`), only zeros (`all_zero`)
#'   or a diverging iteration (`diverged`) are not fitted and counted in a warning of class
#'   `genomicsemrs_warning_count_genes`; a missing or infinite offset is an error. `tau` must be
#'   `"per_gene"`.
#'
#' @section Bad input: Donors of `cells` absent from the GRM are listed in an error (class
#'   `genomicsemrs_error_grm`), as are a GRM without ids, not symmetric, or with a clearly
#'   negative eigenvalue (a plink GRM is centred and singular, which is fine). Collinear
#'   covariates, fewer than two donors or no residual degrees of freedom raise errors of class
#'   `genomicsemrs_error_single_cell`. Donors with a single cell are valid (they inform the
#'   residual variance only through the donor effect) and are counted in the printout.
#'
#' @param expr Expression, genes x cells: a numeric matrix (a double matrix is read in place,
#'   never copied), a `Matrix::dgCMatrix` (converted to dense one batch at a time) or a data
#'   frame with one numeric column per gene and one row per cell. Row names (or data-frame
#'   column names) name the genes.
#' @param cells Data frame with one row per cell, in the order of `expr`'s cells, holding the
#'   donor id column and the cell-level covariates.
#' @param grm The donors' GRM: a numeric matrix with donor ids as row and column names, a GCTA
#'   GRM prefix or `.grm.bin` path, or a SAIGE-style sparse `.mtx` path (see [read_grm()]).
#'   `NULL` (default) uses `K = I`, a donor random intercept. Donors of the GRM without cells
#'   are ignored.
#' @param donor Name of the donor id column of `cells` (and of `donor_covariates`).
#' @param covariates Fixed effects besides the intercept: a character vector of column names
#'   of `cells` or a one-sided formula over them (`~ age + cell_type`). Factors and character
#'   columns become treatment-contrast dummies, as in [stats::model.matrix()].
#' @param donor_covariates Optional data frame with one row per donor (the `donor` column plus
#'   donor-level covariates such as genotype PCs); all its other columns join the design,
#'   repeated on each of the donor's cells.
#' @param trait_type `"quantitative"` (the linear mixed model above) or `"count"`: a Poisson or
#'   negative-binomial mixed model `log mu = offset + X b + Z u` fitted by PQL (see Count
#'   traits).
#' @param family For count traits: `"poisson"` (default) or `"nb"` (negative binomial, its
#'   dispersion estimated per gene). Ignored for quantitative traits.
#' @param tau `"per_gene"` (default: REML per gene), `"shared"` (one value maximising the
#'   REML log-likelihood summed over genes) or a number >= 0 (fixed for every gene; only
#'   `sigma2_e` and the fixed effects are estimated).
#' @param cores Threads for the Rust core (default: see [genomicsemrs_sitrep()]).
#' @param future Spread gene batches with future.apply: `TRUE`, `FALSE`, or `NULL` (default)
#'   for "when a non-sequential plan is set". Ignored for `tau = "shared"`, which needs all
#'   genes at once.
#' @param checkpoint A folder that every finished gene batch is written to, or `NULL` (off);
#'   see [userGWAS()]: a rerun with the same inputs resumes, other inputs are refused. Not
#'   available with `tau = "shared"`, which fits all genes at once.
#' @param batch_size Genes per batch (the unit of progress and of future tasks). A double
#'   matrix `expr` is read in place whatever the batch size. Other inputs are converted to a
#'   dense batch of `batch_size` x cells doubles (54 MB for 256 genes and 26,593 cells), freed
#'   after each batch: a smaller `batch_size` lowers their peak memory.
#' @return An object of class `gsem_null_sc`, a plain list that survives [saveRDS()]:
#'   * `genes`: one row per gene: `gene`, `tau`, `sigma2_g`, `sigma2_e`, `h2 = sigma2_g /
#'     (sigma2_g + sigma2_e)`, `loglik_reml` (lme4's convention: `logLik()` of the REML fit),
#'     `iterations` (criterion evaluations), `converged`, `at_boundary` (`tau` = 0), `status`,
#'     `n_cells` and `n_donors` (observed).
#'   * `fixed_effects`: one row per gene and design column: `gene`, `term`, `estimate`, `se`
#'     (from `sigma2_e (X' H^-1 X)^-1`, as lme4's `vcov()`).
#'   * `stage1`: one entry per set of observed cells: its `genes`, `missing_cells`, the
#'     stage-1 `state` (donor eigensystem, rotated design) and `score`, per gene the
#'     donor-level statistics (rotated donor sums, `Xw'y`, `yw'yw`) that [map_cis()] reuses.
#'   * `donors` (ids in the order of the stage-1 donor indices), `donor_of_cell`, `design`
#'     (column names), `kernel` (`"identity"` or `"grm"`), `tau`, `shared_tau`, `n_cells`.
#' @seealso [fit_null()] for one observation per sample, [read_grm()].
#' @export
#' @examples
#' dir <- genomicsemrs_example("single_cell")
#' cells <- read.delim(file.path(dir, "cells.tsv.gz"))
#' expr <- as.matrix(read.delim(file.path(dir, "expr.tsv.gz"), row.names = 1))
#' fit <- fit_null_sc(expr[1:5, ], cells, grm = file.path(dir, "grm"),
#'                    covariates = ~ age + sex + PC1 + PC2 + cell_type + log_libsize, cores = 1)
#' fit
#' head(fit$fixed_effects)
fit_null_sc <- function(expr, cells, grm = NULL, donor = "donor_id", covariates = character(),
                        donor_covariates = NULL, trait_type = "quantitative", tau = "per_gene",
                        cores = NULL, future = NULL, batch_size = 256L, checkpoint = NULL,
                        family = "poisson") {
  fit_null_engine(expr, cells, grm, donor, covariates, donor_covariates, trait_type, tau, cores,
                  future, batch_size, checkpoint, call = sys.call(), family = family)
}

#' Fit null models with one observation per sample
#'
#' The model of [fit_null_sc()] when every sample (donor) has exactly one observation: the
#' classical GREML null model `y = X b + g + e`, `g ~ N(0, sigma2_g K)`, fitted by exact REML
#' per trait (or gene) through one eigendecomposition of the GRM. A GRM is required: with
#' `K = I` and one observation per sample the genetic and residual variances cannot be told
#' apart.
#'
#' @inheritParams fit_null_sc
#' @param expr Traits, traits x samples: a numeric matrix, a `Matrix::dgCMatrix` or a data frame
#'   with one numeric column per trait and one row per sample.
#' @param samples Data frame with one row per sample, in the order of `expr`'s samples, holding
#'   the sample id column and the covariates.
#' @param grm The samples' GRM (matrix with ids as dimnames, GCTA prefix or sparse `.mtx`).
#' @param id Name of the sample id column of `samples`.
#' @return As for [fit_null_sc()] (`n_cells` = samples).
#' @export
#' @examples
#' # 40 families of three siblings and one observation per sample.
#' set.seed(1)
#' family <- rep(1:40, each = 3)
#' grm <- 0.5 * outer(family, family, "==") + 0.5 * diag(120)
#' ids <- sprintf("S%03d", 1:120)
#' dimnames(grm) <- list(ids, ids)
#' samples <- data.frame(sample_id = ids, age = rnorm(120, 50, 10))
#' y <- t(chol(grm)) %*% rnorm(120) + rnorm(120) + 0.02 * samples$age
#' fit_null(rbind(trait = drop(y)), samples, grm = grm, covariates = "age", cores = 1)
fit_null <- function(expr, samples, grm, id = "sample_id", covariates = character(),
                     trait_type = "quantitative", tau = "per_gene", cores = NULL,
                     future = NULL, batch_size = 256L, checkpoint = NULL, family = "poisson") {
  call <- sys.call()
  if (missing(grm) || is.null(grm)) {
    gsem_abort(paste0("`grm` is required: with one observation per sample and no GRM the ",
                      "genetic and residual variances cannot be told apart."), call = call)
  }
  check_string(id, "id", call = call)
  if (is.data.frame(samples) && id %in% names(samples)) {
    ids <- as.character(samples[[id]])
    if (anyDuplicated(ids)) {
      gsem_abort(paste0("`samples` must hold one row per sample; repeated id(s): ",
                        list_ids(unique(ids[duplicated(ids)])), ". Use fit_null_sc() for ",
                        "repeated observations."), call = call)
    }
  }
  fit_null_engine(expr, samples, grm, id, covariates, NULL, trait_type, tau, cores, future,
                  batch_size, checkpoint, call = call, family = family)
}

#' @export
print.gsem_null_sc <- function(x, n = 6L, ...) {
  if (identical(x$trait_type, "count")) return(print_count_fit(x, n))
  genes <- x$genes
  ok <- genes$status == "ok"
  kernel <- if (x$kernel == "grm") "K = GRM" else "K = I (donor random intercept)"
  tau <- if (is.numeric(x$tau)) paste0("fixed at ", format(x$tau)) else x$tau
  if (identical(x$tau, "shared")) tau <- paste0("shared (", format(x$shared_tau, digits = 6), ")")
  cat("Single-cell null model fits (exact REML), ", kernel, "\n", sep = "")
  cat(nrow(genes), " genes (", sum(ok), " fitted), ", x$n_cells, " cells, ", length(x$donors),
      " donors, ", length(x$design), " fixed-effect columns; tau: ", tau, "\n", sep = "")
  single <- vapply(x$stage1, function(g) g$state$single_cell_donors %||% 0, numeric(1))
  if (any(single > 0)) cat("Donors with a single cell:", max(single), "\n")
  if (any(!ok)) {
    flagged <- table(genes$status[!ok])
    cat("Flagged genes: ", paste0(names(flagged), " ", flagged, collapse = ", "), "\n", sep = "")
  }
  shown <- utils::head(genes[c("gene", "tau", "sigma2_g", "sigma2_e", "h2", "loglik_reml",
                               "converged", "at_boundary", "status")], n)
  print(shown, digits = 4, row.names = FALSE)
  if (nrow(genes) > n) cat("... ", nrow(genes) - n, " more genes in `$genes`\n", sep = "")
  invisible(x)
}
