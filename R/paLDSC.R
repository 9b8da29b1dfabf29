# paLDSC(): parallel analysis of a genetic correlation (or covariance) matrix. Null matrices are
# simulated from the LDSC sampling distribution: the normal draws and the eigendecomposition of
# V happen in R exactly as MASS::mvrnorm() does them (so a seed gives the original's draws);
# the replicates, their eigenvalues and the quantiles are computed in Rust.

#' Parallel analysis of an LDSC genetic correlation matrix
#'
#' Compares the eigenvalues of `S` with the `p` quantile of the eigenvalues of `r` null
#' matrices (unit or observed diagonal, zero off-diagonal) perturbed with noise from the LDSC
#' sampling covariance matrix `V`. The suggested number of components is the number of
#' observed eigenvalues before the first one below its simulated counterpart. With
#' `diag = TRUE` the analysis is repeated with only the diagonal of `V` (uncorrelated sampling
#' errors); with `fa = TRUE` also on the eigenvalues of an exploratory factor solution (needs
#' the suggested packages psych and Matrix).
#'
#' @param S Genetic correlation (`S_Stand`) or covariance (`S`) matrix from [ldsc()].
#' @param V Its sampling covariance matrix (`V_Stand` or `V`).
#' @param r Number of simulated matrices (`NULL`: 500).
#' @param p Quantile of the simulated eigenvalues (`NULL`: .95).
#' @param save.pdf `TRUE` writes `PA_LDSC.pdf` (and `Diagonalized_PA_LDSC.pdf`, `FA_PA_LDSC.pdf`,
#'   `FA_Diagonalized_PA_LDSC.pdf` with `diag`/`fa`) in the working directory.
#' @param diag `TRUE` adds the diagonalized parallel analysis.
#' @param fa `TRUE` adds the parallel analysis of factor-solution eigenvalues (`psych::fa()`).
#' @param fm Factoring method for `fa = TRUE` (`NULL`: "minres").
#' @param nfactors Number of factors for `fa = TRUE` (`NULL`: 1).
#' @return Invisibly, a list with one element per analysis run (`PA`, and `PA_diag`, `FA`,
#'   `FA_diag` when requested), each `list(eigenvalues, differences, nfactors, nfactors_diff,
#'   plots)`: the observed and simulated eigenvalues (the scree plot's data), observed minus
#'   simulated, the suggested number of components (or factors) from each, and the two
#'   ggplots. The plots are printed and the suggestions reported as GenomicSEM does. The plots
#'   are built only when they are printed or saved: `plots` is `NULL` without ggplot2, or with
#'   `options(genomicsemrs.verbose = FALSE)` and `save.pdf = FALSE` (the data they show are
#'   `eigenvalues` and `differences`).
#' @section Differences from GenomicSEM:
#' * The results are returned (invisibly) as a list; GenomicSEM returned NULL and only printed
#'   plots and text.
#' * Nothing is installed or attached (GenomicSEM installed missing packages and attached
#'   eight). ggplot2 is needed only for the plots; without it the analysis still runs and
#'   returns its numbers.
#' * `save.pdf` writes each figure's two plots on two pages of one PDF (GenomicSEM stacked them
#'   with ggpubr on one page).
#' * As in GenomicSEM, when every diagonal element of `S` differs from 1 the scree plot marks
#'   the suggested count with a dashed vertical line instead of a line at eigenvalue 1.
#' * Bad input (S not square and symmetric, V of the wrong size or not positive
#'   semi-definite, `p` outside (0, 1)) is a classed error.
#' @seealso [ldsc()], [QTrait()], [write.model()]
#' @examples
#' covstruc <- readRDS(genomicsemrs_example("ldsc_T1_T5.rds"))
#' set.seed(1)
#' pa <- paLDSC(S = covstruc$S_Stand, V = covstruc$V_Stand, r = 50)
#' pa$PA$nfactors
#' @export
paLDSC <- function(S = S, V = V, r = NULL, p = NULL, save.pdf = F, diag = F, fa = F, fm = NULL,
                   nfactors = NULL) {
  call <- sys.call()
  if (missing(S) || missing(V)) {
    gsem_abort("Give `S` and `V` (for example `S_Stand` and `V_Stand` of an `ldsc()` result).", call = call)
  }
  S <- check_matrix(S, "S", symmetric = TRUE, call = call)
  k <- nrow(S)
  kstar <- k * (k + 1) / 2
  V <- check_matrix(V, "V", nrow = kstar, ncol = kstar, symmetric = TRUE, call = call)
  r <- check_number(r %||% 500, "r", lower = 2, whole = TRUE, call = call)
  p <- check_number(p %||% .95, "p", above = 0, below = 1, call = call)
  check_flag(save.pdf, "save.pdf", call = call)
  check_flag(diag, "diag", call = call)
  check_flag(fa, "fa", call = call)
  fm <- check_string(fm %||% "minres", "fm", call = call)
  nfactors <- check_number(nfactors %||% 1, "nfactors", lower = 1, upper = k, whole = TRUE, call = call)
  if (fa) pa_require(c("psych", "Matrix"), call)
  plots <- requireNamespace("ggplot2", quietly = TRUE)
  if (save.pdf && !plots) require_ggplot2(call)

  null_vec <- (0 * S + base::diag(base::diag(S)))[lower.tri(S, diag = TRUE)]
  V_diag <- base::diag(base::diag(V), nrow(V))
  observed <- rs_value(rs_eigenvalues(S), call = call)
  label <- paste0("Simulated data (", p * 100, "th %ile)")
  diff_label <- paste0("Observed minus simulated data (", p * 100, "th %ile)")
  out <- list()
  out$PA <- pa_run(observed, pa_simulate(k, null_vec, V, r, p, call), label, diff_label, k)
  pa_progress("Running parallel analysis. Replication number: ", r)
  if (diag) {
    out$PA_diag <- pa_run(observed, pa_simulate(k, null_vec, V_diag, r, p, call), label, diff_label, k)
    pa_progress("Running diagonalized parallel analysis. Replication number: ", r)
  }
  if (fa) {
    fa_values <- function(m) {
      smooth <- as.matrix(Matrix::nearPD(m, corr = TRUE)$mat)
      psych::fa(smooth, fm = fm, nfactors = nfactors, SMC = FALSE, warnings = FALSE, rotate = "none")$values
    }
    obs_fa <- fa_values(S)
    out$FA <- pa_run(obs_fa, pa_simulate_fa(k, null_vec, V, r, p, fa_values, call), label, diff_label, k,
                     at_least_one = TRUE)
    pa_progress("Running FA parallel analysis. Replication number: ", r)
    if (diag) {
      out$FA_diag <- pa_run(obs_fa, pa_simulate_fa(k, null_vec, V_diag, r, p, fa_values, call), label,
                            diff_label, k, at_least_one = TRUE)
      pa_progress("Running FA diagonalized parallel analysis. Replication number: ", r)
    }
  }
  # the plots are built when they are shown or saved (building them costs 20x the analysis)
  shown <- isTRUE(getOption("genomicsemrs.verbose", TRUE))
  if (plots && (shown || save.pdf)) out <- pa_add_plots(out, S, k)
  drawn <- if (plots && shown && save.pdf) pa_prebuild(out) else out
  pa_report(drawn)
  if (save.pdf) pa_save(drawn)
  invisible(out)
}

