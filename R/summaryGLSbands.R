# summaryGLSbands(): summaryGLS() plus a ggplot of the values against the first predictor with
# the fitted line (or parabola) and standard-error bands.

#' GLS regression with a plot and standard-error bands
#'
#' Runs the GLS regression of [summaryGLS()] (optionally with a quadratic term and control
#' variables), prints its table and returns a ggplot of the values against the first predictor
#' with the fitted line (or parabola) and bands of `BAND_SIZE` standard errors of the fitted
#' value. The standard error at a point is the intercept SE of the same regression with the
#' predictor shifted to that point. Needs the suggested package ggplot2.
#'
#' @inheritParams summaryGLS
#' @param INTERVALS Number of points at which the bands are computed.
#' @param CONTROLVARS Control variables (vector or matrix), entered after the predictor(s).
#' @param QUAD `TRUE` adds the square of the (first) predictor.
#' @param BANDS `TRUE` draws the bands.
#' @param BAND_SIZE Half-width of the bands in standard errors.
#' @param XLAB,YLAB,TITLELAB Axis labels and title.
#' @param XCOORDS,YCOORDS Limits of the plotted region (`coord_cartesian()`).
#' @return A ggplot object (the GLS table is printed).
#' @section Differences from GenomicSEM:
#' * GenomicSEM's `Y`/`V_Y` path stops (it used `Y` as the covariance matrix in the band loop);
#'   here it works and equals GenomicSEM with that corrected.
#' * As in GenomicSEM (kept so the plots are identical), the band standard errors are computed
#'   at shifts `min + i (max - min) / INTERVALS` for `i = 1..INTERVALS` (`QUAD = TRUE`:
#'   `i = 0..INTERVALS-1`) but drawn at `seq(min, max, length.out = INTERVALS)`, and the fitted
#'   line ignores the control variables (drawn at controls = 0).
#' * With `INTERCEPT = FALSE` the points are plotted against the first predictor and the
#'   fitted line goes through the origin (GenomicSEM plotted the second column, which fails
#'   with one predictor, and used the first slope as intercept).
#' * ggplot2 is used through its namespace (GenomicSEM needed it attached); without it the
#'   function stops with a classed error (`genomicsemrs_error_missing_package`).
#' @seealso [summaryGLS()], [subSV()]
#' @examplesIf requireNamespace("ggplot2", quietly = TRUE)
#' covstruc <- readRDS(genomicsemrs_example("ldsc_T1_T5.rds"))
#' offdiag <- indexS(covstruc)[lower.tri(diag(5))]
#' sub <- subSV(LDSC_OBJECT = covstruc, INDEXVALS = offdiag, TYPE = "S_Stand")
#' loadings <- c(0.8, 0.7, 0.6, 0.5, 0.4)
#' summaryGLSbands(OBJECT = sub, PREDICTORS = (loadings %o% loadings)[lower.tri(diag(5))],
#'                 XCOORDS = c(0, 0.7), YCOORDS = c(0, 1))
#' @export
summaryGLSbands <- function(OBJECT = NULL, Y = NULL, V_Y = NULL, PREDICTORS, INTERVALS = 20,
                            CONTROLVARS = NULL, INTERCEPT = T, QUAD = F, BANDS = T, BAND_SIZE = 1,
                            XLAB = "", YLAB = "", TITLELAB = "", XCOORDS = c(-2, 2),
                            YCOORDS = c(0, 1)) {
  call <- sys.call()
  INTERVALS <- check_number(INTERVALS, "INTERVALS", lower = 1, whole = TRUE, call = call)
  for (flag in c("INTERCEPT", "QUAD", "BANDS")) check_flag(get(flag), flag, call = call)
  BAND_SIZE <- check_number(BAND_SIZE, "BAND_SIZE", call = call)
  for (label in c("XLAB", "YLAB", "TITLELAB")) check_string(get(label), label, allow_empty = TRUE, call = call)
  XCOORDS <- check_number(XCOORDS, "XCOORDS", len = 2L, call = call)
  YCOORDS <- check_number(YCOORDS, "YCOORDS", len = 2L, call = call)
  base <- gls_predictors(PREDICTORS, "PREDICTORS", call)
  n <- nrow(base)
  controls <- if (is.null(CONTROLVARS)) NULL else gls_predictors(CONTROLVARS, "CONTROLVARS", call)
  if (!is.null(controls) && nrow(controls) != n) {
    gsem_abort(paste0("`CONTROLVARS` must have one row per value (", n, "), not ", nrow(controls), "."),
               call = call)
  }
  outcome <- gls_outcome(OBJECT, Y, V_Y, n, call)
  require_ggplot2(call)
  X <- cbind(base, if (QUAD) base^2, controls)
  colnames(X) <- paste0("b", seq_len(ncol(X)))
  if (INTERCEPT) X <- cbind(b0 = 1, X)
  fit <- gls_fit(X, outcome, call)
  table <- cbind(betas = fit$beta, pvals = fit$p, SE = fit$se, Z = fit$z)
  rownames(table) <- colnames(X)
  beta <- if (INTERCEPT) fit$beta else c(0, fit$beta)

  x1 <- base[, 1]
  lo <- min(x1)
  step <- (max(x1) - lo) / INTERVALS
  shifts <- if (QUAD) lo + (seq_len(INTERVALS) - 1) * step else lo + seq_len(INTERVALS) * step
  band_se <- vapply(shifts, function(at) {
    shifted <- x1 - at
    XX <- cbind(1, shifted, if (QUAD) shifted^2, controls)
    gls_fit(unname(XX), outcome, call)$se[1]
  }, 0)
  at <- seq(from = lo, to = max(x1), length.out = INTERVALS)
  fitted <- beta[1] + beta[2] * at + if (QUAD) beta[3] * at^2 else 0
  bands <- data.frame(Predictors = at, SEss = fitted + BAND_SIZE * band_se,
                      SEs = fitted - BAND_SIZE * band_se)
  points <- data.frame(x1, outcome$y)
  names(points) <- c("Predictors", "rGs")
  curve <- if (QUAD) function(x) beta[1] + beta[2] * x + beta[3] * x^2 else function(x) beta[1] + beta[2] * x
  plot <- gls_band_plot(points, bands, curve, BANDS, XLAB, YLAB, TITLELAB, XCOORDS, YCOORDS)
  sem_print(table)
  plot
}

