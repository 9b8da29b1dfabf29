# localSRMD(): the local standardized root mean difference between an unconstrained and a
# constrained multi-group solution.

#' Local standardized root mean difference
#'
#' Summarises how far the parameters of an unconstrained model move when they are constrained
#' (for example equal across groups): each difference is divided by the product of the pooled
#' standard deviations of the two variables the parameter links, and the result is the root of
#' the mean squared standardized difference,
#' `sqrt(mean(((unconstrained - constrained) / (sd_lhs * sd_rhs))^2, na.rm = TRUE))`.
#' The pooled standard deviation of a variable is the square root of the mean of its variances
#' across groups.
#'
#' @param unconstrained,constrained Parameter estimates of the two models (same length; NA
#'   values are left out of the mean).
#' @param lhsvar,rhsvar Lists with one element per parameter in a group: the variances, one per
#'   group, of the variable on the left and on the right side of the parameter. The parameters
#'   are recycled over groups, so `length(unconstrained)` is a multiple of `length(lhsvar)`.
#' @return One number.
#' @section Differences from GenomicSEM:
#' Arguments of the wrong type or length are classed errors (`genomicsemrs_error_argument`).
#' The progress line is printed unless `options(genomicsemrs.verbose = FALSE)`.
#' @examples
#' localSRMD(unconstrained = c(0.50, 0.42, 0.61, 0.55), constrained = c(0.48, 0.44, 0.60, 0.57),
#'           lhsvar = list(c(1, 1), c(1, 1)), rhsvar = list(c(0.30, 0.34), c(0.25, 0.22)))
#' @export
localSRMD <- function(unconstrained, constrained, lhsvar, rhsvar) {
  call <- sys.call()
  unconstrained <- check_number(unconstrained, "unconstrained", len = NULL, allow_na = TRUE, call = call)
  constrained <- check_number(constrained, "constrained", len = NULL, allow_na = TRUE, call = call)
  check_same_length(constrained, "constrained", length(unconstrained), "unconstrained", call = call)
  lhs <- lsrmd_variances(lhsvar, "lhsvar", call)
  rhs <- lsrmd_variances(rhsvar, "rhsvar", call)
  if (ncol(lhs) != ncol(rhs) || nrow(lhs) != nrow(rhs)) {
    gsem_abort(paste0("`lhsvar` and `rhsvar` must have the same shape (one element per parameter, ",
                      "one variance per group); got ", nrow(lhs), " x ", ncol(lhs), " and ",
                      nrow(rhs), " x ", ncol(rhs), "."), call = call)
  }
  if (length(unconstrained) %% nrow(lhs) != 0) {
    gsem_abort(paste0("`unconstrained` has ", length(unconstrained), " values, which is not a multiple of ",
                      "the ", nrow(lhs), " elements of `lhsvar`."), call = call)
  }
  sem_print(paste0("calculating localSRMD across h = ", length(unconstrained) / ncol(lhs),
                   " parameters in g = ", ncol(lhs), " groups (", length(unconstrained),
                   " parameters total)"))
  sd_lhs <- sqrt(rowMeans(lhs))
  sd_rhs <- sqrt(rowMeans(rhs))
  scaled <- (unconstrained - constrained) / (sd_lhs * sd_rhs)
  sqrt(mean(scaled^2, na.rm = TRUE))
}

# A list of variance vectors (one per parameter, equal lengths = groups) as a matrix, one row
# per parameter.
lsrmd_variances <- function(x, arg, call) {
  if (is.data.frame(x)) x <- as.list(x)
  if (!is.list(x) || !length(x) || !all(vapply(x, is.numeric, TRUE))) {
    argument_error(arg, "a list of numeric vectors (the variances of each variable, one per group)", x,
                   call = call)
  }
  lengths <- lengths(x)
  if (length(unique(lengths)) != 1L || lengths[1] < 1L) {
    gsem_abort(paste0("Every element of `", arg, "` must hold one variance per group (the same number); ",
                      "their lengths are ", paste(unique(lengths), collapse = ", "), "."), call = call)
  }
  out <- matrix(unlist(lapply(x, as.double), use.names = FALSE), nrow = length(x), byrow = TRUE)
  if (any(out < 0, na.rm = TRUE)) {
    gsem_abort(paste0("`", arg, "` holds negative variances."), call = call)
  }
  out
}
