# QTrait's models for one external trait: common pathway (CPM), independent pathway (IPM) and
# follow-up models (FUM) freeing the direct paths of outlying indicators, and the row of Q_mat.

qtrait_trait_lines <- function(trait) {
  paste0("\n", trait, "F =~ NA*", trait, "\n", trait, " ~~ 0*", trait, " \nF1 ~ ", trait, "F \n",
         trait, "F ~~ 1*", trait, "F ")
}

qtrait_direct_paths <- function(indicators, trait) {
  paste0("\n", paste0(indicators, " ~ ", trait, "F", collapse = "\n"), " ")
}

# Residual genetic correlations of `trait` with the indicators under a fit (observed - implied).
qtrait_residuals <- function(observed, fit, trait, indicators) {
  implied <- stats::cov2cor(fit$resid_cov[["Model Implied Covariance Matrix"]])[trait, indicators]
  list(implied = implied, residual = observed - implied)
}

qtrait_one <- function(LDSCoutput, cs, measurement, indicators, trait, settings, call) {
  qtrait_cat("\n", "----------------------------", "\n")
  qtrait_cat("\n", "Fitting common pathways model for external trait", trait, "\n", "\n")
  base <- measurement$syntax
  cpm <- qtrait_fit(LDSCoutput, paste0(base, qtrait_trait_lines(trait), " \n "), imp_cov = TRUE, call = call)
  qtrait_cat("\n", "Fitting independent pathways model for external trait", trait, "\n", "\n")
  ipm_model <- paste0(base, "\n", trait, "F =~ NA*", trait, " \n", trait, " ~~ 0*", trait, " ",
                      qtrait_direct_paths(indicators, trait), "\n", trait, "F ~~ 1*", trait, "F ",
                      "\nF1~~0*", trait, "F \nF1~~rvl*F1 \nrvl>0.001  \n ")
  ipm <- qtrait_fit(LDSCoutput, ipm_model, imp_cov = FALSE, call = call)
  ip_chi <- qtrait_chisq(ipm)
  ip_df <- ipm$modelfit$df
  nested_chi <- cpm$modelfit$chisq - ip_chi
  nested_df <- cpm$modelfit$df - ip_df

  S_Stand <- cs$S_Stand
  dimnames(S_Stand) <- list(cs$traits, cs$traits)
  observed <- S_Stand[trait, indicators]
  cpm_res <- qtrait_residuals(observed, cpm, trait, indicators)
  rms_rg <- sqrt(mean(observed^2))
  bf <- settings$bonferroni
  flag <- function(x) ifelse(x, "*", "NS")
  above <- function(l) ifelse(l > settings$lsrmrthreshold & l > settings$lsrmr * rms_rg, "Yes", "No")
  path <- qtrait_path(cpm, trait)
  lsrmr_cpm <- sqrt(mean(cpm_res$residual^2))
  p_cpm <- stats::pchisq(nested_chi, nested_df, lower.tail = FALSE)
  beta_sig <- flag(path$p < bf)
  q_sig <- flag(p_cpm < bf)
  lsrmr_above <- above(lsrmr_cpm)
  het <- ifelse(beta_sig == "*" & q_sig == "*" & lsrmr_above == "Yes", "Yes", "No")
  cpm_cols <- list(path$est, path$se, path$p, beta_sig, nested_chi, nested_df, p_cpm, q_sig, lsrmr_cpm,
                   lsrmr_above, het)
  models <- list(CPM = path)
  small <- function(res) abs(res) < settings$mresidthreshold | abs(res) < settings$mresid * rms_rg
  fum_cols <- list(NA, NA, NA, "-", NA, NA, NA, "-", NA, "-", "-", "-", "None")
  unconstrained <- "None"
  if (het == "Yes" && !all(small(cpm_res$residual))) {
    freed <- indicators[which.max(abs(cpm_res$residual))]
    repeat {
      qtrait_cat("\n", "Fitting follow-up model for external trait", trait, "\n", "\n")
      qtrait_cat("\n", if (length(freed) == 1) "Most egregious outlier:" else "Most egregious outliers:",
                 paste(freed, collapse = ","), "\n", "\n")
      fum_model <- paste0(base, qtrait_trait_lines(trait), qtrait_direct_paths(freed, trait),
                          "\nF1~~rvl*F1 \nrvl>0.001  \n ")
      fum <- qtrait_fit(LDSCoutput, fum_model, imp_cov = TRUE, call = call)
      qtrait_cat("\n", "----------------------------", "\n")
      chi <- qtrait_chisq(fum) - ip_chi
      df <- fum$modelfit$df - ip_df
      fpath <- qtrait_path(fum, trait)
      models[[paste(freed, collapse = ",")]] <- fpath
      fum_res <- qtrait_residuals(observed, fum, trait, indicators)
      lsrmr_fum <- sqrt(mean(fum_res$residual^2))
      p_fum <- stats::pchisq(chi, df, lower.tail = FALSE)
      f_beta <- flag(fpath$p < bf)
      f_q <- flag(p_fum < bf)
      f_above <- above(lsrmr_fum)
      f_het <- ifelse(f_beta == "*" & f_q == "*" & f_above == "Yes", "Yes", "No")
      unconstrained <- paste(freed, collapse = ",")
      fum_cols <- list(fpath$est, fpath$se, fpath$p, f_beta, chi, df, p_fum, f_q, lsrmr_fum, f_above,
                       paste0(round((1 - lsrmr_fum / lsrmr_cpm) * 100, 2), "%"), f_het, unconstrained)
      if (!(f_het == "Yes" && df != 0 && !all(small(fum_res$residual)))) break
      # the next outlier by the common pathway model's residuals, not yet freed
      ranked <- indicators[order(abs(cpm_res$residual), decreasing = TRUE)]
      remaining <- ranked[!ranked %in% freed]
      if (!length(remaining)) break
      freed <- c(freed, remaining[1])
    }
  }
  row <- qtrait_row(c(cpm_cols, fum_cols))
  list(row = row, plot_data = list(observed = observed, cpm = cpm_res, ipm = ipm, models = models,
                                   lambdas = measurement$lambdas, residual_fit = cpm,
                                   V_Stand = cs$V_Stand, traits = cs$traits,
                                   outliers = if (unconstrained == "None") character() else strsplit(unconstrained, ",")[[1]]))
}

