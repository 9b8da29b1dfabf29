# write.model() against the wave-2 goldens of GenomicSEM 0.0.5 (same seeds, same labels).

wm_inputs <- function() {
  list(load = readRDS(wave2_dir("inputs", "wm_loadings.rds")), S = wave2_ldsc()$S)
}

test_that("write.model() reproduces every golden, random residual labels included", {
  x <- wm_inputs()
  set.seed(1)
  expect_identical(write.model(x$load, x$S, cutoff = 0.3), wave2_golden("wm_default"))
  set.seed(1)
  expect_identical(write.model(x$load, x$S, cutoff = 0.3, fix_resid = FALSE), wave2_golden("wm_nofix"))
  set.seed(2)
  expect_identical(write.model(x$load, x$S, cutoff = 0.3, bifactor = TRUE), wave2_golden("wm_bifactor"))
  set.seed(3)
  expect_identical(write.model(x$load, x$S, cutoff = 0.6, mustload = TRUE), wave2_golden("wm_mustload"))
  set.seed(4)
  expect_identical(write.model(x$load, x$S, cutoff = 0.3, common = TRUE), wave2_golden("wm_common"))
})

test_that("a cutoff no loading exceeds is a classed error naming it", {
  x <- wm_inputs()
  # GenomicSEM: "object 'linestart' not found" (wm_cutoff_too_high.ERROR.rds)
  expect_error(write.model(x$load, x$S, cutoff = 0.99), "cutoff", class = "genomicsemrs_error_argument")
})

test_that("residual lines follow the model's indicators, not substrings", {
  S <- diag(3)
  colnames(S) <- c("T1", "T10", "T2")
  load <- matrix(c(0.9, 0.8, 0.1), 3, 1)
  model <- write.model(load, S, cutoff = 0.3)
  expect_match(model, "T10 ~~ [a-z]{4}\\*T10")
  expect_false(grepl("T2 ~~", model))
})

test_that("bad input to write.model() gives classed errors", {
  x <- wm_inputs()
  expect_error(write.model(x$load[1:4, ], x$S, cutoff = 0.3), "Loadings", class = "genomicsemrs_error_argument")
  expect_error(write.model(x$load, unname(x$S), cutoff = 0.3), "S_LD", class = "genomicsemrs_error_argument")
  expect_error(write.model(x$load, x$S, cutoff = "a"), "cutoff", class = "genomicsemrs_error_argument")
  expect_error(write.model(x$load, x$S, cutoff = 0.3, bifactor = NA), "bifactor",
               class = "genomicsemrs_error_argument")
})

test_that("write.model() error messages", {
  cs <- readRDS(genomicsemrs_example("ldsc_T1_T5.rds"))
  load <- matrix(c(0.23, 0.63, 0.61, 0.40, 0.46, 0.83, 0.06, -0.02, 0.10, -0.09), 5, 2)
  expect_snapshot(write.model(load, cs$S, cutoff = 0.99), error = TRUE)
  expect_snapshot(write.model(load[1:3, ], cs$S, cutoff = 0.3), error = TRUE)
})
