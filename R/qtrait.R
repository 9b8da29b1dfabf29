# QTrait(): heterogeneity of the associations of external traits with a common factor. The
# model fits go through usermodel() (the Rust SEM engine); this file writes the models and
# applies GenomicSEM's decision rules.

#' Heterogeneity test of external-trait associations with a common factor (QTrait)
#'
#' For each external trait, compares a common pathway model (the trait relates to the
#' indicators only through the common factor, whose measurement model is fixed at the
#' one-factor solution of `indicators`) with an independent pathway model (the trait relates
#' to each indicator directly). The chi-square difference is the QTrait statistic; together
#' with a significant factor association and a local SRMR of the residual genetic correlations
#' above `lsrmrthreshold` (and above `lsrmr` times the root mean square genetic correlation), it
#' flags heterogeneity. Then indicators whose residual exceeds `mresidthreshold` and `mresid`
#' times the root mean square genetic correlation are freed one by one (follow-up models) until
#' the heterogeneity is gone. Thresholds on p-values are Bonferroni corrected
#' (.05 / number of traits).
#'
#' @param LDSCoutput The list returned by `ldsc(..., stand = TRUE)`, or the path of an .RData
#'   file holding it (as an object named `LDSCoutput`, or as its only object).
#' @param indicators Names of the traits that define the common factor (at least 3).
#' @param traits Names of the external traits to test.
#' @param mresid,mresidthreshold An indicator is an outlier when the absolute residual genetic
#'   correlation is at least `mresidthreshold` and at least `mresid` times the root mean square
#'   genetic correlation of the trait with the indicators.
#' @param lsrmr,lsrmrthreshold The local SRMR is "above threshold" when it exceeds
#'   `lsrmrthreshold` and `lsrmr` times the root mean square genetic correlation.
#' @param save.plots `TRUE` writes `Plots/QTrait_Statistics<indicators>_<trait>.pdf` in the
#'   working directory (needs ggplot2).
#' @param stdout `TRUE` plots standardized loadings against genetic correlations, `FALSE`
#'   unstandardized loadings against the unstandardized direct effects.
#' @return The data frame `Q_mat`, one row per trait (row names = traits) and 24 columns:
#'   `rGF1Trait_CPM, SErGF1Trait_CPM, pvalrGF1Trait_CPM, rGF1Trait_significat_CPM, QTrait_CPM,
#'   df_CPM, p_value_CPM, Qsignificant_CPM, lSRMR_CPM, lSRMR_above_threshold_CPM,
#'   heterogeneity_CPM`, the same for the last follow-up model (`_FUM`, NA / `"-"` without
#'   one), `reduction_lSRMR` (text such as `"92.15%"`), `heterogeneity_FUM` and
#'   `Unconstrained_paths`.
#' @section Differences from GenomicSEM:
#' * `Q_mat` is returned, not assigned in the global environment; no file `NUL` is written
#'   (GenomicSEM's `sink("NUL")`); nothing is attached (GenomicSEM attached data.table, ggplot2,
#'   ggrepel, corrplot and dplyr). Plots are written only with `save.plots = TRUE`; ggplot2 is
#'   needed only then, and each PDF has the heatmap and the scatter plot on separate pages
#'   (GenomicSEM stacked them with ggpubr).
#' * The independent pathway model writes one regression per indicator (`T1 ~ T5F`, ...)
#'   instead of lavaan's `T1 + T2 ~ T5F` shorthand; the model is the same.
#' * A follow-up p-value below 5e-300 is kept as 5e-300 (GenomicSEM turned it into NA), and a
#'   saturated follow-up model has a chi-square of 0 (GenomicSEM stopped with "missing value
#'   where TRUE/FALSE needed").
#' * Bad input (unknown trait names, an indicator also given as trait, fewer than 3 indicators,
#'   no `S_Stand`) is a classed error (`genomicsemrs_error_argument`).
#' @seealso [usermodel()], [paLDSC()]
#' @examples
#' covstruc <- readRDS(genomicsemrs_example("ldsc_T1_T5.rds"))
#' QTrait(covstruc, indicators = c("T1", "T2", "T3", "T4"), traits = "T5", save.plots = FALSE)
#' @export
QTrait <- function(LDSCoutput, indicators, traits, mresid = .25, mresidthreshold = .10, lsrmr = .25,
                   lsrmrthreshold = .10, save.plots = TRUE, stdout = TRUE) {
  call <- sys.call()
  LDSCoutput <- qtrait_ldsc(LDSCoutput, call)
  cs <- check_ldsc_output(LDSCoutput, "LDSCoutput", stand = TRUE, call = call)
  check_strings(indicators, "indicators", unique = TRUE, call = call)
  check_strings(traits, "traits", unique = TRUE, call = call)
  unknown <- setdiff(c(indicators, traits), cs$traits)
  if (length(unknown)) {
    gsem_abort(paste0("`indicators` and `traits` must be traits of `LDSCoutput` (", paste(cs$traits, collapse = ", "),
                      "); not found: ", paste(unknown, collapse = ", "), "."), call = call)
  }
  if (length(indicators) < 3) {
    gsem_abort("`indicators` must name at least 3 traits to identify the common factor.", call = call)
  }
  if (length(both <- intersect(indicators, traits))) {
    gsem_abort(paste0("A trait cannot be both an indicator and an external trait: ", paste(both, collapse = ", "), "."),
               call = call)
  }
  for (arg in c("mresid", "mresidthreshold", "lsrmr", "lsrmrthreshold")) {
    check_number(get(arg), arg, lower = 0, call = call)
  }
  check_flag(save.plots, "save.plots", call = call)
  check_flag(stdout, "stdout", call = call)
  if (save.plots) require_ggplot2(call)
  settings <- list(mresid = mresid, mresidthreshold = mresidthreshold, lsrmr = lsrmr,
                   lsrmrthreshold = lsrmrthreshold, bonferroni = .05 / length(traits))

  measurement <- qtrait_measurement(LDSCoutput, indicators, call)
  if (save.plots && !file.exists("Plots")) dir.create("Plots")
  rows <- lapply(traits, function(trait) {
    out <- qtrait_one(LDSCoutput, cs, measurement, indicators, trait, settings, call)
    if (save.plots) {
      qtrait_save_plots(out$plot_data, indicators, trait, stdout,
                        file.path("Plots", paste0("QTrait_Statistics", paste(indicators, collapse = "_"), "_", trait, ".pdf")))
    }
    out$row
  })
  qtrait_cat("----------------------------", "\n")
  Q_mat <- do.call(rbind, rows)
  rownames(Q_mat) <- traits
  Q_mat
}

