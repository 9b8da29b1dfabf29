# Fuzz targets of the model-building and genetic-correlation helpers (see test-fuzz.R).
quiet_print <- function(f) function(...) {
  value <- NULL
  utils::capture.output(value <- f(...))
  value
}

finite_numbers <- function(x, what) {
  nums <- unlist(Filter(is.numeric, if (is.list(x)) x else list(x)))
  all_finite(nums, what)
}

fuzz_targets_helpers <- function(dir) {
  covstruc <- example_covstruc()
  loadings <- matrix(c(0.23, 0.63, 0.61, 0.40, 0.46, 0.83, 0.06, -0.02, 0.10, -0.09), 5, 2)
  idx <- matrix(0, 5, 5)
  idx[lower.tri(idx, diag = TRUE)] <- 1:15
  offdiag <- idx[lower.tri(idx)]
  sub <- subSV(LDSC_OBJECT = covstruc, INDEXVALS = offdiag, TYPE = "S_Stand")
  pred <- ((1:5 / 6) %o% (1:5 / 6))[lower.tri(diag(5))]
  targets <- list(
    write.model = list(fun = function(...) withr::with_seed(1, write.model(...)), tables = "Loadings",
      args = list(Loadings = loadings, S_LD = covstruc$S, cutoff = 0.3, fix_resid = TRUE,
                  bifactor = FALSE, mustload = FALSE, common = FALSE),
      check = function(x) if (is.character(x) && length(x) == 1 && nzchar(x)) NULL else "no model text"),
    rgmodel = list(fun = rgmodel, tables = character(), args = list(LDSCoutput = covstruc),
      check = function(x) finite_numbers(x, "R and V_R")),
    QTrait = list(fun = function(...) withr::with_dir(dir, quiet_print(QTrait)(...)), tables = character(),
      args = list(LDSCoutput = covstruc, indicators = c("T1", "T2", "T3", "T4"), traits = "T5",
                  mresid = .25, mresidthreshold = .10, lsrmr = .25, lsrmrthreshold = .10,
                  save.plots = FALSE, stdout = FALSE),
      check = function(x) if (NROW(x)) NULL else "an empty Q table"),
    localSRMD = list(fun = localSRMD, tables = character(), args = list(
      unconstrained = c(0.50, 0.42, 0.61, 0.55), constrained = c(0.48, 0.44, 0.60, 0.57),
      lhsvar = list(c(1, 1), c(1, 1)), rhsvar = list(c(0.30, 0.34), c(0.25, 0.22))),
      check = function(x) all_finite(x, "the SRMD")),
    paLDSC = list(fun = function(...) withr::with_seed(1, quiet_print(paLDSC)(...)), tables = c("S", "V"),
      args = list(S = covstruc$S_Stand, V = covstruc$V_Stand, r = 10, p = NULL, save.pdf = FALSE,
                  diag = FALSE, fa = FALSE, fm = NULL, nfactors = NULL),
      check = function(x) NULL),
    summaryGLS = list(fun = quiet_print(summaryGLS), tables = character(), args = list(
      OBJECT = sub, Y = NULL, V_Y = NULL, PREDICTORS = pred, INTERCEPT = TRUE),
      check = function(x) finite_numbers(x, "the GLS table")),
    indexS = list(fun = indexS, tables = character(), args = list(LDSC_OBJECT = covstruc, MATRIX = NULL, R = FALSE),
      check = function(x) if (length(x)) NULL else "empty"),
    subSV = list(fun = subSV, tables = character(), args = list(
      LDSC_OBJECT = covstruc, SMATRIX = NULL, VMATRIX = NULL, INDEXVALS = c(2, 3, 7), TYPE = "S"),
      check = function(x) finite_numbers(x, "subS and subV"))
  )
  if (requireNamespace("ggplot2", quietly = TRUE)) {
    targets$summaryGLSbands <- list(
      fun = function(...) withr::with_dir(dir, quiet_print(summaryGLSbands)(...)), tables = character(),
      args = list(OBJECT = sub, Y = NULL, V_Y = NULL, PREDICTORS = pred, INTERVALS = 5),
      check = function(x) NULL)
  }
  targets
}
