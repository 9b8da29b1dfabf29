# Count traits (trait_type = "count"): Poisson and negative-binomial mixed models fitted by
# PQL at donor level (spec shared/spec/single_cell_step2.md section 3). Called from
# fit_null_engine(); the Rust core fits each gene (src/rust/core/src/single_cell/count).

count_families <- c("poisson", "nb")

fit_null_counts <- function(counts, cells, grm, donor, covariates, donor_covariates, family,
                            tau, cores, future, batch_size, checkpoint, call) {
  check_string(family, "family", choices = count_families, call = call)
  if (!identical(tau, "per_gene")) {
    gsem_abort(paste0("`tau` must be \"per_gene\" for count traits (each gene's PQL fit ",
                      "estimates its own donor variance); got ", deparse1(tau), "."),
               call = call)
  }
  threads <- resolve_cores(cores, call = call)
  use_future <- resolve_future(future, call)
  check_number(batch_size, "batch_size", lower = 1, whole = TRUE, call = call)
  batch_size <- as.integer(batch_size)
  source <- count_source(counts, call)
  if (!is.data.frame(cells)) gsem_abort("`cells` must be a data frame with one row per cell.", call = call)
  if (nrow(cells) != source$n_cells) {
    gsem_abort(paste0("`cells` has ", nrow(cells), " rows but the counts have ", source$n_cells,
                      " cells: give one row of `cells` per cell (column of the counts)."),
               call = call)
  }
  check_string(donor, "donor", call = call)
  if (!donor %in% names(cells)) {
    gsem_abort(paste0("`donor` must name the donor id column of `cells`; `", format(donor),
                      "` is not among its columns (", paste(names(cells), collapse = ", "), ")."),
               call = call)
  }
  donors <- donor_structure(cells, donor, grm, call = call)
  x <- design_matrix(cells, donor, covariates, donor_covariates, call = call)
  offset <- count_offset(cells, covariates, call)
  tasks <- lapply(split_batches(seq_len(source$n_genes), batch_size), function(g) list(genes = g))
  run_task <- function(task, threads) {
    view <- source$view(task$genes)
    rs_value(rs_fit_counts_sc(view$values, view$p, view$i, view$x, view$n_genes, view$genes,
                              donors$index, length(donors$ids), donors$kernel, x, ncol(x),
                              offset, family, threads), call = call)
  }
  cp <- if (is.null(checkpoint)) NULL else
    checkpoint_open(checkpoint, list("fit_null_counts", counts, donors, x, offset, family,
                                     batch_size), length(tasks), call)
  # Held in an environment so that the assembly can drop each batch once copied: the batches'
  # donor residuals (m doubles per gene) then never exist twice.
  batches <- new.env(parent = emptyenv())
  batches$results <- run_batches(tasks, run_task, threads, use_future, cp, call)
  count_fit_object(source, donors, x, offset, family, tasks, batches, call)
}

# The offset of the covariate formula: the sum of its offset() terms evaluated on `cells`
# (0 without any). Must be finite in every cell.
count_offset <- function(cells, covariates, call) {
  if (!inherits(covariates, "formula")) return(rep(0, nrow(cells)))
  tt <- stats::terms(covariates)
  at <- attr(tt, "offset")
  if (is.null(at)) return(rep(0, nrow(cells)))
  vars <- as.list(attr(tt, "variables"))[-1L]
  offset <- rep(0, nrow(cells))
  for (k in at) {
    term <- vars[[k]]
    value <- tryCatch(eval(term[[2L]], cells, environment(covariates)), error = function(e) {
      gsem_abort(paste0("The offset term `", deparse1(term), "` of `covariates` cannot be ",
                        "evaluated on `cells`: ", conditionMessage(e)), call = call)
    })
    if (!is.numeric(value) || !length(value) %in% c(1L, nrow(cells))) {
      gsem_abort(paste0("The offset term `", deparse1(term), "` must be numeric with one value ",
                        "per cell."), call = call)
    }
    offset <- offset + as.double(value)
  }
  bad <- which(!is.finite(offset))
  if (length(bad)) {
    gsem_abort(paste0("The offset (", paste(vapply(vars[at], deparse1, ""), collapse = " + "),
                      ") is missing or infinite for ", length(bad), " cell(s): ", list_ids(bad),
                      ". Remove those cells or give them a finite library size."),
               class = "single_cell", call = call)
  }
  offset
}