qtrait_columns <- c(
  "rGF1Trait_CPM", "SErGF1Trait_CPM", "pvalrGF1Trait_CPM", "rGF1Trait_significat_CPM", "QTrait_CPM", "df_CPM",
  "p_value_CPM", "Qsignificant_CPM", "lSRMR_CPM", "lSRMR_above_threshold_CPM", "heterogeneity_CPM",
  "rGF1Trait_FUM", "SErGF1Trait_FUM", "pvalrGF1Trait_FUM", "rGF1Trait_significat_FUM", "QTrait_FUM", "df_FUM",
  "p_value_FUM", "Qsignificant_FUM", "lSRMR_FUM", "lSRMR_above_threshold_FUM", "reduction_lSRMR",
  "heterogeneity_FUM", "Unconstrained_paths")

# One row of Q_mat. Numbers pass through text as in GenomicSEM (which stored the row with c()
# and converted back with as.numeric()), so they carry 15 significant digits.
qtrait_row <- function(values) {
  names(values) <- qtrait_columns
  text <- c(4, 8, 10, 11, 15, 19, 21, 22, 23, 24)
  out <- lapply(seq_along(values), function(j) {
    v <- values[[j]]
    if (j %in% text) as.character(v) else if (is.na(v)) NA_real_ else as.numeric(as.character(v))
  })
  names(out) <- qtrait_columns
  as.data.frame(out, stringsAsFactors = FALSE)
}
