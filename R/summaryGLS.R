# summaryGLS(): GLS regression of selected genetic covariances or correlations on predictors,
# with their sampling covariance as the error covariance. The GLS itself runs in Rust.

#' GLS regression of genetic covariances or correlations on predictors
#'
#' Regresses a vector of genetic covariances or correlations `y` (for example `subS` of
#' [subSV()]) on `PREDICTORS` by generalised least squares, using their sampling covariance
#' matrix `V` (`subV`) as error covariance:
#' `beta = (X' V^-1 X)^-1 X' V^-1 y`, `SE = sqrt(diag((X' V^-1 X)^-1))`, `Z = beta / SE` and
#' two-sided normal p-values.
#'
#' @param OBJECT A list whose first element is the sampling covariance matrix and whose second
#'   is the vector of values, as [subSV()] returns it (`list(subV, subS)`).
#' @param Y,V_Y The values and their sampling covariance matrix, used when `OBJECT` is `NULL`.
#' @param PREDICTORS A numeric vector (one predictor) or matrix (one column per predictor), one
#'   row per value.
#' @param INTERCEPT `TRUE` to add an intercept (`b0`).
#' @return The coefficient matrix, printed and returned invisibly: rows `b0, b1, ...` (`b1, ...`
#'   without intercept), columns `betas, pvals, SE, Z`.
#' @section Differences from GenomicSEM:
#' * The table is returned invisibly (GenomicSEM returned the value of `print()`, which is
#'   also invisible). It is printed unless `options(genomicsemrs.verbose = FALSE)`.
#' * Giving both `OBJECT` and `Y`/`V_Y`, predictors with the wrong number of rows, a `V` of the
#'   wrong size, or singular matrices are classed errors.
#' @seealso [subSV()], [summaryGLSbands()]
#' @examples
#' covstruc <- readRDS(genomicsemrs_example("ldsc_T1_T5.rds"))
#' offdiag <- indexS(covstruc)[lower.tri(diag(5))]
#' sub <- subSV(LDSC_OBJECT = covstruc, INDEXVALS = offdiag, TYPE = "S_Stand")
#' loadings <- c(0.8, 0.7, 0.6, 0.5, 0.4)
#' summaryGLS(OBJECT = sub, PREDICTORS = (loadings %o% loadings)[lower.tri(diag(5))])
#' @export
summaryGLS <- function(OBJECT = NULL, Y = NULL, V_Y = NULL, PREDICTORS, INTERCEPT = T) {
  call <- sys.call()
  check_flag(INTERCEPT, "INTERCEPT", call = call)
  X <- gls_predictors(PREDICTORS, "PREDICTORS", call)
  outcome <- gls_outcome(OBJECT, Y, V_Y, nrow(X), call)
  colnames(X) <- paste0("b", seq_len(ncol(X)))
  if (INTERCEPT) X <- cbind(b0 = 1, X)
  fit <- gls_fit(X, outcome, call)
  out <- cbind(betas = fit$beta, pvals = fit$p, SE = fit$se, Z = fit$z)
  rownames(out) <- colnames(X)
  sem_print(out)
  invisible(out)
}

# PREDICTORS (or CONTROLVARS) as a numeric matrix without NA.
gls_predictors <- function(x, arg, call) {
  if (is.numeric(x) && is.null(dim(x))) x <- matrix(x, ncol = 1)
  x <- check_matrix(x, arg, call = call)
  if (!nrow(x) || !ncol(x)) argument_error(arg, "a non-empty numeric vector or matrix", x, call = call)
  unname(x)
}

# y and its sampling covariance: from OBJECT (list(V, values) by position) or Y and V_Y.
gls_outcome <- function(OBJECT, Y, V_Y, n, call) {
  if (!is.null(OBJECT) && (!is.null(Y) || !is.null(V_Y))) {
    gsem_abort("Give either `OBJECT` or `Y` and `V_Y`, not both.", call = call)
  }
  if (!is.null(OBJECT)) {
    if (!is.list(OBJECT) || length(OBJECT) < 2) {
      argument_error("OBJECT", "the list returned by `subSV()` (sampling covariances, then values)",
                     OBJECT, call = call)
    }
    y <- unlist(OBJECT[2])
    omega <- unlist(OBJECT[1])
    arg_y <- "OBJECT$subS"
    arg_v <- "OBJECT$subV"
  } else {
    if (is.null(Y) || is.null(V_Y)) {
      gsem_abort("Give either `OBJECT` (a `subSV()` result) or both `Y` and `V_Y`.", call = call)
    }
    y <- Y
    omega <- V_Y
    arg_y <- "Y"
    arg_v <- "V_Y"
  }
  if (!is.numeric(y) || length(y) != n || anyNA(y)) {
    gsem_abort(paste0("`", arg_y, "` must hold ", n, " numbers without NA, one per row of `PREDICTORS`, not ",
                      describe_value(y), "."), call = call)
  }
  if (!is.numeric(omega) || length(omega) != n * n || anyNA(omega)) {
    gsem_abort(paste0("`", arg_v, "` must be the ", n, " x ", n, " sampling covariance matrix of the ", n,
                      " values, not ", describe_value(omega), "."), call = call)
  }
  omega <- check_matrix(matrix(as.double(omega), n, n), arg_v, symmetric = TRUE, call = call)
  list(y = y, omega = omega)
}

gls_fit <- function(X, outcome, call) {
  rs_value(rs_gls(unname(X), outcome$omega, as.double(outcome$y)), call = call)
}
