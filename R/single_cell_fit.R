# The engine behind fit_null_sc() and fit_null(): stage 1 once per set of observed cells,
# stage 2 over gene batches (sequentially or with future.apply), then the result object.

# Default number of genes per batch: the unit of progress reports and of future.apply tasks.
# Batches are fixed before any plan is consulted, so every plan computes the same numbers.
default_batch_size <- 256L

fit_null_engine <- function(expr, cells, grm, donor, covariates, donor_covariates, trait_type,
                            tau, cores, future, batch_size, checkpoint, call,
                            family = "poisson") {
  check_trait_type(trait_type, call)
  if (identical(trait_type, "count")) {
    return(fit_null_counts(expr, cells, grm, donor, covariates, donor_covariates, family, tau,
                           cores, future, batch_size, checkpoint, call))
  }
  tau_mode <- check_tau(tau, call)
  threads <- resolve_cores(cores, call = call)
  use_future <- resolve_future(future, call)
  check_number(batch_size, "batch_size", lower = 1, whole = TRUE,
               call = call)
  batch_size <- as.integer(batch_size)
  source <- expression_source(expr, call = call)
  if (!is.data.frame(cells)) gsem_abort("`cells` must be a data frame with one row per cell.", call = call)
  if (nrow(cells) != source$n_cells) {
    gsem_abort(paste0("`cells` has ", nrow(cells), " rows but `expr` has ", source$n_cells,
                      " cells: give one row of `cells` per cell (column of `expr`)."), call = call)
  }
  check_string(donor, "donor", call = call)
  if (!donor %in% names(cells)) {
    gsem_abort(paste0("`donor` must name the donor id column of `cells`; `", format(donor),
                      "` is not among its columns (", paste(names(cells), collapse = ", "), ")."),
               call = call)
  }
  donors <- donor_structure(cells, donor, grm, call = call)
  x <- design_matrix(cells, donor, covariates, donor_covariates, call = call)
  setup <- list(donors = donors, x = x, threads = threads, call = call)
  if (!is.null(checkpoint) && identical(tau_mode, "shared")) {
    gsem_abort(paste0("`checkpoint` needs gene batches, but `tau = \"shared\"` fits all genes ",
                      "at once; use it without `checkpoint`."), call = call)
  }
  fitted <- if (identical(tau_mode, "shared")) {
    fit_shared(source, setup)
  } else {
    fingerprint <- list("fit_null", expr, donors, x, tau_mode, as.integer(batch_size))
    fit_batched(source, setup, if (is.numeric(tau_mode)) tau_mode else NA_real_, use_future,
                batch_size, checkpoint, fingerprint)
  }
  null_fit_object(source, setup, fitted, tau_mode)
}

check_trait_type <- function(trait_type, call) {
  check_string(trait_type, "trait_type", choices = c("quantitative", "count"), call = call)
}

check_tau <- function(tau, call) {
  if (identical(tau, "per_gene") || identical(tau, "shared")) return(tau)
  if (is.numeric(tau) && length(tau) == 1L && is.finite(tau) && tau >= 0) return(as.double(tau))
  gsem_abort(paste0("`tau` must be \"per_gene\", \"shared\" or a single number >= 0, not ",
                    deparse1(tau), "."), call = call)
}

# NULL: use future.apply when it is installed and a non-sequential plan is set.
resolve_future <- function(future, call) {
  if (is.null(future)) {
    return(requireNamespace("future.apply", quietly = TRUE) &&
             !inherits(future::plan(), "sequential"))
  }
  check_flag(future, "future", call = call)
  if (future && !requireNamespace("future.apply", quietly = TRUE)) {
    gsem_abort("`future = TRUE` needs the future.apply package.", call = call)
  }
  future
}

build_stage1 <- function(setup, observed, as_flag) {
  rs_value(rs_build_stage1_sc(setup$donors$index, length(setup$donors$ids), setup$donors$kernel,
                              setup$x, ncol(setup$x), colnames(setup$x), observed, as_flag,
                              setup$threads), call = setup$call)
}

fit_batched <- function(source, setup, tau, use_future, batch_size, checkpoint = NULL,
                        fingerprint = NULL) {
  groups <- missing_groups(source, batch_size)
  full <- build_stage1(setup, NULL, FALSE)
  states <- lapply(groups, function(g) {
    if (!length(g$missing)) return(full)
    build_stage1(setup, seq_len(source$n_cells)[-g$missing], TRUE)
  })
  tasks <- list()
  for (k in seq_along(groups)) {
    if (isFALSE(states[[k]]$ok)) next
    for (genes in split_batches(groups[[k]]$genes, batch_size)) {
      tasks[[length(tasks) + 1L]] <- list(group = k, genes = genes)
    }
  }
  run_task <- function(task, threads) {
    view <- source$view(task$genes)
    out <- rs_value(rs_fit_genes_sc(states[[task$group]], view$values, view$n_genes, view$genes,
                                    tau, threads),
                    call = setup$call)
    if (!source$in_place) {
      # A converted batch (54 MB for 256 genes x 26,593 cells, plus Matrix's intermediates)
      # is garbage now; R's collector would let ~1 GB of them pile up before running.
      rm(view)
      gc(full = FALSE)
    }
    out
  }
  cp <- checkpoint_open(checkpoint, fingerprint, length(tasks), setup$call)
  results <- run_batches(tasks, run_task, setup$threads, use_future, cp, setup$call)
  list(groups = groups, states = states, tasks = tasks, results = results, shared_tau = NULL)
}

