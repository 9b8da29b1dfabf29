# userGWAS(analytic = TRUE): the no-SNP model's loadings (from `usermod` or a usermodel() fit
# here) and the closed-form per-SNP factor effects computed in Rust.

analytic_gwas <- function(cov, snps, model, usermod, fix_measurement, estimation, TWAS, threads,
                          covstruc, call) {
  if (!isTRUE(fix_measurement)) {
    gsem_abort("`analytic = TRUE` needs `fix_measurement = TRUE` (the loadings are fixed).",
               call = call)
  }
  lines <- strsplit(model, "[\n;]")[[1]]
  no_snp <- paste(lines[!grepl(if (TWAS) "Gene" else "SNP", lines, fixed = TRUE) &
                          !grepl(":=", lines, fixed = TRUE)], collapse = "\n")
  if (is.null(usermod)) {
    usermod <- usermodel(covstruc, estimation = estimation, model = no_snp)
  }
  results <- if (is.list(usermod) && !is.data.frame(usermod)) usermod$results
  if (!is.data.frame(results) || !all(c("lhs", "op", "rhs") %in% names(results))) {
    gsem_abort(paste0("`usermod` must be the output of usermodel() for the model without the ",
                      "SNP, not ", describe_value(usermod), "."), call = call)
  }
  check_usermod_matches(results, no_snp, call)
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

# The loadings of `usermod` must be those of `model` (the same factor -> indicator pairs):
# otherwise the SNP effects would silently come from another model.
check_usermod_matches <- function(results, model, call) {
  fitted <- unique(paste(results$lhs, results$rhs)[results$op == "=~"])
  wanted <- unique(unlist(lapply(strsplit(model, "\n", fixed = TRUE)[[1]], function(line) {
    line <- gsub("#.*$", "", gsub("[[:space:]]", "", line))
    if (!grepl("=~", line, fixed = TRUE)) return(NULL)
    sides <- strsplit(line, "=~", fixed = TRUE)[[1]]
    terms <- sub("^.*\\*", "", strsplit(sides[2], "+", fixed = TRUE)[[1]])
    paste(sides[1], terms)
  })))
  if (!setequal(fitted, wanted)) {
    differ <- c(setdiff(wanted, fitted), setdiff(fitted, wanted))
    gsem_abort(paste0("`usermod` was not fitted to the model without the SNP: their loadings ",
                      "differ (", paste(sub(" ", " =~ ", differ[seq_len(min(4, length(differ)))]),
                                        collapse = ", "),
                      "). Fit usermodel() to `model` without its SNP lines, or leave `usermod` NULL."),
               class = "argument", call = call)
  }
}
