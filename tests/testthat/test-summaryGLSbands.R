# summaryGLSbands() against the wave-2 goldens of GenomicSEM 0.0.5: the printed table and the
# plotted data of the returned ggplot.

expect_same_plot_data <- function(ours, golden) {
  tol <- helpers13_tolerances$gls_rel
  expect_equal(ours$data, golden$data, tolerance = tol)
  expect_identical(ours$labels, golden$labels)
  expect_identical(vapply(ours$layers, function(l) class(l$geom)[1], ""),
                   vapply(golden$layers, function(l) class(l$geom)[1], ""))
  for (i in seq_along(golden$layers)) {
    if (is.data.frame(golden$layers[[i]]$data)) {
      expect_equal(ours$layers[[i]]$data, golden$layers[[i]]$data, tolerance = tol)
    }
    expect_identical(ours$layers[[i]]$aes_params, golden$layers[[i]]$aes_params)
  }
  expect_identical(ours$coordinates$limits, golden$coordinates$limits)
}

test_that("summaryGLSbands() reproduces every golden (table and plotted data)", {
  skip_if_not_installed("ggplot2")
  sub_SS <- wave2_golden("subSV_SStand_offdiag")
  sub_R <- wave2_golden("subSV_R")
  pred <- wave2_pred_ll()
  calls <- list(
    bands_default = function() summaryGLSbands(OBJECT = sub_SS, PREDICTORS = pred),
    bands_quad_ctrl = function() summaryGLSbands(OBJECT = sub_SS, PREDICTORS = pred, INTERVALS = 10,
      CONTROLVARS = wave2_pred_ctrl, QUAD = TRUE, BAND_SIZE = 1.96, XLAB = "lambda_i*lambda_j",
      YLAB = "rG", TITLELAB = "GLS", XCOORDS = c(0, 0.7), YCOORDS = c(-0.2, 1)),
    bands_nobands_R = function() summaryGLSbands(OBJECT = sub_R, PREDICTORS = pred, BANDS = FALSE,
                                                 INTERVALS = 5),
    # alt= golden: GenomicSEM stops on the Y/V_Y path; the corrected original gives this.
    bands_Y_patched = function() summaryGLSbands(Y = sub_SS$subS, V_Y = sub_SS$subV, PREDICTORS = pred)
  )
  for (name in names(calls)) {
    printed <- utils::capture.output(ours <- calls[[name]]())
    expect_identical(printed, readLines(wave2_dir("stdout", paste0(name, ".txt"))))
    expect_s3_class(ours, "ggplot")
    expect_same_plot_data(ours, wave2_golden(name))
  }
})

test_that("bad input to summaryGLSbands() gives classed errors", {
  skip_if_not_installed("ggplot2")
  sub_SS <- wave2_golden("subSV_SStand_offdiag")
  pred <- wave2_pred_ll()
  expect_error(summaryGLSbands(OBJECT = sub_SS, PREDICTORS = pred, INTERVALS = 0), "INTERVALS",
               class = "genomicsemrs_error_argument")
  expect_error(summaryGLSbands(OBJECT = sub_SS, PREDICTORS = pred, CONTROLVARS = 1:3), "CONTROLVARS",
               class = "genomicsemrs_error_argument")
  expect_error(summaryGLSbands(OBJECT = sub_SS, PREDICTORS = pred, XCOORDS = 1), "XCOORDS",
               class = "genomicsemrs_error_argument")
})

test_that("summaryGLSbands() without intercept draws a line through the origin", {
  skip_if_not_installed("ggplot2")
  sub_SS <- wave2_golden("subSV_SStand_offdiag")
  pred <- wave2_pred_ll()
  table <- quiet(summaryGLS(OBJECT = sub_SS, PREDICTORS = pred, INTERCEPT = FALSE))
  plot <- quiet(summaryGLSbands(OBJECT = sub_SS, PREDICTORS = pred, INTERCEPT = FALSE))
  curve <- plot$layers[[2]]$stat_params$fun
  expect_equal(curve(c(0, 1)), c(0, table["b1", "betas"]))
  expect_identical(plot$data$Predictors, pred)
})