fit_shared <- function(source, setup) {
  values <- source$view(seq_len(source$n_genes))$values  # a double matrix is not copied
  out <- rs_value(rs_fit_null_sc(setup$donors$index, length(setup$donors$ids), setup$donors$kernel,
                                 setup$x, ncol(setup$x), colnames(setup$x), values,
                                 source$n_genes, TRUE, NA_real_, setup$threads),
                  call = setup$call)
  groups <- lapply(out$groups, function(g) list(missing = g$missing_cells, genes = g$genes))
  states <- lapply(out$groups, function(g) g$stage1 %||% list(ok = FALSE))
  list(groups = groups, states = states, tasks = list(list(group = NA, genes = seq_len(source$n_genes))),
       results = list(out$fits), shared_tau = out$shared_tau)
}

# progressr's progressor when available (shown under progressr::with_progress() or
# progressr::handlers(global = TRUE)); a no-op otherwise.
# The progressor belongs to the caller's frame, so it finishes when the caller returns.
progress_function <- function(steps, envir = parent.frame()) {
  if (steps > 0 && requireNamespace("progressr", quietly = TRUE)) {
    return(progressr::progressor(steps = steps, envir = envir))
  }
  function(...) invisible(NULL)
}

# Scatter batch results into gene order and build the S3 object.
null_fit_object <- function(source, setup, fitted, tau_mode) {
  n <- source$n_genes
  p <- ncol(setup$x)
  num <- rep(NA_real_, n)
  genes <- data.frame(gene = source$genes, tau = num, sigma2_g = num, sigma2_e = num, h2 = num,
                      loglik_reml = num, iterations = rep(0L, n), converged = rep(FALSE, n),
                      at_boundary = rep(FALSE, n), status = rep("too_few_observations", n),
                      n_cells = rep(NA_integer_, n), n_donors = rep(NA_integer_, n),
                      stringsAsFactors = FALSE)
  beta <- matrix(NA_real_, p, n)
  se <- matrix(NA_real_, p, n)
  for (k in seq_along(fitted$tasks)) {
    at <- fitted$tasks[[k]]$genes
    r <- fitted$results[[k]]
    for (col in c("tau", "sigma2_g", "sigma2_e", "h2", "loglik_reml")) genes[[col]][at] <- r[[col]]
    genes$iterations[at] <- as.integer(r$iterations)
    genes$converged[at] <- r$converged
    genes$at_boundary[at] <- r$at_boundary
    genes$status[at] <- r$status
    beta[, at] <- matrix(r$beta, p)
    se[, at] <- matrix(r$se, p)
  }
  stats_of_gene <- vector("list", n)
  for (k in seq_along(fitted$tasks)) {
    stats <- fitted$results[[k]]$score_stats
    if (!is.null(stats)) stats_of_gene[fitted$tasks[[k]]$genes] <- stats
  }
  stage1 <- vector("list", length(fitted$groups))
  for (k in seq_along(fitted$groups)) {
    g <- fitted$groups[[k]]
    state <- fitted$states[[k]]
    if (isFALSE(state$ok)) {
      if (!is.null(state$status)) genes$status[g$genes] <- state$status
      state <- NULL
    } else {
      genes$n_cells[g$genes] <- as.integer(state$n_cells)
      genes$n_donors[g$genes] <- as.integer(state$n_donors)
    }
    stage1[[k]] <- list(genes = source$genes[g$genes], missing_cells = g$missing, state = state,
                        score = score_matrix(stats_of_gene[g$genes], state, p))
  }
  for (col in c("tau", "sigma2_g", "sigma2_e", "h2", "loglik_reml")) {
    genes[[col]][is.nan(genes[[col]])] <- NA_real_
  }
  beta[is.nan(beta)] <- NA_real_
  se[is.nan(se)] <- NA_real_
  terms <- colnames(setup$x)
  fixed <- data.frame(gene = rep(source$genes, each = p), term = rep(terms, n),
                      estimate = as.vector(beta), se = as.vector(se), stringsAsFactors = FALSE)
  structure(
    list(genes = genes, fixed_effects = fixed, stage1 = stage1, donors = setup$donors$ids,
         donor_of_cell = setup$donors$index, design = terms,
         kernel = if (is.null(setup$donors$kernel)) "identity" else "grm",
         tau = tau_mode, shared_tau = fitted$shared_tau,
         n_cells = source$n_cells, trait_type = "quantitative"),
    class = "gsem_null_sc"
  )
}

# What association tests need of each gene of a cell group, one column per gene: y~ (the
# group's donors), Xw'y (design columns) and yw'yw; NA for genes that were not fitted.
score_matrix <- function(stats, state, p) {
  if (is.null(state)) return(NULL)
  rows <- as.integer(state$n_donors) + p + 1L
  out <- matrix(NA_real_, rows, length(stats))
  for (j in seq_along(stats)) if (length(stats[[j]]) == rows) out[, j] <- stats[[j]]
  out
}
