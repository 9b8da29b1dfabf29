# Input preparation for fit_null_sc(): the expression in gene batches, the design matrix, the
# donor index of each cell and the matching GRM. Everything is checked here so that the Rust
# side receives plain, consistent data.

# The expression as an accessor: dimensions, gene names, a function returning a batch of
# genes as a dense genes x cells double matrix (sparse and data-frame inputs are converted
# one batch at a time, never as a whole) and `view()`, what the Rust core reads for a batch:
# a double matrix is handed over whole with the batch's row indices and read in place (no
# copy of the batch), other inputs as their converted batch.
expression_source <- function(expr, call = caller_call()) {
  force(call)
  if (is.data.frame(expr)) {
    numeric_cols <- vapply(expr, function(x) is.numeric(x) || is.logical(x), logical(1))
    if (!all(numeric_cols)) {
      gsem_abort(paste0("Every column of `expr` (one per gene) must be numeric; not: ",
                        paste(names(expr)[!numeric_cols], collapse = ", "), "."), call = call)
    }
    genes <- names(expr)
    n_cells <- nrow(expr)
    batch <- function(index) {
      out <- matrix(unlist(expr[index], use.names = FALSE), nrow = n_cells)
      t(out) + 0
    }
  } else if (inherits(expr, "sparseMatrix")) {
    if (!requireNamespace("Matrix", quietly = TRUE)) {
      gsem_abort("A sparse `expr` needs the Matrix package.", call = call)
    }
    genes <- rownames(expr)
    n_cells <- ncol(expr)
    batch <- function(index) {
      out <- as.matrix(expr[index, , drop = FALSE])
      storage.mode(out) <- "double"
      out
    }
  } else if (is.matrix(expr) && (is.numeric(expr) || is.logical(expr))) {
    genes <- rownames(expr)
    n_cells <- ncol(expr)
    batch <- function(index) {
      out <- expr[index, , drop = FALSE]
      storage.mode(out) <- "double"  # a no-op for double input; names are ignored downstream
      out
    }
  } else {
    gsem_abort(paste0("`expr` must be a numeric genes x cells matrix, a Matrix::dgCMatrix or ",
                      "a data frame with one numeric column per gene."), call = call)
  }
  n_genes <- if (is.data.frame(expr)) ncol(expr) else nrow(expr)
  if (is.null(genes)) {
    n_genes <- if (is.data.frame(expr)) ncol(expr) else nrow(expr)
    genes <- paste0("gene", seq_len(n_genes))
  }
  if (n_genes == 0L) gsem_abort("`expr` holds no genes.", call = call)
  if (anyDuplicated(genes)) {
    gsem_abort(paste0("Gene names in `expr` must be unique; repeated: ",
                      list_ids(unique(genes[duplicated(genes)])), "."), call = call)
  }
  any_na <- if (inherits(expr, "sparseMatrix")) anyNA(expr@x) else anyNA(expr)
  in_place <- is.matrix(expr) && is.double(expr)
  view <- if (in_place) {
    function(index) list(values = expr, n_genes = nrow(expr), genes = as.integer(index))
  } else {
    function(index) list(values = batch(index), n_genes = length(index), genes = NULL)
  }
  list(genes = genes, n_genes = length(genes), n_cells = n_cells, batch = batch, view = view,
       in_place = in_place, values = if (in_place) expr, any_na = any_na)
}


# Group genes by their set of missing cells: list(missing = integer cell indices, genes =
# integer gene indices). The complete group (if any) comes first.
missing_groups <- function(source, batch_size) {
  if (!source$any_na) return(list(list(missing = integer(), genes = seq_len(source$n_genes))))
  # A double matrix is grouped in place by the Rust core, in the same order as below.
  if (source$in_place) return(rs_value(rs_group_missing_sc(source$values, source$n_genes)))
  keys <- character(source$n_genes)
  for (index in split_batches(seq_len(source$n_genes), batch_size)) {
    values <- source$batch(index)
    with_na <- which(rowSums(is.na(values)) > 0)
    for (k in with_na) keys[index[k]] <- paste(which(is.na(values[k, ])), collapse = ",")
    rm(values)
    gc(full = FALSE)  # free the converted batch now, as in fit_batched()
  }
  groups <- split(seq_len(source$n_genes), factor(keys, levels = unique(c("", keys))))
  groups <- groups[lengths(groups) > 0]
  unname(Map(function(key, genes) {
    list(missing = if (nzchar(key)) as.integer(strsplit(key, ",", fixed = TRUE)[[1]]) else integer(),
         genes = genes)
  }, names(groups), groups))
}

split_batches <- function(index, size) {
  if (!length(index)) return(list())
  unname(split(index, ceiling(seq_along(index) / size)))
}

