# usermodel(): parity with the original GenomicSEM's outputs (committed fixtures of the
# goldens, always on; the full reference set when available), with lavaan itself (when
# installed), GenomicSEM's console output, and classed errors on bad input.

usermodel_goldens <- c("um_1f_DWLS", "um_1f_ML", "um_2f_DWLS", "um_2f_nodef_ML", "um_2f_nodef_DWLS",
                       "um_1f_stdlv", "um_1f_impcov", "um_2fQ_QFactor", "um_2f_QFactor_impcov")

test_that("usermodel() reproduces every GenomicSEM usermodel golden on the bundled covstruc", {
  local_golden_collation()
  goldens <- readRDS(fixture("sem_goldens.rds"))
  cs <- example_covstruc()
  for (name in usermodel_goldens) {
    ours <- sem_quiet(sem_golden_calls[[name]](cs))
    expect_sem_parity(ours, goldens[[name]], constrained = grepl("^um_2f_", name))
  }
})

test_that("the committed fixtures and example data are the reference set's goldens", {
  ref <- reference_dir("genomicsem")
  goldens <- readRDS(fixture("sem_goldens.rds"))
  for (name in names(goldens)) {
    expect_identical(goldens[[name]], readRDS(file.path(ref, "extended", paste0(name, ".rds"))))
  }
  expect_identical(example_covstruc(), readRDS(file.path(ref, "out", "ldsc.rds")))
})

test_that("usermodel() reproduces out/usermodel.rds of the reference run", {
  local_golden_collation()
  ref <- reference_dir("genomicsem", "out")
  cs <- readRDS(file.path(ref, "ldsc.rds"))
  ours <- sem_quiet(usermodel(covstruc = cs, estimation = "DWLS", model = sem_models$model_1f,
                              CFIcalc = TRUE, std.lv = FALSE, imp_cov = FALSE))
  expect_sem_parity(ours, readRDS(file.path(ref, "usermodel.rds")))
})

test_that("ML with a defined parameter warns and gives NA standard errors for it", {
  local_golden_collation()
  # GenomicSEM stops with "object 'ghost2_stand' not found" (extended/um_2f_ML.ERROR.rds)
  # after this warning; the other parameters are those of the same model without `:=`.
  goldens <- readRDS(fixture("sem_goldens.rds"))
  expect_warning(
    ours <- sem_quiet(usermodel(example_covstruc(), estimation = "ML", model = sem_models$model_2f)),
    class = "genomicsemrs_warning_ml_defined_se"
  )
  defined <- ours$results$op == ":="
  expect_identical(ours$results$Unstand_SE[defined], NA_character_)
  nodef <- goldens$um_2f_nodef_ML$results
  kept <- ours$results[!defined, ]
  expect_identical(unname(as.list(kept[1:3])), unname(as.list(nodef[1:3])))
  expect_lt(max_scaled_diff(kept$Unstand_Est, nodef$Unstand_Est), sem_tolerances$constrained)
})

test_that("usermodel() prints GenomicSEM's progress lines", {
  cs <- example_covstruc()
  out <- capture.output(usermodel(cs, model = sem_models$model_2f_nodef))
  expect_identical(out[1:3], c("[1] \"Running primary model\"", "[1] \"Calculating SRMR\"", "elapsed "))
  expect_match(out[5], "equality constraints are used", fixed = TRUE)
  expect_silent(sem_quiet(usermodel(cs, model = sem_models$model_1f)))
})

test_that("a saturated model reports NA fit statistics, as GenomicSEM does", {
  cs <- example_covstruc()
  expect_output(fit <- usermodel(cs, model = "F1 =~ NA*T1 + T2 + T3\nF1 ~~ 1*F1"), "fully saturated")
  expect_identical(fit$modelfit$df, 0)
  expect_true(all(is.na(fit$modelfit[c("chisq", "p_chisq", "AIC", "CFI", "SRMR")])))
  expect_identical(vapply(fit$modelfit, class, ""),
                   c(chisq = "logical", df = "numeric", p_chisq = "logical", AIC = "logical",
                     CFI = "logical", SRMR = "logical"))
})

