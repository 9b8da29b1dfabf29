# QTrait() against the wave-2 goldens of GenomicSEM 0.0.5.

expect_qtrait_parity <- function(ours, golden) {
  expect_identical(names(ours), names(golden))
  expect_identical(rownames(ours), rownames(golden))
  tol <- helpers13_tolerances
  for (col in names(golden)) {
    g <- golden[[col]]
    o <- ours[[col]]
    if (is.character(g)) {
      expect_identical(o, g, label = col)
    } else if (grepl("^pval|^p_value", col)) {
      expect_identical(is.na(o), is.na(g))
      z <- function(p) stats::qnorm(p[!is.na(p)] / 2)
      expect_lt(max(abs(z(o) - z(g)), 0), tol$p_z, label = col)
    } else if (grepl("^rGF1Trait", col)) {
      # estimates within 1e-3 of their SE
      se <- golden[[sub("^rG", "SErG", col)]]
      ok <- !is.na(g)
      expect_lt(max(abs(o[ok] - g[ok]) / se[ok], 0), tol$est_se, label = col)
    } else if (grepl("^QTrait", col)) {
      # chi-square differences: both fits converge to within ~1e-5 in chi-square of lavaan's
      # (relative for large chi-squares)
      expect_lt(max(abs(o - g) / pmax(1, abs(g)), 0, na.rm = TRUE), tol$chisq_abs, label = col)
    } else {
      expect_identical(is.na(o), is.na(g))
      expect_lt(max_rel_diff(o, g), tol$se_rel, label = col)
    }
  }
}

test_that("QTrait() reproduces the goldens without touching the global environment", {
  W <- wave2_dir()
  L <- wave2_ldsc()
  goldens <- lapply(c(default = "qtrait_default", het = "qtrait_het_unstd", two = "qtrait_rdata_2traits"),
                    wave2_golden)
  withr::local_dir(withr::local_tempdir())
  before <- search()
  ours <- quiet(QTrait(LDSCoutput = L, indicators = c("T1", "T2", "T3", "T4"), traits = "T5",
                       save.plots = FALSE))
  expect_qtrait_parity(ours, goldens$default)
  expect_false(exists("Q_mat", envir = globalenv()))
  expect_identical(search(), before)
  expect_identical(list.files(all.files = TRUE, no.. = TRUE), character())
  het <- quiet(QTrait(LDSCoutput = readRDS(file.path(W, "inputs", "ldsc_qtrait_het.rds")),
                      indicators = c("T1", "T2", "T3", "T4"), traits = "T5", stdout = FALSE,
                      save.plots = FALSE))
  expect_qtrait_parity(het, goldens$het)
  two <- quiet(QTrait(LDSCoutput = file.path(W, "inputs", "ldsc_for_qtrait.RData"),
                      indicators = c("T1", "T2", "T3"), traits = c("T4", "T5"), mresid = 0.2,
                      lsrmrthreshold = 0.05, save.plots = FALSE))
  expect_qtrait_parity(two, goldens$two)
})

test_that("QTrait() writes its PDF only with save.plots = TRUE, and no NUL file", {
  skip_if_not_installed("ggplot2")
  L <- wave2_ldsc()
  withr::local_dir(withr::local_tempdir())
  quiet(QTrait(LDSCoutput = L, indicators = c("T1", "T2", "T3", "T4"), traits = "T5"))
  expect_identical(list.files(recursive = TRUE), "Plots/QTrait_StatisticsT1_T2_T3_T4_T5.pdf")
})

test_that("bad input to QTrait() gives classed errors naming the argument", {
  L <- wave2_ldsc()
  expect_error(QTrait(L, indicators = c("T1", "T2", "X"), traits = "T5", save.plots = FALSE), "X",
               class = "genomicsemrs_error_argument")
  expect_error(QTrait(L, indicators = c("T1", "T2", "T3"), traits = "T3", save.plots = FALSE), "both",
               class = "genomicsemrs_error_argument")
  expect_error(QTrait(L, indicators = c("T1", "T2"), traits = "T5", save.plots = FALSE), "at least 3",
               class = "genomicsemrs_error_argument")
  L$S_Stand <- NULL
  expect_error(QTrait(L, indicators = c("T1", "T2", "T3"), traits = "T5", save.plots = FALSE), "stand = TRUE",
               class = "genomicsemrs_error_argument")
  expect_error(QTrait(wave2_ldsc(), indicators = c("T1", "T2", "T3"), traits = "T5", mresid = -1,
                      save.plots = FALSE), "mresid", class = "genomicsemrs_error_argument")
  expect_error(QTrait("no_such_file.RData", indicators = c("T1", "T2", "T3"), traits = "T5"),
               class = "genomicsemrs_error_io")
})

test_that("QTrait() error messages", {
  cs <- readRDS(genomicsemrs_example("ldsc_T1_T5.rds"))
  expect_snapshot(QTrait(cs, indicators = c("T1", "T2", "T9"), traits = "T5"), error = TRUE)
  expect_snapshot(QTrait(cs, indicators = c("T1", "T2", "T3"), traits = "T3"), error = TRUE)
})