qtrait_ldsc <- function(LDSCoutput, call) {
  if (!is.character(LDSCoutput)) return(LDSCoutput)
  check_files_exist(LDSCoutput, "LDSCoutput", call = call)
  env <- new.env(parent = emptyenv())
  objects <- tryCatch(load(LDSCoutput, envir = env), error = function(e) {
    gsem_abort(paste0("Cannot load '", LDSCoutput, "' (`LDSCoutput`) as an .RData file: ", conditionMessage(e)),
               class = "io", call = call)
  })
  if ("LDSCoutput" %in% objects) return(env$LDSCoutput)
  if (length(objects) == 1L) return(get(objects, envir = env))
  gsem_abort(paste0("'", LDSCoutput, "' (`LDSCoutput`) must hold an object named `LDSCoutput` or a single object; ",
                    "it holds ", paste(objects, collapse = ", "), "."), call = call)
}

qtrait_cat <- function(...) if (isTRUE(getOption("genomicsemrs.verbose", TRUE))) cat(...)

qtrait_fit <- function(LDSCoutput, model, imp_cov, std.lv = FALSE, call) {
  old <- options(genomicsemrs.verbose = FALSE)
  on.exit(options(old))
  fit <- usermodel(LDSCoutput, estimation = "DWLS", model = model, std.lv = std.lv, imp_cov = imp_cov)
  if (is.null(fit)) {
    gsem_abort("A QTrait model gave latent correlations outside [-1, 1]; check the indicators.",
               class = "not_converged", call = call)
  }
  fit
}

# The one-factor model of the indicators (std.lv), then its syntax with the loadings fixed.
qtrait_measurement <- function(LDSCoutput, indicators, call) {
  n <- seq_along(indicators)
  free <- paste(paste("F1 =~ ", paste(indicators, collapse = " + "), collapse = " "),
                paste0(indicators, "~~ rv", n, "*", indicators, collapse = "\n"),
                paste0("rv", n, ">0.001", collapse = "\n"), sep = "\n")
  res <- qtrait_fit(LDSCoutput, free, imp_cov = FALSE, std.lv = TRUE, call = call)$results
  lambdas <- res[res$lhs == "F1" & res$op == "=~", c("rhs", "Unstand_Est")]
  list(lambdas = lambdas,
       syntax = paste(paste("F1 =~", paste(lambdas$Unstand_Est, "*", lambdas$rhs, collapse = " + ")),
                      paste0(indicators, "~~ rv", n, "*", indicators, collapse = "\n"),
                      paste0("rv", n, ">0.001", collapse = "\n"), sep = "\n"))
}

# Estimate, SE and p-value of F1 ~ <trait>F in a fit.
qtrait_path <- function(fit, trait) {
  r <- fit$results
  row <- r[r$lhs == "F1" & r$op == "~" & r$rhs == paste0(trait, "F"), ]
  p <- row$p_value
  list(est = row$Unstand_Est, std = row$STD_All, se = as.numeric(row$Unstand_SE),
       p = if (identical(p, "< 5e-300")) 5e-300 else as.numeric(p))
}

qtrait_chisq <- function(fit) {
  chisq <- fit$modelfit$chisq
  if (is.na(chisq)) 0 else chisq
}
