# summaryGLS() against the wave-2 goldens of GenomicSEM 0.0.5 (values and printed tables).

expect_gls_parity <- function(ours, golden) {
  expect_identical(dimnames(ours), dimnames(golden))
  tol <- helpers13_tolerances
  for (col in c("betas", "SE", "Z")) {
    expect_lt(max_rel_diff(ours[, col], golden[, col]), tol$gls_rel)
  }
  # p-values on the z scale; both underflow to 0 together beyond |Z| ~ 38
  underflow <- golden[, "pvals"] == 0
  expect_identical(ours[, "pvals"] == 0, underflow)
  z_ours <- stats::qnorm(ours[!underflow, "pvals"] / 2)
  z_gold <- stats::qnorm(golden[!underflow, "pvals"] / 2)
  expect_lt(max(abs(z_ours - z_gold), 0), tol$p_z)
}

gls_calls <- function() {
  sub_SS <- wave2_golden("subSV_SStand_offdiag")
  sub_R <- wave2_golden("subSV_R")
  pred <- wave2_pred_ll()
  list(
    gls_intercept = function() summaryGLS(OBJECT = sub_SS, PREDICTORS = pred),
    gls_nointercept = function() summaryGLS(OBJECT = sub_SS, PREDICTORS = pred, INTERCEPT = FALSE),
    gls_Y_matrix = function() summaryGLS(Y = sub_SS$subS, V_Y = sub_SS$subV,
                                         PREDICTORS = cbind(pred, wave2_pred_ctrl)),
    gls_R = function() summaryGLS(OBJECT = sub_R, PREDICTORS = pred)
  )
}

test_that("summaryGLS() reproduces every golden and its printed table", {
  for (name in names(calls <- gls_calls())) {
    printed <- utils::capture.output(ours <- calls[[name]]())
    expect_gls_parity(ours, wave2_golden(name))
    expect_identical(printed, readLines(wave2_dir("stdout", paste0(name, ".txt"))))
  }
})

test_that("bad input to summaryGLS() gives classed errors", {
  sub_SS <- wave2_golden("subSV_SStand_offdiag")
  pred <- wave2_pred_ll()
  expect_error(summaryGLS(OBJECT = sub_SS, PREDICTORS = pred[-1]), "subS",
               class = "genomicsemrs_error_argument")
  expect_error(summaryGLS(OBJECT = sub_SS, Y = sub_SS$subS, PREDICTORS = pred), "not both",
               class = "genomicsemrs_error_argument")
  expect_error(summaryGLS(Y = sub_SS$subS, V_Y = sub_SS$subV[1:9, 1:9], PREDICTORS = pred), "V_Y",
               class = "genomicsemrs_error_argument")
  expect_error(summaryGLS(OBJECT = sub_SS, PREDICTORS = "a"), "PREDICTORS",
               class = "genomicsemrs_error_argument")
  expect_error(summaryGLS(OBJECT = sub_SS, PREDICTORS = cbind(pred, pred)), class = "genomicsemrs_error_singular")
  expect_error(summaryGLS(OBJECT = sub_SS, PREDICTORS = pred, INTERCEPT = "yes"), "INTERCEPT",
               class = "genomicsemrs_error_argument")
})