# The counts as an accessor: a double matrix or the slots of a dgCMatrix are read in place by
# the Rust core (sparse counts are never densified beyond one gene at a time); integer
# matrices and data frames are converted one batch at a time.
count_source <- function(counts, call) {
  empty_slots <- list(p = integer(), i = integer(), x = double())
  if (inherits(counts, "sparseMatrix")) {
    if (!requireNamespace("Matrix", quietly = TRUE)) {
      gsem_abort("Sparse counts need the Matrix package.", call = call)
    }
    if (!inherits(counts, "dgCMatrix")) counts <- methods::as(counts, "CsparseMatrix")
    if (!inherits(counts, "dgCMatrix")) counts <- methods::as(counts, "generalMatrix")
    if (!inherits(counts, "dgCMatrix")) {
      gsem_abort("Sparse counts must be convertible to a Matrix::dgCMatrix (genes x cells).",
                 call = call)
    }
    genes <- rownames(counts)
    n_genes <- nrow(counts)
    n_cells <- ncol(counts)
    view <- function(index) list(values = NULL, p = counts@p, i = counts@i, x = counts@x,
                                 n_genes = n_genes, genes = as.integer(index))
  } else if (is.matrix(counts) && (is.numeric(counts) || is.logical(counts))) {
    genes <- rownames(counts)
    n_genes <- nrow(counts)
    n_cells <- ncol(counts)
    view <- if (is.double(counts)) {
      function(index) c(list(values = counts, n_genes = n_genes, genes = as.integer(index)),
                        empty_slots)
    } else {
      function(index) {
        values <- counts[index, , drop = FALSE]
        storage.mode(values) <- "double"
        c(list(values = values, n_genes = length(index), genes = seq_along(index)), empty_slots)
      }
    }
  } else if (is.data.frame(counts)) {
    numeric_cols <- vapply(counts, is.numeric, logical(1))
    if (!all(numeric_cols)) {
      gsem_abort(paste0("Every column of the counts data frame (one per gene) must be numeric; ",
                        "not: ", list_ids(names(counts)[!numeric_cols]), "."), call = call)
    }
    genes <- names(counts)
    n_genes <- ncol(counts)
    n_cells <- nrow(counts)
    view <- function(index) {
      values <- t(matrix(as.double(unlist(counts[index], use.names = FALSE)), nrow = n_cells))
      c(list(values = values, n_genes = length(index), genes = seq_along(index)), empty_slots)
    }
  } else {
    gsem_abort(paste0("The counts must be a numeric genes x cells matrix, a Matrix::dgCMatrix ",
                      "or a data frame with one numeric column per gene."), call = call)
  }
  if (n_genes == 0L) gsem_abort("The counts hold no genes.", call = call)
  if (is.null(genes)) genes <- paste0("gene", seq_len(n_genes))
  if (anyDuplicated(genes)) {
    gsem_abort(paste0("Gene names of the counts must be unique; repeated: ",
                      list_ids(unique(genes[duplicated(genes)])), "."), call = call)
  }
  list(genes = genes, n_genes = n_genes, n_cells = n_cells, view = view)
}

