# write.model(): lavaan syntax for a factor model read off an exploratory loading matrix, as
# GenomicSEM 0.0.5 writes it (same text, same random residual labels for the same seed).

#' Write a factor model from a loading matrix
#'
#' Turns the loadings of an exploratory factor analysis (for example `factanal()` on
#' `S_Stand`) into lavaan syntax for [usermodel()]: trait i is an indicator of factor f when
#' `abs(Loadings[i, f]) > cutoff`. Rows of `Loadings` are the traits in the order of the
#' columns of `S_LD`.
#'
#' @param Loadings A traits x factors numeric matrix of loadings (a `loadings` object works).
#' @param S_LD The genetic covariance matrix whose column names are the trait names (usually
#'   `ldsc()$S`).
#' @param cutoff Loadings whose absolute value exceeds it define the factor's indicators.
#' @param fix_resid `TRUE` adds, for each trait in the model, a labelled residual variance
#'   bounded below by .0001. The labels are four random letters drawn with `sample()`, so they
#'   depend on the random seed exactly as in GenomicSEM.
#' @param bifactor `TRUE` adds a common factor `Common_F` over all traits in the model,
#'   orthogonal to the other factors, which are orthogonal to each other.
#' @param mustload `TRUE` makes every trait load on the factor of its largest absolute loading.
#' @param common `TRUE` writes a single factor `F1` over all traits (ignores `Loadings`,
#'   `bifactor` and `mustload`).
#' @return The model as one string.
#' @section Differences from GenomicSEM:
#' * A factor on which no loading exceeds `cutoff` is a classed error
#'   (`genomicsemrs_error_argument`) naming the factor and its largest absolute loading.
#'   GenomicSEM stops with "object 'linestart' not found" when it is the first factor and
#'   otherwise writes an empty line for it.
#' * Residual variance lines are written for the traits that are indicators of the model.
#'   GenomicSEM matched each trait name as a regular expression anywhere in the model text, so
#'   a trait `T1` also matched `T10`, and a trait named like a factor (`F1`) always matched.
#'   The same applies to the traits of `Common_F` with `bifactor = TRUE`.
#' * With `mustload = TRUE` a trait whose largest absolute loading is negative is also forced
#'   in (GenomicSEM compared the largest absolute loading with the signed loading and skipped
#'   it).
#' * `bifactor = TRUE` with a single factor writes no factor covariance lines (GenomicSEM wrote
#'   `F1~~0*F2` and `F0~~0*F1`).
#' * Bad input (loadings that are not a matrix with one row per column of `S_LD`, a missing
#'   `cutoff`, S_LD without column names) is a classed error.
#' @examples
#' covstruc <- readRDS(genomicsemrs_example("ldsc_T1_T5.rds"))
#' loadings <- matrix(c(0.23, 0.63, 0.61, 0.40, 0.46, 0.83, 0.06, -0.02, 0.10, -0.09), 5, 2)
#' set.seed(1)
#' cat(write.model(loadings, covstruc$S, cutoff = 0.3))
#' cat(write.model(loadings, covstruc$S, cutoff = 0.3, bifactor = TRUE, fix_resid = FALSE))
#' @export
write.model <- function(Loadings, S_LD, cutoff, fix_resid = TRUE, bifactor = FALSE, mustload = FALSE,
                        common = FALSE) {
  call <- sys.call()
  S_LD <- check_matrix(S_LD, "S_LD", square = TRUE, allow_na = TRUE, call = call)
  traits <- colnames(S_LD)
  if (is.null(traits) || anyNA(traits) || any(!nzchar(traits))) {
    gsem_abort("`S_LD` must have the trait names as column names (as `ldsc()$S` has).", call = call)
  }
  check_flag(fix_resid, "fix_resid", call = call)
  check_flag(bifactor, "bifactor", call = call)
  check_flag(mustload, "mustload", call = call)
  check_flag(common, "common", call = call)
  if (common) {
    model <- wm_factor_line("F1", traits)
  } else {
    cutoff <- check_number(cutoff, "cutoff", call = call)
    Loadings <- check_matrix(unclass(Loadings), "Loadings", nrow = length(traits), call = call)
    if (mustload) Loadings <- wm_force_largest(Loadings, cutoff)
    loads <- abs(Loadings) > cutoff
    empty <- which(colSums(loads) == 0)
    if (length(empty)) {
      gsem_abort(paste0("No loading exceeds `cutoff` (", format(cutoff), ") on factor",
                        if (length(empty) > 1) "s", " ", paste0(empty, collapse = ", "),
                        " (largest absolute loading ",
                        paste(format(apply(abs(Loadings[, empty, drop = FALSE]), 2, max), digits = 3),
                              collapse = ", "),
                        "). Lower `cutoff`, set `mustload = TRUE` or extract fewer factors."),
                 call = call)
    }
    lines <- vapply(seq_len(ncol(loads)), function(f) wm_factor_line(paste0("F", f), traits[loads[, f]]), "")
    model <- paste(lines, collapse = "")
    if (bifactor) model <- paste(model, wm_bifactor(traits[rowSums(loads) > 0], ncol(loads)))
  }
  if (fix_resid) {
    labels <- wm_residual_labels(length(traits))
    used <- traits %in% wm_indicators(model)
    model <- paste0(model, paste0(traits[used], " ~~ ", labels[used], "*", traits[used], " \n ",
                                  labels[used], " > .0001 \n ", collapse = ""))
  }
  model
}

# "F1=~A + B + C \n "
wm_factor_line <- function(factor, indicators) {
  paste0(factor, "=~", paste(indicators, collapse = " + "), " \n ")
}

# Every row's largest absolute loading is raised (in absolute value) just past the cutoff.
wm_force_largest <- function(Loadings, cutoff) {
  for (i in seq_len(nrow(Loadings))) {
    largest <- which(abs(Loadings[i, ]) == max(abs(Loadings[i, ])))
    Loadings[i, largest] <- cutoff + .01
  }
  Loadings
}

# The common factor over the traits in the model, its zero covariances with the other
# factors, and zero covariances among those.
wm_bifactor <- function(traits, n_factors) {
  common <- wm_factor_line("Common_F", traits)
  orthogonal <- paste0("Common_F~~0*F", seq_len(n_factors), " \n ", collapse = "")
  pairs <- ""
  if (n_factors > 1) {
    for (i in seq_len(n_factors - 1)) {
      later <- if (i + 2 <= n_factors) paste0("F", i, "~~0*F", (i + 2):n_factors, " \n ", collapse = "") else ""
      pairs <- paste0(pairs, "F", i, "~~0*F", i + 1, " \n ", later)
    }
  }
  paste(common, orthogonal, pairs)
}

# The indicators named on the right of =~ in the model text.
wm_indicators <- function(model) {
  lines <- strsplit(model, "\n", fixed = TRUE)[[1]]
  rhs <- sub("^[^=]*=~", "", grep("=~", lines, value = TRUE, fixed = TRUE))
  trimws(unlist(strsplit(rhs, "+", fixed = TRUE)))
}

# Four-letter labels drawn as GenomicSEM draws them: columns of combn(letters, 4) picked by
# sample(1:14000, k) (the same call, so the same random numbers for the same seed).
wm_residual_labels <- function(k) {
  picked <- sample(1:14000, k, replace = FALSE)
  combos <- utils::combn(letters, 4)[, picked, drop = FALSE]
  apply(combos, 2, paste, collapse = "")
}