require_ggplot2 <- function(call) {
  if (!requireNamespace("ggplot2", quietly = TRUE)) {
    gsem_abort("This function draws its plots with the suggested package ggplot2. Install it with install.packages(\"ggplot2\").",
               class = "missing_package", call = call)
  }
}

gls_band_plot <- function(points, bands, curve, BANDS, XLAB, YLAB, TITLELAB, XCOORDS, YCOORDS) {
  gg <- asNamespace("ggplot2")
  plot <- gg$ggplot(points, gg$aes(x = .data[["Predictors"]], y = .data[["rGs"]])) +
    gg$geom_point() +
    gg$stat_function(fun = curve, color = "#7A9083", linewidth = 0.8, linetype = 2) +
    gg$geom_point(size = 3, color = "black") +
    gg$geom_point(size = 1.2, color = "#DFD0B7") +
    gg$coord_cartesian(ylim = YCOORDS, xlim = XCOORDS) +
    gg$theme_classic() +
    gg$labs(x = XLAB, y = YLAB, title = TITLELAB)
  if (BANDS) {
    plot <- plot +
      gg$geom_line(data = bands, gg$aes(x = .data[["Predictors"]], y = .data[["SEss"]]), linewidth = 0.4, linetype = 3) +
      gg$geom_line(data = bands, gg$aes(x = .data[["Predictors"]], y = .data[["SEs"]]), linewidth = 0.4, linetype = 3) +
      gg$geom_ribbon(data = bands, inherit.aes = FALSE,
                     gg$aes(x = .data[["Predictors"]], ymin = .data[["SEss"]], ymax = .data[["SEs"]]),
                     fill = "#7A9083", alpha = 0.1)
  }
  plot
}

utils::globalVariables(".data")