test_that("smoothing a non-positive definite S is reported and warned about", {
  cs <- example_covstruc()
  cs$S[1, 2] <- cs$S[2, 1] <- 0.5
  expect_warning(
    expect_output(usermodel(cs, model = sem_models$model_1f), "The S matrix was smoothed"),
    class = "genomicsemrs_warning_smoothing"
  ) |> suppressWarnings()
})

test_that("bad models and inputs give classed errors with clear messages", {
  cs <- example_covstruc()
  expect_snapshot(sem_quiet(usermodel(cs, model = "F1 =~ T1 + T2\n F1 ~~ ~ T2")), error = TRUE)
  expect_error(sem_quiet(usermodel(cs, model = "F1 =~ T1 + \n")),
               class = "genomicsemrs_error_model_syntax")
  expect_snapshot(sem_quiet(usermodel(cs, model = "F1 =~ T1 + T2 + X9")), error = TRUE)
  expect_error(sem_quiet(usermodel(cs, model = "F1 =~ A + B + C")),
               class = "genomicsemrs_error_model_variables")
  expect_snapshot(sem_quiet(usermodel(cs, model = "F1 =~ NA*T1 + T2\nF1 ~~ F1")), error = TRUE)
  expect_error(sem_quiet(usermodel(cs, estimation = "GLS", model = sem_models$model_1f)),
               class = "genomicsemrs_error_argument")
  expect_error(sem_quiet(usermodel(list(cs$V), model = sem_models$model_1f)),
               class = "genomicsemrs_error_argument")
  bad <- cs
  bad$S[1, 1] <- NA
  expect_error(sem_quiet(usermodel(bad, model = sem_models$model_1f)), class = "genomicsemrs_error_input")
  expect_error(sem_quiet(usermodel(cs, model = sem_models$model_1f, toler = 0.5)),
               class = "genomicsemrs_error_not_identified")
})

test_that("a model without any lavaan operator triggers GenomicSEM's 'quotes' warning", {
  expect_warning(try(sem_quiet(usermodel(example_covstruc(), model = "model")), silent = TRUE),
                 class = "genomicsemrs_warning_model")
})

test_that("negative residual variances are passed on as lavaan's Heywood warning", {
  cs <- example_covstruc()
  cs$S[1, 2] <- cs$S[2, 1] <- 0.5
  w <- character()
  withCallingHandlers(sem_quiet(usermodel(cs, model = sem_models$model_1f)),
                      warning = function(cnd) {
                        w <<- c(w, class(cnd)[1])
                        invokeRestart("muffleWarning")
                      })
  expect_true("genomicsemrs_warning_heywood" %in% w)
})

# Live parity with lavaan: lavaan's own examples fitted from their covariance matrices the
# way GenomicSEM calls lavaan (DWLS with a diagonal weight matrix and sample.nobs = 2; ML with
# sample.cov.rescale = FALSE), lavaan with tight convergence settings, the engine through
# usermodel() with a covariance structure whose V holds the inverse weights.
lavaan_fit <- function(model, S, estimation, weights) {
  # nlminb stops short in flat directions; optim's BFGS with reltol 1e-16 gets to the optimum
  # (ceq.simple = TRUE turns tied parameters into one, which BFGS needs).
  control <- list(reltol = 1e-16, maxit = 10000)
  if (estimation == "DWLS") {
    lavaan::sem(model, sample.cov = S, estimator = "DWLS", WLS.V = diag(weights), sample.nobs = 2,
                optim.method = "BFGS", control = control, ceq.simple = TRUE, se = "none")
  } else {
    lavaan::sem(model, sample.cov = S, estimator = "ML", sample.nobs = 200, sample.cov.rescale = FALSE,
                optim.method = "BFGS", control = control, ceq.simple = TRUE, se = "none")
  }
}

