#' Enrichment of model parameters across annotations (Stratified Genomic SEM)
#'
#' Drop-in replacement for GenomicSEM's `enrich()`. The model is fitted (DWLS) to the
#' baseline annotation of an [s_ldsc()] result; all parameters are then fixed at their
#' baseline values except those `fix` leaves free and those in `params`, and the model is
#' refitted in each binary, non-flanking annotation. The enrichment of a parameter is its
#' annotation estimate over its baseline estimate, divided by the annotation's share of SNPs
#' (`Prop`), with a one-sided test against 1. All fits run in the Rust SEM engine used by
#' [usermodel()].
#'
#' @section Differences from GenomicSEM:
#' * The engine converges fully where lavaan stopped early (`optim.dx.tol = .01`): estimates
#'   agree to about 1e-6 relative, and baseline enrichments are 1 rather than 0.9999999.
#' * The `Warning` column reproduces lavaan's texts for negative observed variances,
#'   negative latent variances and a latent covariance matrix that is not positive
#'   definite. Other lavaan warnings (optimizer messages) are not produced; where lavaan
#'   failed to converge, the engine may return a solution.
#' * A refit that fails gives `NA` enrichment and the engine's message in `Error`.
#' * When the baseline model's sandwich standard errors cannot be computed, `enrich()` stops
#'   with a classed error (`genomicsemrs_error_enrich_model`) carrying GenomicSEM's message
#'   ("Your baseline model produced tolerance issues; ...").
#' * Kept as in GenomicSEM: flanking and continuous annotations get `NA` rows with the fixed
#'   warning text (removed when `rm_flank = TRUE`); the baseline table's `SE` column is text
#'   with "" for fixed parameters and its rows are ordered by `Fixed_Enrich`; with one
#'   parameter and `base = FALSE` a data frame is returned instead of a list; the p-value is
#'   one-sided; `Error` is numeric 0 when a fit succeeds.
#'
#' @param s_covstruc The output of [s_ldsc()].
#' @param model The model, in lavaan syntax.
#' @param params The parameters whose enrichment is wanted, as `"lhs op rhs"` strings
#'   (for example `"F1~~F1"`).
#' @param fix Which parameters stay fixed at their baseline values in the annotation fits:
#'   `"regressions"` (loadings and regressions; variances and covariances are free),
#'   `"covariances"` (covariances; loadings, regressions and variances are free) or
#'   `"variances"` (variances; loadings, regressions and covariances are free).
#' @param std.lv Fit the baseline model with latent variances fixed to 1.
#' @param rm_flank Drop the rows of flanking and continuous annotations.
#' @param tau Use `S_Tau`/`V_Tau` (annotation-specific contributions) instead of `S`/`V`.
#' @param base Append the baseline model's estimates as the last list element.
#' @param toler Tolerance for inverting the information matrix (`NULL`: R's default).
#' @param fixparam Parameters (`"lhs op rhs"`) to keep fixed whatever `fix` says.
#' @return A list with one data frame per parameter (columns `Annotation`, `lhs`, `op`,
#'   `rhs`, `Cov_Smooth`, `Z_smooth`, `Enrichment`, `Enrichment_SE`, `Enrichment_p_value`,
#'   `Error`, `Warning`) and, with `base = TRUE`, the baseline estimates (`lhs`, `op`, `rhs`,
#'   `est`, `SE`, `Fixed_Enrich`).
#' @export
#' @examples
#' old <- setwd(tempdir())
#' options(genomicsemrs.verbose = FALSE)
#' d <- genomicsemrs_example("stratified")
#' s_covstruc <- s_ldsc(traits = file.path(d, paste0("T", 1:3, ".sumstats.gz")),
#'                      ld = file.path(d, "baseline."), wld = file.path(d, "weights."),
#'                      frq = file.path(d, "1000G.EUR.QC."), trait.names = c("T1", "T2", "T3"),
#'                      n.blocks = 20)
#' enrich(s_covstruc, model = "F1 =~ T1 + T2 + T3", params = "F1~~F1")
#' options(genomicsemrs.verbose = TRUE)
#' setwd(old)
enrich <- function(s_covstruc, model = "", params, fix = "regressions", std.lv = FALSE,
                   rm_flank = TRUE, tau = FALSE, base = TRUE, toler = NULL, fixparam = NULL) {
  start <- proc.time()
  call <- sys.call()
  enrich_check_covstruc(s_covstruc, call)
  check_string(model, "model", call = call)
  check_strings(params, "params", call = call)
  check_string(fix, "fix", choices = c("regressions", "covariances", "variances"), call = call)
  check_flag(std.lv, "std.lv", call = call)
  check_flag(rm_flank, "rm_flank", call = call)
  check_flag(tau, "tau", call = call)
  check_flag(base, "base", call = call)
  check_number(toler, "toler", above = 0, allow_null = TRUE, call = call)
  check_strings(fixparam, "fixparam", allow_null = TRUE, call = call)
  if (!any(grepl("~", model, fixed = TRUE), grepl("=", model, fixed = TRUE), grepl("+", model, fixed = TRUE))) {
    gsem_warn(paste0("Your model name may be listed in quotes; please remove the quotes and try re-running ",
                     "if the function has returned an error about not locating the ReorderModel."),
              class = "model", call = call)
  }
  S_list <- if (tau) s_covstruc$S_Tau else s_covstruc$S
  V_list <- if (tau) s_covstruc$V_Tau else s_covstruc$V
  traits <- colnames(S_list[[1]])
  params <- gsub(" ", "", params, fixed = TRUE)
  fixparam <- gsub(" ", "", fixparam %||% character(), fixed = TRUE)
  sem_print(paste0(names(s_covstruc[[1]][1]), " is assumed to be the baseline annotation that includes all SNPs."))
  sem_print("Running model for baseline annotation")
  fit_base <- enrich_fit(S_list[[1]], V_list[[1]], traits, model, std.lv, toler, call)
  if (!is.null(fit_base$error)) {
    gsem_abort(paste0("The model failed to converge on a solution for the baseline annotation (",
                      fit_base$error, "). Please try specifying an alternative model."),
               class = "enrich_model", call = call)
  }
  rows <- enrich_rows(fit_base$out$results)
  free <- enrich_free(rows, params, fixparam, fix)
  if (!any(free)) {
    gsem_abort(paste0("All parameters are being fixed from the baseline model. Please specify arguments ",
                      "so at least one free parameter is estimated."), class = "enrich_model", call = call)
  }
  if (all(free)) {
    gsem_warn(paste0("All parameters are being freely estimated from the baseline model. Enrichment ",
                     "results should likely not be interpreted."), class = "enrich_model", call = call)
  }
  keys <- paste0(rows$lhs, rows$op, rows$rhs)
  missing_params <- setdiff(params, keys)
  if (length(missing_params)) {
    gsem_abort(paste0("`params` names parameter(s) that are not in the model: ",
                      paste0("\"", missing_params, "\"", collapse = ", "), ". Write them as lhs, op and rhs ",
                      "without spaces, for example \"F1~~F1\"; the model has ",
                      paste0("\"", keys, "\"", collapse = ", "), "."), class = "argument", call = call)
  }
  refit_model <- enrich_refit_model(rows, free, traits)
  target <- which(keys %in% params)
  base_est <- rows$est[target]
  sem_print("Confirming fixed model reproduces estimate from freely estimated model for baseline annotation.")
  sem_print(paste0("Beginning estimation of enrichment for ", length(S_list), " functional annotations."))
  select <- c(1, s_covstruc$Select$V2)
  prop <- s_covstruc$Prop$Prop
  annots <- names(S_list)
  flank_text <- "This annotation was not analyzed as it is either a continuous or flanking annotation."
  per_annot <- lapply(seq_along(S_list), function(n) {
    na_row <- function(warning, smooth = c(NA, NA), error = 0) {
      data.frame(Annotation = annots[n], lhs = rows$lhs[target], op = rows$op[target], rhs = rows$rhs[target],
                 Cov_Smooth = smooth[1], Z_smooth = smooth[2], Enrichment = NA_real_, Enrichment_SE = NA_real_,
                 Enrichment_p_value = NA_real_, Error = error, Warning = warning)
    }
    if (select[n] != 1) return(na_row(flank_text))
    S <- S_list[[n]]
    if (all(diag(S) < 0)) return(na_row("This annotation was not analyzed as all heritability estimates were below 0."))
    fit <- enrich_fit(S, V_list[[n]], traits, refit_model, FALSE, toler, call)
    if (!is.null(fit$error)) {
      if (n == 1) {
        gsem_abort(paste0("Your baseline model produced tolerance issues; consider using the toler argument ",
                          "to set a lower threshold (", fit$error, ")."), class = "enrich_model", call = call)
      }
      return(na_row("0", error = fit$error))
    }
    res <- fit$out$results
    k2 <- paste0(res$lhs, res$op, res$rhs)
    idx <- match(keys[target], k2)
    est <- res$est[idx]
    se <- res$se[idx]
    if (n == 1 && any(!is.finite(se))) {
      gsem_abort(paste0("Your baseline model produced tolerance issues; consider using the toler argument ",
                        "to set a lower threshold"), class = "enrich_model", call = call)
    }
    enr <- (est / base_est) / prop[n]
    enr_se <- (se / abs(base_est)) / prop[n]
    sm <- fit$out$smoothing
    data.frame(Annotation = annots[n], lhs = rows$lhs[target], op = rows$op[target], rhs = rows$rhs[target],
               Cov_Smooth = sm$ld_sdiff, Z_smooth = sm$z_diff_abs, Enrichment = enr, Enrichment_SE = enr_se,
               Enrichment_p_value = stats::pnorm((enr - 1) / enr_se, lower.tail = FALSE), Error = 0,
               Warning = enrich_lavaan_warning(res))
  })
  out <- lapply(seq_along(target), function(y) {
    d <- do.call(rbind, lapply(per_annot, function(r) r[y, , drop = FALSE]))
    rownames(d) <- seq_len(nrow(d))
    if (rm_flank) d <- d[d$Warning != flank_text, , drop = FALSE]
    d
  })
  if (rm_flank) {
    sem_print(paste0(sum(select != 1), " annotations were removed from the output because they were either continuous or flanking window annotatoins."))
  }
  if (base) out[[length(out) + 1L]] <- enrich_base_table(rows, free, keys)
  if (length(out) == 1L && !base) out <- out[[1]]
  out
}
