#' Fit a common factor model to the genetic covariance matrix
#'
#' Drop-in replacement for GenomicSEM's `commonfactor()`: one factor with unit variance loading
#' on every trait of an [ldsc()]-style result (`F1 =~ NA*T1 + ... + Tk; F1 ~~ 1*F1`), fitted
#' by genomicsemrs' own SEM engine with GenomicSEM's sandwich standard errors, model
#' chi-square, CFI and SRMR. See [usermodel()] for the engine, smoothing of non-positive
#' definite S or V, and the general differences from GenomicSEM.
#'
#' @section NA handling:
#' S and V must not contain missing values (an error of class `genomicsemrs_error_input`).
#' With three traits the model is saturated (df = 0) and `chisq`, `AIC` and `p_chisq` are
#' `NA`, as in GenomicSEM.
#'
#' @section Differences from GenomicSEM:
#' * The CFI uses the closed form of the independence model's chi-square
#'   (`vech(S with a zero diagonal)' V^-1 vech(...)`). GenomicSEM refitted the independence
#'   model in lavaan; that refit is saturated and gives the same value up to lavaan's
#'   stopping noise (about 1e-10 relative on the reference data).
#' * When the first fit fails, the residual variances are bounded below by 1e-4 without
#'   randomly labelled constraints (no use of R's random number generator).
#' * Fewer than three traits, a fit that does not converge, or a singular information matrix
#'   are classed errors (`genomicsemrs_error_not_identified`,
#'   `genomicsemrs_error_not_converged`); GenomicSEM printed a message and went on.
#' * Estimates agree with GenomicSEM's to about 1e-6 relative (lavaan stops early in
#'   GenomicSEM's calls; the engine converges fully).
#'
#' @inheritParams usermodel
#' @return A list with `modelfit` (one row: `chisq`, `df`, `p_chisq`, `AIC`, `CFI`, `SRMR`)
#'   and `results` (the free parameters: `lhs`, `op`, `rhs`, `Unstandardized_Estimate`,
#'   `Unstandardized_SE`, `Standardized_Est`, `Standardized_SE`, `p_value`).
#' @export
#' @examples
#' covstruc <- readRDS(genomicsemrs_example("ldsc_T1_T5.rds"))
#' fit <- commonfactor(covstruc, estimation = "DWLS")
#' fit$modelfit
#' fit$results
commonfactor <- function(covstruc, estimation = "DWLS") {
  start <- proc.time()
  call <- sys.call()
  check_estimation(estimation, call = call)
  cs <- sem_covstruc(covstruc, call = call)
  if (length(cs$traits) < 3) {
    gsem_abort(paste0("There are only ", length(cs$traits), " variable(s) in the genetic covariance matrix, so ",
                      "the common factor model is not identified. Specify a common factor model with ",
                      "constrained loadings with `usermodel()`, or rerun `ldsc()` with at least three traits."),
               class = "not_identified", call = call)
  }
  sem_print("Running Model")
  out <- rs_value(rs_commonfactor(cs$S, cs$traits, cs$V, estimation), call = call)
  if (out$residuals_bounded) {
    sem_print("The common factor initially failed to converge. A lower bound of 0 on residual variances has been added to try and troubleshoot this.")
  }
  sem_print("Calculating CFI")
  res <- out$results
  results <- data.frame(
    lhs = res$lhs, op = res$op, rhs = res$rhs,
    Unstandardized_Estimate = res$est, Unstandardized_SE = nan_to_na(res$se),
    Standardized_Est = res$std_genotype, Standardized_SE = nan_to_na(res$std_genotype_se),
    stringsAsFactors = FALSE, row.names = as.integer(res$id)
  )
  modelfit <- sem_modelfit(out$modelfit, blank = c("chisq", "AIC", "p_chisq"))
  sem_print_elapsed(start)
  sem_report_smoothing(out$smoothing, call)
  if (isTRUE(modelfit$CFI < 0)) {
    gsem_warn(paste("CFI estimates below 0 should not be trusted, and indicate that the other model fit estimates should be interpreted with caution. A negative CFI estimates typically appears due to negative residual variances."),
              class = "fit", call = call)
  }
  results$p_value <- sem_p_values(res$p_value)
  list(modelfit = modelfit, results = results)
}