# Normal-theory sampling variances of the covariances (any positive weights would do); V in
# the vech order of `vars`, weights in the vech order of lavaan's observed variables.
moment_variances <- function(S, vars) {
  idx <- which(lower.tri(diag(length(vars)), diag = TRUE), arr.ind = TRUE)
  S <- S[vars, vars]
  (S[idx[, c(1, 1)]] * S[idx[, c(2, 2)]] + S[idx]^2) / 300
}

expect_lavaan_parity <- function(model, data, estimation, tol = sem_tolerances$lavaan) {
  S <- stats::cov(data)
  fit <- lavaan_fit(model, S, estimation,
                    1 / moment_variances(S, lavaan::lavNames(lavaan::lavaanify(model), "ov")))
  expect_true(lavaan::lavInspect(fit, "converged"))
  V <- diag(moment_variances(S, colnames(S)))
  cs <- list(V = V, S = unname(S))
  colnames(cs$S) <- colnames(S)
  ours <- sem_quiet(usermodel(cs, estimation = estimation, model = model))$results
  pe <- lavaan::parameterEstimates(fit)
  pe <- pe[pe$op %in% c("=~", "~", "~~"), ]
  key <- paste(pe$lhs, pe$op, pe$rhs)
  ours_key <- paste(ours$lhs, ours$op, ours$rhs)
  expect_true(all(ours_key[ours$op != ":="] %in% key))
  est <- pe$est[match(ours_key, key)]
  expect_lt(max_scaled_diff(ours$Unstand_Est, est, floor = 0.01), tol)
}

test_that("usermodel() matches lavaan on HolzingerSwineford1939 (three-factor CFA)", {
  skip_if_not_installed("lavaan")
  model <- "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
  data <- lavaan::HolzingerSwineford1939[, paste0("x", 1:9)]
  expect_lavaan_parity(model, data, "DWLS")
  expect_lavaan_parity(model, data, "ML")
})

test_that("usermodel() matches lavaan on PoliticalDemocracy (regressions, equality constraints)", {
  skip_if_not_installed("lavaan")
  model <- "
    ind60 =~ x1 + x2 + x3
    dem60 =~ y1 + a*y2 + b*y3 + c*y4
    dem65 =~ y5 + a*y6 + b*y7 + c*y8
    dem60 ~ ind60
    dem65 ~ ind60 + dem60
    y1 ~~ y5
    y2 ~~ y4 + y6
    y3 ~~ y7
    y4 ~~ y8
    y6 ~~ y8"
  data <- lavaan::PoliticalDemocracy
  expect_lavaan_parity(model, data, "DWLS")
  expect_lavaan_parity(model, data, "ML", tol = sem_tolerances$lavaan_flat)
})

test_that("a negative definite S that cannot be smoothed is a classed error", {
  cs <- example_covstruc()
  cs$S <- -cs$S
  expect_error(sem_quiet(usermodel(cs, model = sem_models$model_1f)),
               class = "genomicsemrs_error_not_positive_definite")
  expect_error(sem_quiet(commonfactor(cs)), class = "genomicsemrs_error_not_positive_definite")
})

test_that("latent correlations beyond 1 print the estimates and return NULL, as in GenomicSEM", {
  # With T4 ~~ T5 free, the two-factor model's factor correlation goes above 1 on these data.
  model <- paste(sem_models$model_2f_Q, "T4 ~~ T5", sep = "\n")
  out <- capture.output(fit <- usermodel(example_covstruc(), model = model))
  expect_null(fit)
  expect_match(out[2], "correlations among your latent variables", fixed = TRUE)
  expect_true(any(grepl("Unstandardized_Estimate", out, fixed = TRUE)))
})

test_that("`toler` = FALSE or a tiny tolerance leaves the fit unchanged", {
  cs <- example_covstruc()
  base <- sem_quiet(usermodel(cs, model = sem_models$model_1f))
  expect_identical(sem_quiet(usermodel(cs, model = sem_models$model_1f, toler = FALSE)), base)
  expect_identical(sem_quiet(usermodel(cs, model = sem_models$model_1f, toler = 1e-12)), base)
})
