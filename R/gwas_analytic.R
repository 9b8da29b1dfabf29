# userGWAS(analytic = TRUE): the no-SNP model's loadings (from `usermod` or a usermodel() fit
# here) and the closed-form per-SNP factor effects computed in Rust.

analytic_gwas <- function(cov, snps, model, usermod, fix_measurement, estimation, TWAS, threads,
                          covstruc, call) {
  if (!isTRUE(fix_measurement)) {
    gsem_abort("`analytic = TRUE` needs `fix_measurement = TRUE` (the loadings are fixed).",
               call = call)
  }
  if (is.null(usermod)) {
    lines <- strsplit(model, "\n", fixed = TRUE)[[1]]
    no_snp <- paste(lines[!grepl(if (TWAS) "Gene" else "SNP", lines, fixed = TRUE) &
                            !grepl(":=", lines, fixed = TRUE)], collapse = "\n")
    usermod <- usermodel(covstruc, estimation = estimation, model = no_snp)
  }
  results <- usermod$results
  if (is.null(results) || !all(c("lhs", "op", "rhs") %in% names(results))) {
    gsem_abort("`usermod` must be the output of usermodel() for the model without the SNP.",
               call = call)
  }
  est_col <- intersect(c("Unstand_Est", "Unstandardized_Estimate"), names(results))[1]
  loads <- results[results$op == "=~", , drop = FALSE]
  factors <- unique(loads$lhs)
  if (!length(factors)) {
    gsem_abort("The model without the SNP has no factor (`=~`) to estimate SNP effects on.",
               call = call)
  }
  L <- matrix(0, length(cov$names), length(factors), dimnames = list(cov$names, factors))
  unknown <- setdiff(loads$rhs, cov$names)
  if (length(unknown)) {
    gsem_abort(paste0("Analytic estimation needs factors of traits only; ",
                      paste(unknown, collapse = ", "), " are not traits of covstruc."),
               call = call)
  }
  L[cbind(match(loads$rhs, cov$names), match(loads$lhs, factors))] <-
    as.double(loads[[est_col]])
  out <- rs_value(rs_analytic_gwas(L, cov$I, gwas_snp_list(snps, seq_len(nrow(snps$data))),
                                   threads), call = call)
  n <- nrow(snps$data)
  res <- gwas_id_columns(snps, TWAS)
  for (j in seq_along(factors)) {
    at <- (j - 1L) * n + seq_len(n)
    f <- factors[j]
    b <- nan_to_na(out$beta[at])
    se <- nan_to_na(out$se[at])
    q <- nan_to_na(out$q[at])
    res[[paste0("beta_", f)]] <- b
    res[[paste0("SE_", f)]] <- se
    res[[paste0("Z_beta_", f)]] <- b / se
    res[[paste0("p_val_", f)]] <- 2 * stats::pnorm(-abs(b / se))
    res[[paste0("Q_", f)]] <- q
    res[[paste0("Q_df_", f)]] <- out$q_df[j]
    res[[paste0("Qpval_", f)]] <- stats::pchisq(q, out$q_df[j], lower.tail = FALSE)
  }
  q <- nan_to_na(out$q_omnibus)
  res$Q_omnibus <- q
  res$Q_omnibus_df <- length(cov$names) - length(factors)
  res$Q_omnibus_pval <- stats::pchisq(q, res$Q_omnibus_df, lower.tail = FALSE)
  res
}
