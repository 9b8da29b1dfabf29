# commonfactor(): parity with the original GenomicSEM's outputs, console output, bad input.

test_that("commonfactor() reproduces GenomicSEM's commonfactor goldens on the bundled covstruc", {
  goldens <- readRDS(fixture("sem_goldens.rds"))
  cs <- example_covstruc()
  for (name in c("cf_DWLS", "cf_ML")) {
    expect_sem_parity(sem_quiet(sem_golden_calls[[name]](cs)), goldens[[name]])
  }
})

test_that("commonfactor() reproduces out/commonfactor.rds and out/commonfactor_ML.rds", {
  ref <- reference_dir("genomicsem", "out")
  cs <- readRDS(file.path(ref, "ldsc.rds"))
  expect_sem_parity(sem_quiet(commonfactor(covstruc = cs, estimation = "DWLS")),
                    readRDS(file.path(ref, "commonfactor.rds")))
  expect_sem_parity(sem_quiet(commonfactor(covstruc = cs, estimation = "ML")),
                    readRDS(file.path(ref, "commonfactor_ML.rds")))
})

test_that("commonfactor() prints GenomicSEM's progress lines", {
  out <- capture.output(commonfactor(example_covstruc()))
  expect_identical(out[1:3], c("[1] \"Running Model\"", "[1] \"Calculating CFI\"", "elapsed "))
})

test_that("three traits give a saturated model with NA chisq, AIC and p, but a CFI and SRMR", {
  cs <- example_covstruc()
  sub <- list(V = cs$V[c(1:3, 6:7, 10), c(1:3, 6:7, 10)], S = cs$S[1:3, 1:3])
  fit <- sem_quiet(commonfactor(sub))
  expect_identical(fit$modelfit$df, 0)
  expect_true(all(is.na(fit$modelfit[c("chisq", "AIC", "p_chisq")])))
  expect_false(anyNA(fit$modelfit[c("CFI", "SRMR")]))
})

test_that("commonfactor() rejects fewer than three traits and bad arguments", {
  cs <- example_covstruc()
  expect_snapshot(commonfactor(list(cs$V[c(1, 2, 6), c(1, 2, 6)], cs$S[1:2, 1:2])), error = TRUE)
  expect_error(commonfactor(cs, estimation = "WLS"), class = "genomicsemrs_error_argument")
})
