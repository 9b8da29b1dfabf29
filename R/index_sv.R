# indexS() and subSV(): the vech positions of a genetic covariance (or correlation) matrix and
# the matching subsets of S and V, as GenomicSEM 0.0.5 numbers them.

#' Index matrix of the sampling covariance matrix V
#'
#' Numbers the cells of a genetic covariance matrix in the order of its sampling covariance
#' matrix (`V`): the lower triangle column by column (half-vectorisation, "vech"), mirrored into
#' the upper triangle. With `R = TRUE` the diagonal is left out (0), as for a genetic
#' correlation matrix whose sampling covariance matrix `V_R` (see [rgmodel()]) covers only the
#' correlations. Use the numbers as `INDEXVALS` of [subSV()].
#'
#' @param LDSC_OBJECT The list returned by [ldsc()] (its `S` is used), or `NULL`.
#' @param MATRIX A square matrix (used when `LDSC_OBJECT` is `NULL`).
#' @param R `TRUE` to number only the off-diagonal cells.
#' @return A k x k symmetric numeric matrix of indices.
#' @section Differences from GenomicSEM:
#' Bad input (neither or a non-square matrix) is a classed error
#' (`genomicsemrs_error_argument`) instead of an R error from inside the function.
#' @seealso [subSV()], [summaryGLS()]
#' @examples
#' covstruc <- readRDS(genomicsemrs_example("ldsc_T1_T5.rds"))
#' indexS(LDSC_OBJECT = covstruc)
#' indexS(MATRIX = covstruc$S_Stand, R = TRUE)
#' @export
indexS <- function(LDSC_OBJECT = NULL, MATRIX = NULL, R = F) {
  call <- sys.call()
  check_flag(R, "R", call = call)
  S <- index_source_matrix(LDSC_OBJECT, MATRIX, call)
  vech_index_matrix(nrow(S), diagonal = !R)
}

# The matrix indexS() numbers: S of an ldsc() list, or MATRIX.
index_source_matrix <- function(LDSC_OBJECT, MATRIX, call) {
  if (is.list(LDSC_OBJECT)) {
    if (is.null(LDSC_OBJECT$S)) {
      gsem_abort("`LDSC_OBJECT` must be the list returned by `ldsc()`; it has no element `S`.",
                 call = call)
    }
    return(check_matrix(LDSC_OBJECT$S, "LDSC_OBJECT$S", square = TRUE, allow_na = TRUE, call = call))
  }
  if (!is.null(LDSC_OBJECT)) {
    argument_error("LDSC_OBJECT", "the list returned by `ldsc()` or NULL", LDSC_OBJECT, call = call)
  }
  if (is.null(MATRIX)) {
    gsem_abort("Give either `LDSC_OBJECT` (an `ldsc()` result) or `MATRIX` (a square matrix).",
               call = call)
  }
  check_matrix(MATRIX, "MATRIX", square = TRUE, allow_na = TRUE, call = call)
}

# k x k matrix numbering the lower triangle column by column (with or without the diagonal),
# mirrored into the upper triangle; 0 on an excluded diagonal.
vech_index_matrix <- function(k, diagonal = TRUE) {
  out <- matrix(0, k, k)
  low <- lower.tri(out, diag = diagonal)
  out[low] <- seq_len(sum(low))
  out[upper.tri(out)] <- t(out)[upper.tri(out)]
  out
}

