# Pieces of enrich(): argument checks, one fit through the SEM engine, the refit model with
# parameters fixed at their baseline values, lavaan's warning texts and the baseline table.

enrich_check_covstruc <- function(x, call) {
  needed <- c("S", "V", "S_Tau", "V_Tau", "Prop", "Select")
  if (!is.list(x) || !all(needed %in% names(x))) {
    argument_error("s_covstruc", "the output of s_ldsc() (a list with S, V, S_Tau, V_Tau, Prop and Select)",
                   x, call = call)
  }
  if (length(x$S) != nrow(x$Prop) || length(x$S) != nrow(x$Select) + 1L) {
    gsem_abort("`s_covstruc` is inconsistent: S, Prop and Select must describe the same annotations.",
               call = call)
  }
}

# One DWLS fit; list(out) or list(error = message).
enrich_fit <- function(S, V, traits, model, std.lv, toler, call) {
  tryCatch(
    list(out = rs_value(rs_usermodel(S, traits, V, model, "DWLS", std.lv, FALSE,
                                     if (is.null(toler)) NULL else as.double(toler), FALSE), call = call)),
    genomicsemrs_error = function(e) list(error = conditionMessage(e))
  )
}

# Model rows that carry parameters (GenomicSEM keeps every partable row but `==`).
enrich_rows <- function(res) {
  keep <- res$op %in% c("=~", "~~", "~")
  data.frame(lhs = res$lhs[keep], op = res$op[keep], rhs = res$rhs[keep], free = res$free[keep],
             est = res$est[keep], se = res$se[keep], stringsAsFactors = FALSE)
}

# Which rows the annotation fits estimate, by `fix`, minus `fixparam`.
enrich_free <- function(rows, params, fixparam, fix) {
  key <- paste0(rows$lhs, rows$op, rows$rhs)
  by_rule <- switch(fix,
    regressions = rows$op == "~~",
    covariances = rows$op %in% c("~", "=~") | rows$lhs == rows$rhs,
    variances = rows$op %in% c("~", "=~") | (rows$op == "~~" & rows$lhs != rows$rhs)
  )
  (key %in% params | by_rule) & !(key %in% fixparam)
}

# Every row explicit: free ones as NA*, fixed ones at their baseline value.
# Loadings come first, ordered by the traits' order in S, so that the engine meets the
# observed variables in the order of S (as in the baseline fit).
enrich_refit_model <- function(rows, free, traits) {
  value <- ifelse(free, "NA", sprintf("%.17g", rows$est))
  lines <- paste0(rows$lhs, " ", rows$op, " ", value, "*", rows$rhs)
  rank <- ifelse(rows$op == "=~", 0, 1e6) + ifelse(rows$op == "=~", match(rows$rhs, traits, nomatch = 1e5), 0)
  paste(lines[order(rank, seq_along(lines))], collapse = "\n")
}

# The first of lavaan's post-fit warnings that applies, or "0".
enrich_lavaan_warning <- function(res) {
  var_rows <- res$op == "~~" & res$lhs == res$rhs
  observed <- !(res$lhs %in% res$lhs[res$op == "=~"])
  if (any(res$est[var_rows & observed] < 0)) return("lavaan WARNING: some estimated ov variances are negative")
  if (any(res$est[var_rows & !observed] < 0)) return("lavaan WARNING: some estimated lv variances are negative")
  latents <- unique(res$lhs[res$op == "=~"])
  if (length(latents) > 1L) {
    cov_lv <- matrix(0, length(latents), length(latents), dimnames = list(latents, latents))
    lv_rows <- which(res$op == "~~" & res$lhs %in% latents & res$rhs %in% latents)
    for (i in lv_rows) cov_lv[res$lhs[i], res$rhs[i]] <- cov_lv[res$rhs[i], res$lhs[i]] <- res$est[i]
    if (min(eigen(cov_lv, symmetric = TRUE, only.values = TRUE)$values) < 0) {
      return(paste0("lavaan WARNING: covariance matrix of latent variables\n                is not positive definite;\n",
                    "                use lavInspect(fit, \"cov.lv\") to investigate."))
    }
  }
  "0"
}

# The baseline estimates: free rows with their SE, then fixed rows with SE "", merged with
# whether the annotation fits fix them, ordered by that flag (GenomicSEM's merge order).
enrich_base_table <- function(rows, free, keys) {
  se <- ifelse(rows$free, as.character(rows$se), "")
  ordered <- c(which(rows$free), which(!rows$free))
  d <- data.frame(lhs = rows$lhs, op = rows$op, rhs = rows$rhs, est = rows$est, SE = se,
                  Fixed_Enrich = ifelse(free, "No", "Yes"), stringsAsFactors = FALSE)[ordered, ]
  d <- d[order(paste0(d$lhs, d$op, d$rhs), method = "radix"), ]
  rownames(d) <- seq_len(nrow(d))
  d[order(d$Fixed_Enrich), ]
}
