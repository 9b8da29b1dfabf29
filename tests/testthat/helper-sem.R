# Models and helpers of the usermodel()/commonfactor() tests. The models are those of the
# GenomicSEM goldens (../shared/reference/genomicsem/extended/calls.R).
sem_models <- list(
  model_1f = "F1 =~ NA*T1 + T2 + T3 + T4 + T5\nF1 ~~ 1*F1",
  model_1f_stdlv = "F1 =~ T1 + T2 + T3 + T4 + T5",
  model_2f = "F1 =~ NA*T1 + T2
F2 =~ NA*T3 + l1*T4 + l1*T5
F1 ~~ 1*F1
F2 ~~ 1*F2
F1 ~~ r*F2
T4 ~~ T5
T1 ~~ a*T1
a > .001
d := r*l1",
  model_2f_Q = "F1 =~ NA*T1 + T2 + T3\nF2 =~ NA*T4 + T5\nF1 ~~ 1*F1\nF2 ~~ 1*F2\nF1 ~~ F2"
)
sem_models$model_2f_nodef <- sub("\nd := r\\*l1", "", sem_models$model_2f)

# The calls that produced each golden (name -> function of the covariance structure).
sem_golden_calls <- list(
  um_1f_DWLS = function(cs) usermodel(covstruc = cs, estimation = "DWLS", model = sem_models$model_1f),
  um_1f_ML = function(cs) usermodel(covstruc = cs, estimation = "ML", model = sem_models$model_1f),
  um_2f_DWLS = function(cs) usermodel(covstruc = cs, estimation = "DWLS", model = sem_models$model_2f),
  um_2f_nodef_ML = function(cs) usermodel(covstruc = cs, estimation = "ML", model = sem_models$model_2f_nodef),
  um_2f_nodef_DWLS = function(cs) usermodel(covstruc = cs, estimation = "DWLS", model = sem_models$model_2f_nodef),
  um_1f_stdlv = function(cs) usermodel(covstruc = cs, estimation = "DWLS", model = sem_models$model_1f_stdlv,
                                       std.lv = TRUE),
  um_1f_impcov = function(cs) usermodel(covstruc = cs, estimation = "DWLS", model = sem_models$model_1f,
                                        imp_cov = TRUE),
  um_2fQ_QFactor = function(cs) usermodel(covstruc = cs, estimation = "DWLS", model = sem_models$model_2f_Q,
                                          Q_Factor = TRUE),
  um_2f_QFactor_impcov = function(cs) usermodel(covstruc = cs, estimation = "DWLS", model = sem_models$model_2f,
                                                Q_Factor = TRUE, imp_cov = TRUE),
  cf_DWLS = function(cs) commonfactor(covstruc = cs, estimation = "DWLS"),
  cf_ML = function(cs) commonfactor(covstruc = cs, estimation = "ML")
)

# Run quietly (GenomicSEM's progress lines go to the console otherwise).
sem_quiet <- function(expr) {
  old <- options(genomicsemrs.verbose = FALSE)
  on.exit(options(old))
  expr
}

example_covstruc <- function() readRDS(genomicsemrs_example("ldsc_T1_T5.rds"))

# The shape of a result: element names, data-frame column names and classes, row names,
# matrix dimnames.
sem_shape <- function(x) {
  lapply(x, function(e) {
    if (is.data.frame(e)) list(vapply(e, function(col) class(col)[1], ""), rownames(e))
    else if (is.list(e)) lapply(e, dimnames)
    else class(e)
  })
}

# Compare a result with its golden: identical shape, numbers within the tolerances.
expect_sem_parity <- function(ours, golden, constrained = FALSE) {
  testthat::expect_identical(names(ours), names(golden))
  testthat::expect_identical(sem_shape(ours), sem_shape(golden))
  tol <- if (constrained) sem_tolerances$constrained else sem_tolerances$estimate
  r <- ours$results
  g <- golden$results
  testthat::expect_identical(r[1:3], g[1:3])
  numeric_cols <- setdiff(names(g), c("lhs", "op", "rhs", "p_value"))
  for (col in numeric_cols) {
    testthat::expect_identical(is.na(suppressWarnings(as.numeric(r[[col]]))),
                               is.na(suppressWarnings(as.numeric(g[[col]]))), label = col)
    testthat::expect_lt(max_scaled_diff(r[[col]], g[[col]]), tol, label = col)
  }
  z_tol <- if (constrained) sem_z_tolerances$constrained else sem_z_tolerances$plain
  testthat::expect_lt(max_scaled_diff(p_to_z(r$p_value), p_to_z(g$p_value), floor = 1), z_tol,
                      label = "p_value (as z)")
  fit_tol <- if (constrained) sem_tolerances$constrained else sem_tolerances$fit
  for (col in c("chisq", "AIC", "CFI", "SRMR")) {
    testthat::expect_lt(max_rel_diff(ours$modelfit[[col]], golden$modelfit[[col]]), fit_tol, label = col)
  }
  testthat::expect_identical(ours$modelfit$df, golden$modelfit$df)
  if (!is.null(golden$resid_cov)) {
    for (i in 1:2) {
      testthat::expect_lt(max_scaled_diff(ours$resid_cov[[i]], golden$resid_cov[[i]], floor = 0.1), tol)
    }
  }
  if (!is.null(golden$Q_Factor)) {
    testthat::expect_identical(ours$Q_Factor[1:2], golden$Q_Factor[1:2])
    testthat::expect_identical(ours$Q_Factor$QFactor_df, golden$Q_Factor$QFactor_df)
    testthat::expect_lt(max_rel_diff(ours$Q_Factor$QFactor_chisq, golden$Q_Factor$QFactor_chisq), fit_tol)
  }
}

# usermodel()'s row names come from sorting "lhs op rhs" keys (GenomicSEM's merge()), so they
# follow the session's collation, as GenomicSEM's do. testthat sorts in the C locale; the
# goldens were made in C.UTF-8 (where "d:=r*l1" sorts before "F1=~T1").
local_golden_collation <- function(env = parent.frame()) {
  withr::local_collate("C.UTF-8", .local_envir = env)
}
