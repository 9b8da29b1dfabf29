# Helpers shared by usermodel() and commonfactor(): reading the covariance structure,
# GenomicSEM's console output, and shaping the engine's plain lists into its data frames.

# V and S of an ldsc() result, used by position as GenomicSEM does ([[1]] = V, [[2]] = S).
sem_covstruc <- function(covstruc, call = caller_call()) {
  force(call)
  if (!is.list(covstruc) || length(covstruc) < 2) {
    gsem_abort("`covstruc` must be the list returned by `ldsc()` (V first, then S).", call = call)
  }
  V <- as.matrix(covstruc[[1]])
  S <- as.matrix(covstruc[[2]])
  k <- ncol(S)
  if (!is.numeric(S) || !is.numeric(V) || nrow(S) != k || k < 1 ||
      nrow(V) != k * (k + 1) / 2 || ncol(V) != nrow(V)) {
    gsem_abort(paste0("`covstruc` must hold V (k(k+1)/2 x k(k+1)/2) and S (k x k) as its first two ",
                      "elements, as `ldsc()` returns them; got ", nrow(V), " x ", ncol(V), " and ",
                      nrow(S), " x ", ncol(S), "."), class = "input", call = call)
  }
  if (is.null(colnames(S)) || anyNA(colnames(S)) || any(!nzchar(colnames(S)))) {
    gsem_abort("The columns of S in `covstruc` must be named after the traits.", class = "input", call = call)
  }
  if (anyNA(S) || anyNA(V)) {
    gsem_abort("S and V in `covstruc` must not contain missing values.", class = "input", call = call)
  }
  storage.mode(S) <- "double"
  storage.mode(V) <- "double"
  list(S = unname(S), V = unname(V), traits = colnames(S))
}

check_estimation <- function(estimation, call = caller_call()) {
  force(call)
  if (!is.character(estimation) || length(estimation) != 1L || !estimation %in% c("DWLS", "ML")) {
    gsem_abort("`estimation` must be \"DWLS\" or \"ML\".", call = call)
  }
}

# GenomicSEM prints its progress with print(); so do we, unless the user silenced the package.
sem_print <- function(x) {
  if (isTRUE(getOption("genomicsemrs.verbose", TRUE))) print(x)
  invisible(x)
}

sem_print_elapsed <- function(start) sem_print((proc.time() - start)[3])

# The messages GenomicSEM prints and the warnings it gives after smoothing S or V.
sem_report_smoothing <- function(smoothing, call) {
  z_diff <- max(smoothing$z_diff, 0)
  advice <- paste0(". We recommend setting the smooth_check argument to true if you are going to ",
                   "run a multivariate GWAS.")
  if (smoothing$ld_sdiff > 0) {
    sem_print(paste("The S matrix was smoothed prior to model estimation due to a non-positive definite matrix. The largest absolute difference in a cell between the smoothed and non-smoothed matrix was ",
                    smoothing$ld_sdiff, "As a result of the smoothing, the largest Z-statistic change for the genetic covariances was ",
                    z_diff, advice, sep = " "))
  }
  caution <- paste0(" This reflects a large difference and results should be interpreted with caution!! ",
                    "This can often result from including low powered traits, and you might consider ",
                    "removing those traits from the model. If you are going to run a multivariate GWAS we ",
                    "strongly recommend setting the smooth_check argument to true to check smoothing for each SNP.")
  if (smoothing$ld_sdiff > 0.025) {
    gsem_warn(paste0("A difference greater than .025 was observed pre- and post-smoothing in the genetic ",
                     "covariance matrix.", caution), class = "smoothing", call = call)
  }
  if (z_diff > 0.025) {
    gsem_warn(paste0("A difference greater than .025 was observed pre- and post-smoothing for Z-statistics ",
                     "in the genetic covariance matrix.", caution), class = "smoothing", call = call)
  }
  if (smoothing$ld_sdiff_v > 0) {
    sem_print(paste("The V matrix was smoothed prior to model estimation due to a non-positive definite matrix. The largest absolute difference in a cell between the smoothed and non-smoothed matrix was ",
                    smoothing$ld_sdiff_v, "As a result of the smoothing, the largest Z-statistic change for the genetic covariances was ",
                    z_diff, advice, sep = " "))
  }
}

# lavaan warns when a fit has negative variances; GenomicSEM passes the warning on.
sem_warn_negative_variances <- function(res, traits, est, which, call) {
  variance <- res$op == "~~" & res$lhs == res$rhs & !is.na(est) & est < 0
  kind <- c(ov = any(variance & res$lhs %in% traits), lv = any(variance & !res$lhs %in% traits))
  for (what in names(kind)[kind]) {
    gsem_warn(paste0("The ", which, " model produced the following warning: lavaan WARNING: some estimated ",
                     what, " variances are negative"), class = "heywood", call = call)
  }
}

# modelfit as GenomicSEM builds it: one row named "df". `blank` names the statistics that
# GenomicSEM sets to NA when df is 0 (through `x == NA`, which makes them logical NA).
sem_modelfit <- function(fit, blank) {
  out <- data.frame(chisq = fit$chisq, df = fit$df, p_chisq = fit$p_chisq, AIC = fit$AIC,
                    CFI = fit$CFI, SRMR = fit$SRMR, row.names = "df")
  if (fit$df == 0) out[blank] <- NA
  out
}

# p-values as GenomicSEM reports them: "< 5e-300" where a p-value underflows to 0, which
# turns the column into text.
sem_p_values <- function(p) {
  p[is.nan(p)] <- NA
  if (any(p == 0, na.rm = TRUE)) ifelse(p == 0, "< 5e-300", p) else p
}

nan_to_na <- function(x) {
  x[is.nan(x)] <- NA
  x
}
