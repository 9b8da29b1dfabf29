# indexS() and subSV() against the wave-2 goldens of GenomicSEM 0.0.5.

test_that("indexS() reproduces the goldens", {
  L <- wave2_ldsc()
  expect_identical(indexS(LDSC_OBJECT = L), wave2_golden("indexS_S"))
  expect_identical(indexS(MATRIX = L$S_Stand, R = TRUE), wave2_golden("indexS_R_matrix"))
  expect_identical(indexS(MATRIX = diag(7)), wave2_golden("indexS_k7"))
})

test_that("subSV() reproduces the goldens, unsorted indices included", {
  L <- wave2_ldsc()
  expect_identical(subSV(LDSC_OBJECT = L, INDEXVALS = c(2, 3, 7)), wave2_golden("subSV_S"))
  expect_identical(subSV(LDSC_OBJECT = L, INDEXVALS = wave2_offdiag(), TYPE = "S_Stand"),
                   wave2_golden("subSV_SStand_offdiag"))
  expect_warning(unsorted <- subSV(LDSC_OBJECT = L, INDEXVALS = c(9, 2, 5), TYPE = "S_Stand"),
                 class = "genomicsemrs_warning_unsorted_indexvals")
  expect_identical(unsorted, wave2_golden("subSV_SStand_unsorted"))
  rg <- wave2_golden("rgmodel_T1T5")
  expect_identical(subSV(LDSC_OBJECT = rg, INDEXVALS = 1:10, TYPE = "R"), wave2_golden("subSV_R"))
})

test_that("subSV() with SMATRIX and VMATRIX gives the corrected original's result", {
  L <- wave2_ldsc()
  # alt= golden: GenomicSEM stops ("object 'RMATRIX' not found"); the patched original gives this.
  expect_identical(subSV(SMATRIX = L$S, VMATRIX = L$V, INDEXVALS = c(2, 3, 7)),
                   wave2_golden("subSV_matrices_patched"))
})

test_that("bad input to indexS() and subSV() gives classed errors naming the argument", {
  L <- wave2_ldsc()
  expect_error(indexS(), class = "genomicsemrs_error_argument")
  expect_error(indexS(MATRIX = matrix(1, 2, 3)), "MATRIX", class = "genomicsemrs_error_argument")
  expect_error(indexS(MATRIX = diag(3), R = NA), "`R`", class = "genomicsemrs_error_argument")
  expect_error(subSV(LDSC_OBJECT = L, INDEXVALS = 1:3, TYPE = "X"), "TYPE",
               class = "genomicsemrs_error_argument")
  expect_error(subSV(LDSC_OBJECT = L, INDEXVALS = c(1, 16)), "INDEXVALS",
               class = "genomicsemrs_error_argument")
  expect_error(subSV(LDSC_OBJECT = L, INDEXVALS = 1.5), "INDEXVALS", class = "genomicsemrs_error_argument")
  expect_error(subSV(LDSC_OBJECT = L, INDEXVALS = 1:3, TYPE = "R"), "rgmodel",
               class = "genomicsemrs_error_argument")
  expect_error(subSV(SMATRIX = L$S, VMATRIX = L$V[1:10, 1:10], INDEXVALS = 1:3), "VMATRIX",
               class = "genomicsemrs_error_argument")
  expect_error(subSV(SMATRIX = L$S, INDEXVALS = 1:3), "VMATRIX", class = "genomicsemrs_error_argument")
  expect_error(subSV(LDSC_OBJECT = L, SMATRIX = L$S, VMATRIX = L$V, INDEXVALS = 1:3), "not both",
               class = "genomicsemrs_error_argument")
  expect_error(subSV(SMATRIX = L$S[, 1:4], VMATRIX = L$V, INDEXVALS = 1:3), "SMATRIX",
               class = "genomicsemrs_error_argument")
})

test_that("subSV() and indexS() error messages", {
  cs <- readRDS(genomicsemrs_example("ldsc_T1_T5.rds"))
  expect_snapshot(subSV(LDSC_OBJECT = cs, INDEXVALS = 1:3, TYPE = "X"), error = TRUE)
  expect_snapshot(subSV(LDSC_OBJECT = cs, INDEXVALS = c(2, 20)), error = TRUE)
  expect_snapshot(subSV(SMATRIX = cs$S, VMATRIX = cs$V[1:6, 1:6], INDEXVALS = 1:3), error = TRUE)
  expect_snapshot(indexS(MATRIX = matrix(1, 2, 3)), error = TRUE)
})
