# localSRMD() against the wave-2 goldens of GenomicSEM 0.0.5.

test_that("localSRMD() reproduces the goldens, NA included", {
  x <- readRDS(wave2_dir("inputs", "localSRMD_inputs.rds"))
  tol <- helpers13_tolerances$exact
  expect_equal(quiet(localSRMD(x$unconstrained, x$constrained, x$lhsvar, x$rhsvar)),
               wave2_golden("lsrmd_default"), tolerance = tol)
  expect_equal(quiet(localSRMD(replace(x$unconstrained, 3, NA), x$constrained, x$lhsvar, x$rhsvar)),
               wave2_golden("lsrmd_NA"), tolerance = tol)
  expect_output(localSRMD(x$unconstrained, x$constrained, x$lhsvar, x$rhsvar),
                "across h = 5 parameters in g = 2 groups \\(10 parameters total\\)")
})

test_that("bad input to localSRMD() gives classed errors", {
  x <- readRDS(wave2_dir("inputs", "localSRMD_inputs.rds"))
  expect_error(localSRMD("a", x$constrained, x$lhsvar, x$rhsvar), "unconstrained",
               class = "genomicsemrs_error_argument")
  expect_error(localSRMD(x$unconstrained, x$constrained[-1], x$lhsvar, x$rhsvar), "constrained",
               class = "genomicsemrs_error_argument")
  expect_error(localSRMD(x$unconstrained, x$constrained, 1, x$rhsvar), "lhsvar",
               class = "genomicsemrs_error_argument")
  expect_error(localSRMD(x$unconstrained, x$constrained, x$lhsvar, x$rhsvar[-1]), "same shape",
               class = "genomicsemrs_error_argument")
})