#' Subset S and V by vech index
#'
#' Picks genetic covariances (or correlations) and their sampling covariances out of an
#' [ldsc()] or [rgmodel()] result, or out of an S and V given directly, by their positions in
#' V (see [indexS()]). The result feeds [summaryGLS()] and [summaryGLSbands()].
#'
#' @param LDSC_OBJECT The list returned by [ldsc()] (`TYPE` `"S"` or `"S_Stand"`) or by
#'   [rgmodel()] (`TYPE = "R"`), or `NULL` when `SMATRIX` and `VMATRIX` are given.
#' @param SMATRIX,VMATRIX A k x k genetic covariance matrix and its sampling covariance matrix
#'   (k(k+1)/2 square; k(k-1)/2 with `TYPE = "R"`), used when `LDSC_OBJECT` is `NULL`.
#' @param INDEXVALS Positions in V (whole numbers, see [indexS()]).
#' @param TYPE `"S"`, `"S_Stand"` or `"R"`: which matrix of `LDSC_OBJECT` to use. With `"R"` the
#'   positions count only the off-diagonal cells.
#' @return `list(subV, subS)`: `subV` is `V[INDEXVALS, INDEXVALS]`, `subS` the selected values
#'   of S in increasing position order (see the differences below).
#' @section Differences from GenomicSEM:
#' * GenomicSEM's `SMATRIX`/`VMATRIX` path stops with "object 'RMATRIX' not found"; here it
#'   works (the result equals GenomicSEM's with that typo corrected).
#' * An unknown `TYPE`, positions outside V, a missing `R`/`V_R` with `TYPE = "R"`, S that is not
#'   square or V of the wrong size are classed errors (`genomicsemrs_error_argument`).
#' * As in GenomicSEM, `subS` follows increasing position order while `subV` follows the order
#'   of `INDEXVALS`; with unsorted `INDEXVALS` the two do not line up. The values are kept for
#'   compatibility and a warning (`genomicsemrs_warning_unsorted_indexvals`) suggests sorting.
#' @seealso [indexS()], [summaryGLS()]
#' @examples
#' covstruc <- readRDS(genomicsemrs_example("ldsc_T1_T5.rds"))
#' offdiag <- indexS(covstruc)[lower.tri(diag(5))]
#' subSV(LDSC_OBJECT = covstruc, INDEXVALS = offdiag, TYPE = "S_Stand")
#' @export
subSV <- function(LDSC_OBJECT = NULL, SMATRIX = NULL, VMATRIX = NULL, INDEXVALS, TYPE = "S") {
  call <- sys.call()
  check_string(TYPE, "TYPE", choices = c("S", "S_Stand", "R"), call = call)
  sv <- subsv_source(LDSC_OBJECT, SMATRIX, VMATRIX, TYPE, call)
  k <- nrow(sv$S)
  n_cells <- if (TYPE == "R") k * (k - 1) / 2 else k * (k + 1) / 2
  if (nrow(sv$V) != n_cells) {
    gsem_abort(paste0("V (`", sv$v_arg, "`) must be ", n_cells, " x ", n_cells, " for a ", k, " x ", k,
                      " S with `TYPE = \"", TYPE, "\"`, not ", nrow(sv$V), " x ", ncol(sv$V), "."),
               call = call)
  }
  INDEXVALS <- check_number(INDEXVALS, "INDEXVALS", lower = 1, upper = n_cells, len = NULL,
                            whole = TRUE, hint = paste0("Positions in V run from 1 to ", n_cells,
                                                        "; see indexS()."), call = call)
  if (is.unsorted(INDEXVALS)) {
    gsem_warn(paste0("`INDEXVALS` is not in increasing order: `subS` follows increasing position ",
                     "order but `subV` the order given (as in GenomicSEM), so they do not line up. ",
                     "Use sort(INDEXVALS)."), class = "unsorted_indexvals", call = call)
  }
  positions <- vech_index_matrix(k, diagonal = TYPE != "R")
  low <- lower.tri(positions, diag = TRUE)
  cells <- positions[low]
  subS <- sv$S[low][cells %in% INDEXVALS]
  subV <- sv$V[INDEXVALS, INDEXVALS, drop = FALSE]
  if (length(INDEXVALS) == 1L) subV <- subV[1, 1]
  list(subV = subV, subS = subS)
}

# S and V for subSV(): from LDSC_OBJECT by TYPE, or SMATRIX and VMATRIX.
subsv_source <- function(LDSC_OBJECT, SMATRIX, VMATRIX, TYPE, call) {
  given_matrices <- !is.null(SMATRIX) || !is.null(VMATRIX)
  if (!is.null(LDSC_OBJECT) && given_matrices) {
    gsem_abort("Give either `LDSC_OBJECT` or `SMATRIX` and `VMATRIX`, not both.", call = call)
  }
  if (!is.null(LDSC_OBJECT)) {
    if (!is.list(LDSC_OBJECT)) {
      argument_error("LDSC_OBJECT", "the list returned by `ldsc()` or `rgmodel()`", LDSC_OBJECT, call = call)
    }
    names <- switch(TYPE, S = c("S", "V"), S_Stand = c("S_Stand", "V_Stand"), R = c("R", "V_R"))
    absent <- names[!names %in% names(LDSC_OBJECT)]
    if (length(absent)) {
      gsem_abort(paste0("`LDSC_OBJECT` has no ", paste0("`", absent, "`", collapse = " or "),
                        " for `TYPE = \"", TYPE, "\"`.",
                        switch(TYPE, S_Stand = " Run `ldsc()` with `stand = TRUE`.",
                               R = " Run `rgmodel()` on the `ldsc()` result first.", "")),
                 call = call)
    }
    args <- paste0("LDSC_OBJECT$", names)
    S <- LDSC_OBJECT[[names[1]]]
    V <- LDSC_OBJECT[[names[2]]]
  } else if (given_matrices) {
    if (is.null(SMATRIX) || is.null(VMATRIX)) {
      gsem_abort(paste0("Give both `SMATRIX` and `VMATRIX`; `", if (is.null(SMATRIX)) "SMATRIX" else "VMATRIX",
                        "` is missing."), call = call)
    }
    args <- c("SMATRIX", "VMATRIX")
    S <- SMATRIX
    V <- VMATRIX
  } else {
    gsem_abort("Give either `LDSC_OBJECT` (an `ldsc()` or `rgmodel()` result) or `SMATRIX` and `VMATRIX`.",
               call = call)
  }
  list(S = check_matrix(S, args[1], square = TRUE, allow_na = TRUE, call = call),
       V = check_matrix(V, args[2], square = TRUE, allow_na = TRUE, call = call),
       v_arg = args[2])
}
