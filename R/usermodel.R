#' Fit a user-specified structural equation model to the genetic covariance matrix
#'
#' Drop-in replacement for GenomicSEM's `usermodel()`: fits a model written in lavaan syntax
#' to the genetic covariance matrix S of an [ldsc()]-style result, with GenomicSEM's
#' sandwich standard errors computed from its sampling covariance matrix V. The model is fitted
#' by genomicsemrs' own SEM engine (written in Rust), which reproduces what GenomicSEM gets
#' from lavaan 0.6.14 without calling lavaan.
#'
#' The model syntax supports `=~`, `~`, `~~`, `:=`, `==`, `<`, `>`, labels, fixed values
#' (`1*F1`), `NA*` to free a parameter, `start()`, several terms per line, comments (`#`),
#' newlines and `;`. Traits of S that the model does not use are dropped (as GenomicSEM does).
#' When S or V is not positive definite it is smoothed to the nearest positive definite matrix
#' (`Matrix::nearPD()`'s algorithm) and the size of the change is printed.
#'
#' Results have GenomicSEM's layout: free parameters first (in lavaan's parameter-table
#' order), then `:=` parameters, then fixed parameters (with empty standard errors, which makes
#' the standard-error columns text, as in GenomicSEM). `STD_Genotype` are the estimates of the
#' model refitted to the genetic correlation matrix, `STD_All` the fully standardized solution.
#'
#' @section NA handling:
#' S and V must not contain missing values (an error of class `genomicsemrs_error_input`).
#' In the results, `NA` marks values GenomicSEM also leaves missing: standard errors and
#' p-values of fixed parameters (`""` in the text columns), standard errors of `:=` parameters
#' under ML, and the fit statistics of a saturated model (df = 0).
#'
#' @section Differences from GenomicSEM:
#' * Errors are classed conditions instead of lavaan's messages or `NULL`: a syntax error in
#'   `model` (`genomicsemrs_error_model_syntax`, naming the line, the position and what was
#'   expected), unknown variables or no trait of S in the model
#'   (`genomicsemrs_error_model_variables`), unsupported syntax such as multiple groups
#'   (`genomicsemrs_error_model_unsupported`), an under-identified model or a singular
#'   information matrix (`genomicsemrs_error_not_identified`; this includes the `toler` check),
#'   a fit that does not converge even with the `fix_resid` fallback
#'   (`genomicsemrs_error_not_converged`; GenomicSEM warned and reported lavaan's last
#'   iterate). Latent correlations outside \[-1, 1\] still print the unstandardized results and
#'   return `NULL`, as GenomicSEM does.
#' * ML with a `:=` parameter returns the results with `NA` standard errors for the defined
#'   parameters and a warning; GenomicSEM stopped with "object 'ghost2_stand' not found".
#' * The `fix_resid` fallback bounds the residual variances of the observed variables below
#'   by 1e-4 without writing randomly labelled constraints into the model, so it does not
#'   use R's random number generator (GenomicSEM drew the labels with `sample()`).
#' * Traits are kept when they are observed variables of the parsed model; GenomicSEM kept
#'   every trait whose name occurs as a word anywhere in the model string, comments included.
#' * `CFIcalc` is ignored, as in GenomicSEM; the CFI always uses GenomicSEM's closed form
#'   (independence-model chi-square `vech(S with a zero diagonal)' V^-1 vech(...)`).
#' * Equality constraints from shared labels are, as in GenomicSEM, ignored by the sandwich
#'   standard errors (parameters with the same label have equal estimates but may have
#'   different standard errors).
#' * The numbers agree with GenomicSEM's to about 1e-6 relative: GenomicSEM stops lavaan's
#'   optimiser early (`optim.dx.tol = .01`) while the engine converges fully (see
#'   `vignette("genomicsemrs")` for the measured differences).
#' * `toler` is checked as R's `solve(tol = toler)` checks (reciprocal condition number of the
#'   information matrix in the 1-norm); failing it is an error, where GenomicSEM warned,
#'   printed the estimates without standard errors and returned `NULL`.
#' * Reproduced on purpose: the text standard-error columns and `"< 5e-300"` p-values (quirk
#'   U2), logical `NA` fit statistics of saturated models (U3), the smoothing messages with
#'   GenomicSEM's signed Z difference (U4), and row names that follow the session's collation
#'   (GenomicSEM's `merge()` on `"lhs op rhs"`).
#' * Only lavaan's warnings about negative variances (Heywood cases) are passed on
#'   ("The unstandardized model produced the following warning: ..."); lavaan's other
#'   warnings have no counterpart.
#'
#' @param covstruc The output of [ldsc()]: a list whose first element is V and second is S
#'   (with the trait names as column names).
#' @param estimation `"DWLS"` (diagonally weighted least squares) or `"ML"`.
#' @param model The model in lavaan syntax, using the trait names of S.
#' @param CFIcalc Ignored (kept for compatibility; GenomicSEM ignores it too).
#' @param std.lv Identify latent variables by fixing their variances to 1 instead of their
#'   first loadings.
#' @param imp_cov Also return the model-implied and residual covariance matrices.
#' @param fix_resid If the model fails to converge, refit it with the residual variances
#'   bounded below by 1e-4.
#' @param toler `NULL` or `FALSE` (no check) or a tolerance: the information matrix must have a
#'   reciprocal condition number of at least `toler` (as `solve(tol = toler)` checks).
#' @param Q_Factor Also return a chi-square test of the residual covariances between the
#'   indicators of every pair of correlated factors.
#' @return A list with `modelfit` (one row: `chisq`, `df`, `p_chisq`, `AIC`, `CFI`, `SRMR`),
#'   `results` (`lhs`, `op`, `rhs`, `Unstand_Est`, `Unstand_SE`, `STD_Genotype`,
#'   `STD_Genotype_SE`, `STD_All`, `p_value`), with `imp_cov = TRUE` `resid_cov` (the
#'   model-implied and the residual covariance matrices) and with `Q_Factor = TRUE` `Q_Factor`
#'   (`Factor1`, `Factor2`, `QFactor_chisq`, `QFactor_df`, `QFactor_p`). `NULL` when latent
#'   correlations fall outside \[-1, 1\].
#' @export
#' @examples
#' covstruc <- readRDS(genomicsemrs_example("ldsc_T1_T5.rds"))
#' model <- "F1 =~ NA*T1 + T2 + T3
#'           F2 =~ NA*T4 + T5
#'           F1 ~~ 1*F1
#'           F2 ~~ 1*F2
#'           F1 ~~ F2"
#' fit <- usermodel(covstruc, estimation = "DWLS", model = model, Q_Factor = TRUE)
#' fit$modelfit
#' fit$results
usermodel <- function(covstruc, estimation = "DWLS", model = "", CFIcalc = TRUE, std.lv = FALSE,
                      imp_cov = FALSE, fix_resid = TRUE, toler = NULL, Q_Factor = FALSE) {
  start <- proc.time()
  call <- sys.call()
  check_estimation(estimation, call = call)
  if (!is.character(model) || length(model) != 1L || is.na(model)) {
    gsem_abort("`model` must be a single string in lavaan syntax.", call = call)
  }
  check_flag(std.lv, "std.lv", call = call)
  check_flag(imp_cov, "imp_cov", call = call)
  check_flag(fix_resid, "fix_resid", call = call)
  check_flag(Q_Factor, "Q_Factor", call = call)
  if (!is.null(toler) && !(isFALSE(toler) || (is.numeric(toler) && length(toler) == 1L && !is.na(toler)))) {
    gsem_abort("`toler` must be NULL, FALSE or a single number.", call = call)
  }
  if (isFALSE(toler)) toler <- NULL # solve(tol = FALSE) is solve(tol = 0): no check
  if (!any(grepl("~", model, fixed = TRUE), grepl("=", model, fixed = TRUE), grepl("+", model, fixed = TRUE))) {
    gsem_warn(paste0("Your model name may be listed in quotes; please remove the quotes and try re-running ",
                     "if the function has returned an error about not locating the ReorderModel."),
              class = "model", call = call)
  }
  cs <- sem_covstruc(covstruc, call = call)
  sem_print("Running primary model")
  out <- rs_value(rs_usermodel(cs$S, cs$traits, cs$V, model, estimation, std.lv, fix_resid,
                               if (is.null(toler)) NULL else as.double(toler), Q_Factor), call = call)
  if (out$residuals_bounded) {
    sem_print("The model as initially specified failed to converge. A lower bound of 0 on residual variances was automatically added to try and troubleshoot this. This behavior can be toggled off by setting the fix_resid argument to FALSE.")
  }
  res <- out$results
  defined <- res$op == ":="
  if (estimation == "ML" && any(defined)) {
    sem_print("SEs of ghost parameters are not available for ML estimation")
    gsem_warn("SE for ghost parameter not available for ML", class = "ml_defined_se", call = call)
  }
  if (out$latent_correlation_out_of_bounds) {
    sem_print("Error: The primary model produced correlations among your latent variables that are either greater than 1 or less than -1, or the latent variables have negative variances. \n              Consequently, model fit estimates could not be computed and results should likely not be interpreted. Results are provided below \n              to enable troubleshooting. A model constraint that constrains the latent correlations to be above -1, less than 1, or to have positive variances is suggested.")
    shown <- res$free
    sem_print(data.frame(lhs = res$lhs[shown], op = res$op[shown], rhs = res$rhs[shown],
                         Unstandardized_Estimate = res$est[shown], SE = nan_to_na(res$se[shown])))
    return(invisible(NULL))
  }
  sem_print("Calculating SRMR")
  results <- usermodel_results(res)
  modelfit <- sem_modelfit(out$modelfit, blank = c("chisq", "AIC", "p_chisq", "SRMR", "CFI"))
  sem_print_elapsed(start)
  if (modelfit$df == 0) {
    sem_print("Model fit statistics are all printed as NA as you have specified a fully saturated model (i.e., df = 0)")
  }
  sem_report_smoothing(out$smoothing, call)
  if (out$equality_constraints) {
    sem_print("Please note that when equality constraints are used in the current version of Genomic SEM that the standardized output will also impose the same constraint.")
  }
  sem_warn_negative_variances(res, out$traits, res$est, "unstandardized", call)
  sem_warn_negative_variances(res, out$traits, res$std_genotype, "standardized", call)
  value <- list(modelfit = modelfit, results = results)
  if (imp_cov) {
    implied <- out$implied
    residual <- out$residual
    dimnames(implied) <- dimnames(residual) <- list(out$traits, out$traits)
    value$resid_cov <- list(
      "Model Implied Covariance Matrix" = implied,
      "Residual Covariance Matrix: Calculated as Observed Cov - Model Implied Cov" = residual
    )
  }
  if (Q_Factor) {
    q <- out$q_factor
    value$Q_Factor <- data.frame(Factor1 = q$Factor1, Factor2 = q$Factor2,
                                 QFactor_chisq = nan_to_na(q$QFactor_chisq),
                                 QFactor_df = q$QFactor_df, QFactor_p = nan_to_na(q$QFactor_p))
  }
  value
}

# usermodel's results data frame. The standard errors of fixed parameters are "" (so the SE
# columns are text whenever a fixed parameter is listed, as in GenomicSEM); row names are the
# positions GenomicSEM's merge() on "lhs op rhs" gave the rows.
usermodel_results <- function(res) {
  se_column <- function(se) {
    se <- nan_to_na(se)
    if (all(res$free)) se else ifelse(res$free, as.character(se), "")
  }
  results <- data.frame(
    lhs = res$lhs, op = res$op, rhs = res$rhs,
    Unstand_Est = res$est, Unstand_SE = se_column(res$se),
    STD_Genotype = res$std_genotype, STD_Genotype_SE = se_column(res$std_genotype_se),
    STD_All = nan_to_na(res$std_all), p_value = sem_p_values(res$p_value),
    stringsAsFactors = FALSE
  )
  keys <- paste0(res$lhs, res$op, res$rhs)
  position <- integer(length(keys))
  position[order(keys)] <- seq_along(keys)
  rownames(results) <- position
  results
}