pa_require <- function(packages, call) {
  missing <- packages[!vapply(packages, requireNamespace, TRUE, quietly = TRUE)]
  if (length(missing)) {
    gsem_abort(paste0("`fa = TRUE` needs the suggested package", if (length(missing) > 1) "s", " ",
                      paste(missing, collapse = " and "), ". Install ", if (length(missing) > 1) "them" else "it",
                      " with install.packages()."), class = "missing_package", call = call)
  }
}

pa_progress <- function(text, r) {
  if (isTRUE(getOption("genomicsemrs.verbose", TRUE))) cat(paste(text, seq_len(r), "\n"), sep = "")
}

# MASS::mvrnorm's square root of Sigma (its eigendecomposition, same positive-definiteness
# check) and r draws of its normal deviates, in the order mvrnorm(n = 1) makes them.
pa_draws <- function(Sigma, r, call) {
  e <- eigen(Sigma, symmetric = TRUE)
  if (!all(e$values >= -1e-06 * abs(e$values[1L]))) {
    gsem_abort("`V` is not positive semi-definite, so null matrices cannot be drawn from it.", call = call)
  }
  root <- e$vectors %*% base::diag(sqrt(pmax(e$values, 0)), length(e$values))
  list(root = root, z = matrix(stats::rnorm(nrow(Sigma) * r), nrow(Sigma), r))
}

pa_simulate <- function(k, mu, Sigma, r, p, call) {
  d <- pa_draws(Sigma, r, call)
  rs_value(rs_null_eigenvalues(as.integer(k), mu, d$root, d$z, p), call = call)$quantiles
}

pa_simulate_fa <- function(k, mu, Sigma, r, p, fa_values, call) {
  d <- pa_draws(Sigma, r, call)
  samples <- as.vector(mu) + d$root %*% d$z
  values <- vapply(seq_len(r), function(i) {
    m <- matrix(0, k, k)
    m[lower.tri(m, diag = TRUE)] <- samples[, i]
    m[upper.tri(m)] <- t(m)[upper.tri(m)]
    fa_values(m)
  }, numeric(k))
  apply(values, 1, stats::quantile, probs = p, names = FALSE, type = 7)
}

# The scree data, the differences and the suggested counts of one analysis.
pa_run <- function(observed, simulated, label, diff_label, k, at_least_one = FALSE) {
  eigenvalues <- data.frame(eigenvalue = c(observed, simulated),
                            type = rep(c("Observed Data", label), each = k), num = rep(as.numeric(seq_len(k)), 2),
                            stringsAsFactors = FALSE)
  below <- which(observed < simulated)
  nfactors <- if (length(below)) min(below) - 1 else Inf
  if (at_least_one && nfactors == Inf) nfactors <- 1
  differences <- data.frame(eigenvalue = observed - simulated, type = diff_label, num = as.numeric(seq_len(k)),
                            stringsAsFactors = FALSE)
  list(eigenvalues = eigenvalues, differences = differences, nfactors = nfactors,
       nfactors_diff = which(differences$eigenvalue < 0)[1] - 1)
}
