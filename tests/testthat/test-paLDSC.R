# paLDSC() against the wave-2 goldens of GenomicSEM 0.0.5: same seed, same draws, same printed
# text and the same data in every printed plot.

expect_pa_plot <- function(ours, golden) {
  expect_equal(ours$data, golden$data, tolerance = helpers13_tolerances$gls_rel)
  expect_identical(ours$labels, golden$labels)
  layers <- lapply(ours$layers, function(l) if (is.data.frame(l$data)) l$data)
  expect_equal(layers, golden$layers, tolerance = helpers13_tolerances$gls_rel)
}

pa_goldens <- function() {
  list(
    pa_default = list(seed = 1, args = function(L) list(S = L$S_Stand, V = L$V_Stand, r = 200)),
    # pa_diag_fa without fa: its PA and diagonalized PA draws come first, so they are the same
    pa_diag_fa = list(seed = 2, args = function(L) list(S = L$S_Stand, V = L$V_Stand, r = 30, diag = TRUE)),
    pa_cov_savepdf = list(seed = 3, args = function(L) list(S = L$S, V = L$V, r = 50, p = 0.9, diag = TRUE,
                                                              save.pdf = TRUE))
  )
}

test_that("paLDSC() reproduces the goldens' printed text and plot data, and returns its results", {
  skip_if_not_installed("ggplot2")
  L <- wave2_ldsc()
  goldens <- lapply(names(pa_goldens()), function(n) {
    list(plots = readRDS(wave2_dir(paste0(n, ".plots.rds"))),
         stdout = readLines(wave2_dir("stdout", paste0(n, ".txt"))))
  })
  names(goldens) <- names(pa_goldens())
  withr::local_dir(withr::local_tempdir())
  grDevices::pdf(NULL)
  on.exit(grDevices::dev.off(), add = TRUE)
  for (name in names(pa_goldens())) {
    spec <- pa_goldens()[[name]]
    set.seed(spec$seed)
    printed <- utils::capture.output(out <- do.call(paLDSC, spec$args(L)))
    plots <- c(out$PA$plots, out$PA_diag$plots)
    if (name != "pa_diag_fa") expect_identical(printed, goldens[[name]]$stdout)
    for (i in seq_along(plots)) expect_pa_plot(plots[[i]], goldens[[name]]$plots[[i]])
    expect_identical(out$PA$nfactors, 1)
  }
  expect_setequal(list.files(pattern = "pdf$"), c("PA_LDSC.pdf", "Diagonalized_PA_LDSC.pdf"))
})

test_that("paLDSC() attaches nothing and returns invisibly", {
  L <- wave2_ldsc()
  before <- search()
  set.seed(1)
  expect_invisible(out <- quiet(paLDSC(S = L$S_Stand, V = L$V_Stand, r = 20)))
  expect_identical(search(), before)
  expect_named(out, "PA")
  expect_identical(nrow(out$PA$eigenvalues), 10L)
  expect_null(out$PA$plots)
})

test_that("bad input to paLDSC() gives classed errors naming the argument", {
  L <- wave2_ldsc()
  expect_error(paLDSC(S = L$S_Stand), "`V`", class = "genomicsemrs_error_argument")
  expect_error(paLDSC(S = L$S_Stand[, 1:4], V = L$V_Stand), "`S`", class = "genomicsemrs_error_argument")
  expect_error(paLDSC(S = L$S_Stand, V = L$V_Stand[1:10, 1:10]), "`V`", class = "genomicsemrs_error_argument")
  S <- L$S_Stand
  S[1, 2] <- 0.9
  expect_error(paLDSC(S = S, V = L$V_Stand), "symmetric", class = "genomicsemrs_error_argument")
  expect_error(paLDSC(S = L$S_Stand, V = L$V_Stand, p = 1.5), "`p`", class = "genomicsemrs_error_argument")
  expect_error(paLDSC(S = L$S_Stand, V = L$V_Stand, r = 0), "`r`", class = "genomicsemrs_error_argument")
  expect_error(paLDSC(S = L$S_Stand, V = -L$V_Stand), "positive", class = "genomicsemrs_error_argument")
})

test_that("paLDSC(fa = TRUE) reproduces pa_diag_fa (needs psych)", {
  skip_if_not_installed("ggplot2")
  skip_if_not_installed("psych")
  skip_if_not_installed("Matrix")
  L <- wave2_ldsc()
  golden <- readRDS(wave2_dir("pa_diag_fa.plots.rds"))
  stdout <- readLines(wave2_dir("stdout", "pa_diag_fa.txt"))
  withr::local_dir(withr::local_tempdir())
  grDevices::pdf(NULL)
  on.exit(grDevices::dev.off(), add = TRUE)
  set.seed(2)
  printed <- utils::capture.output(out <- paLDSC(S = L$S_Stand, V = L$V_Stand, r = 30, diag = TRUE, fa = TRUE,
                                                 nfactors = 2))
  expect_identical(printed, stdout)
  plots <- c(out$PA$plots, out$PA_diag$plots, out$FA$plots, out$FA_diag$plots)
  for (i in seq_along(plots)) expect_pa_plot(plots[[i]], golden[[i]])
})

test_that("paLDSC() and summaryGLS() error messages", {
  cs <- readRDS(genomicsemrs_example("ldsc_T1_T5.rds"))
  expect_snapshot(paLDSC(S = cs$S_Stand, V = cs$V_Stand[1:10, 1:10]), error = TRUE)
  expect_snapshot(paLDSC(S = cs$S_Stand, V = -cs$V_Stand), error = TRUE)
  sub <- subSV(LDSC_OBJECT = cs, INDEXVALS = c(2, 3, 4))
  expect_snapshot(summaryGLS(OBJECT = sub, PREDICTORS = cbind(1:3, 1:3)), error = TRUE)
})