# The cell-level design: model.matrix of the covariates (cell-level columns of `cells` and
# donor-level columns of `donor_covariates`), with an intercept. Missing covariate values are
# kept (as NaN) so that the Rust side can name the first one.
design_matrix <- function(cells, donor, covariates, donor_covariates, call = caller_call()) {
  force(call)
  terms <- if (inherits(covariates, "formula")) {
    if (length(covariates) != 2L) {
      gsem_abort(paste0("`covariates` must be a one-sided formula such as ~ age + sex, not ",
                        deparse1(covariates), "."), call = call)
    }
    attr(stats::terms(covariates), "term.labels")
  } else if (is.null(covariates) || is.character(covariates)) {
    absent <- setdiff(covariates, names(cells))
    if (length(absent)) {
      gsem_abort(paste0("Covariate(s) not found in `cells`: ", paste(absent, collapse = ", "),
                        "."), call = call)
    }
    quote_names(covariates)
  } else {
    gsem_abort("`covariates` must be a character vector of column names or a one-sided formula.",
               call = call)
  }
  data <- cells
  if (!is.null(donor_covariates)) {
    if (!is.data.frame(donor_covariates) || !donor %in% names(donor_covariates)) {
      gsem_abort(paste0("`donor_covariates` must be a data frame with the donor column `", donor,
                        "`."), call = call)
    }
    ids <- as.character(donor_covariates[[donor]])
    if (anyDuplicated(ids)) {
      gsem_abort(paste0("`donor_covariates` has more than one row for donor(s) ",
                        paste(unique(ids[duplicated(ids)]), collapse = ", "), "."), call = call)
    }
    at <- match(as.character(cells[[donor]]), ids)
    if (anyNA(at)) {
      gsem_abort(paste0("Donor(s) of `cells` absent from `donor_covariates`: ",
                        list_ids(unique(as.character(cells[[donor]])[is.na(at)])), "."),
                 call = call)
    }
    extra <- setdiff(names(donor_covariates), donor)
    data[extra] <- donor_covariates[at, extra, drop = FALSE]
    terms <- c(terms, quote_names(extra))
  }
  formula <- if (length(terms)) stats::reformulate(terms) else ~1
  check_covariate_columns(formula, data, call)
  frame <- stats::model.frame(formula, data, na.action = stats::na.pass)
  x <- stats::model.matrix(formula, frame)
  storage.mode(x) <- "double"
  x[is.na(x)] <- NaN
  attr(x, "assign") <- NULL
  attr(x, "contrasts") <- NULL
  x
}

# Every variable of the covariate formula is a column of the cell (or donor) data, and every
# factor or text covariate has at least two levels among the cells (model.matrix would fail
# with an unclassed error otherwise).
check_covariate_columns <- function(formula, data, call) {
  vars <- all.vars(formula)
  absent <- setdiff(vars, names(data))
  if (length(absent)) {
    gsem_abort(paste0("Covariate(s) not found in `cells` (or `donor_covariates`): ",
                      paste(absent, collapse = ", "), ". Its columns are: ",
                      list_ids(names(data), 20L), "."), call = call)
  }
  for (v in vars) {
    x <- data[[v]]
    if (is.factor(x) || is.character(x) || is.logical(x)) {
      levels <- unique(x[!is.na(x)])
      if (length(levels) < 2L) {
        gsem_abort(paste0("Covariate `", v, "` has ", length(levels), " level(s) among the cells ",
                          "(", list_ids(as.character(levels)), "): a categorical covariate needs ",
                          "at least two. Drop it from `covariates`."), call = call)
      }
    } else if (!is.numeric(x)) {
      gsem_abort(paste0("Covariate `", v, "` must be numeric, a factor or text, not ",
                        describe_value(x), "."), call = call)
    }
  }
}

quote_names <- function(x) ifelse(make.names(x) == x, x, paste0("`", x, "`"))

# At most 10 ids, then how many more.
list_ids <- function(ids, max = 10L) {
  shown <- paste(utils::head(ids, max), collapse = ", ")
  if (length(ids) > max) paste0(shown, " and ", length(ids) - max, " more") else shown
}

# Donor ids of the cells, their index into the kernel's donors, and the kernel (NULL = K = I,
# else the GRM restricted to the donors that have cells, in the GRM's order).
donor_structure <- function(cells, donor, grm, call = caller_call()) {
  force(call)
  ids <- cells[[donor]]
  if (anyNA(ids)) {
    gsem_abort(paste0("The donor column `", donor, "` of `cells` has missing values (cells ",
                      list_ids(which(is.na(ids))), ")."), call = call)
  }
  ids <- as.character(ids)
  if (is.null(grm)) {
    donors <- sort(unique(ids))
    return(list(ids = donors, index = match(ids, donors), kernel = NULL))
  }
  grm <- as_grm_matrix(grm, call = call)
  absent <- unique(ids[!ids %in% rownames(grm)])
  if (length(absent)) {
    gsem_abort(paste0(length(absent), " donor(s) of `cells` are absent from the GRM: ",
                      list_ids(absent), ". Check that the GRM's ids (", list_ids(rownames(grm), 3L),
                      ") are the donor ids of column `", donor, "`, or drop those cells."),
               class = "grm", call = call)
  }
  keep <- which(rownames(grm) %in% ids)
  donors <- rownames(grm)[keep]
  # The Rust side ignores dimnames; a GRM whose donors all have cells is used without a copy.
  kernel <- if (length(keep) == nrow(grm)) grm else grm[keep, keep, drop = FALSE]
  list(ids = donors, index = match(ids, donors), kernel = kernel)
}