count_fit_object <- function(source, donors, x, offset, family, tasks, batches, call) {
  n <- source$n_genes
  p <- ncol(x)
  m <- length(donors$ids)
  num <- rep(NA_real_, n)
  genes <- data.frame(gene = source$genes, tau = num, sigma2_g = num, phi = rep(1, n),
                      theta = num, not_overdispersed = rep(NA, n), reml_crit = num,
                      iterations = rep(0L, n), theta_iterations = rep(NA_integer_, n),
                      converged = rep(FALSE, n), at_boundary = rep(FALSE, n),
                      status = rep("", n), n_cells = rep(NA_integer_, n),
                      n_donors = rep(NA_integer_, n), stringsAsFactors = FALSE)
  beta <- matrix(NA_real_, p, n)
  se <- matrix(NA_real_, p, n)
  residual <- matrix(NA_real_, m, n, dimnames = list(donors$ids, source$genes))
  missing <- vector("list", n)
  for (k in seq_along(tasks)) {
    at <- tasks[[k]]$genes
    r <- batches$results[[k]]
    batches$results[k] <- list(NULL)
    genes$tau[at] <- r$tau
    genes$theta[at] <- r$theta
    genes$reml_crit[at] <- r$reml_crit
    genes$iterations[at] <- as.integer(r$pql_iterations)
    genes$theta_iterations[at] <- as.integer(r$theta_iterations)
    genes$converged[at] <- r$converged
    genes$at_boundary[at] <- r$at_boundary
    genes$status[at] <- r$status
    genes$n_cells[at] <- as.integer(r$n_cells)
    genes$n_donors[at] <- as.integer(r$n_donors)
    beta[, at] <- matrix(r$beta, p)
    se[, at] <- matrix(r$se, p)
    residual[, at] <- matrix(r$residual, m)
    missing[at] <- r$missing_cells
  }
  ok <- genes$status == "ok"
  genes$tau[!ok] <- NA_real_
  genes$sigma2_g <- genes$tau  # phi = 1: sigma2_g = tau
  genes$phi[!ok] <- NA_real_
  genes$n_cells[!ok] <- NA_integer_
  genes$n_donors[!ok] <- NA_integer_
  if (family == "nb") {
    genes$not_overdispersed <- ifelse(ok, is.infinite(genes$theta), NA)
  } else {
    genes$theta <- NA_real_
    genes$theta_iterations <- NA_integer_
  }
  genes$theta[is.nan(genes$theta)] <- NA_real_
  beta[is.nan(beta)] <- NA_real_
  se[is.nan(se)] <- NA_real_
  warn_count_statuses(genes, call)
  terms <- colnames(x)
  fixed <- data.frame(gene = rep(source$genes, each = p), term = rep(terms, n),
                      estimate = as.vector(beta), se = as.vector(se), stringsAsFactors = FALSE)
  structure(
    list(genes = genes, fixed_effects = fixed, donors = donors$ids,
         donor_of_cell = donors$index, design = terms,
         kernel = if (is.null(donors$kernel)) "identity" else "grm",
         tau = "per_gene", n_cells = source$n_cells, trait_type = "count", family = family,
         count = list(x = x, offset = offset, kernel = donors$kernel, residual = residual,
                      beta = beta, missing_cells = missing)),
    class = "gsem_null_sc"
  )
}

# One counted warning per kind of unusable gene.
warn_count_statuses <- function(genes, call) {
  reasons <- c(invalid_counts = "negative, non-integer or infinite counts",
               all_zero = "only zero counts", diverged = "a diverging PQL iteration",
               design_singular = "collinear covariates on their observed cells",
               too_few_observations = "fewer than two donors or too few cells observed")
  for (code in names(reasons)) {
    bad <- genes$gene[genes$status == code]
    if (length(bad)) {
      gsem_warn(paste0(length(bad), " gene(s) with ", reasons[[code]], " were not fitted ",
                       "(status \"", code, "\"): ", list_ids(bad), "."),
                class = "count_genes", call = call)
    }
  }
}

print_count_fit <- function(x, n) {
  genes <- x$genes
  ok <- genes$status == "ok"
  kernel <- if (x$kernel == "grm") "K = GRM" else "K = I (donor random intercept)"
  family <- if (x$family == "nb") "negative binomial" else "Poisson"
  cat("Single-cell count null fits (", family, " PQL, REML, phi = 1), ", kernel, "\n", sep = "")
  cat(nrow(genes), " genes (", sum(ok), " fitted), ", x$n_cells, " cells, ", length(x$donors),
      " donors, ", length(x$design), " fixed-effect columns\n", sep = "")
  if (any(!ok)) {
    flagged <- table(genes$status[!ok])
    cat("Flagged genes: ", paste0(names(flagged), " ", flagged, collapse = ", "), "\n", sep = "")
  }
  cols <- c("gene", "sigma2_g", if (x$family == "nb") "theta", "iterations", "converged",
            "at_boundary", "status")
  print(utils::head(genes[cols], n), digits = 4, row.names = FALSE)
  if (nrow(genes) > n) cat("... ", nrow(genes) - n, " more genes in `$genes`\n", sep = "")
  invisible(x)
}
