# rgmodel() against the wave-2 golden of GenomicSEM 0.0.5.

test_that("rgmodel() reproduces the golden (R and V_R, the rest unchanged)", {
  L <- wave2_ldsc()
  golden <- wave2_golden("rgmodel_T1T5")
  ours <- quiet(rgmodel(L))
  expect_identical(names(ours), names(golden))
  expect_identical(ours[names(L)], golden[names(L)])
  expect_identical(dimnames(ours$R), dimnames(golden$R))
  expect_null(dimnames(ours$V_R))
  # R: estimates within 1e-3 SE of the original's
  se <- matrix(0, 5, 5)
  se[lower.tri(se)] <- sqrt(diag(golden$V_R))
  low <- lower.tri(se)
  expect_lt(max(abs(ours$R[low] - golden$R[low]) / se[low]), helpers13_tolerances$est_se)
  expect_identical(diag(ours$R), rep(1, 5))
  expect_lt(max_rel_diff(ours$V_R, golden$V_R), helpers13_tolerances$se_rel)
})

test_that("rgmodel() attaches nothing and checks its input", {
  before <- search()
  quiet(rgmodel(wave2_ldsc()))
  expect_identical(search(), before)
  expect_error(rgmodel(list(S = diag(2))), "LDSCoutput", class = "genomicsemrs_error_argument")
  L <- wave2_ldsc()
  L$V <- L$V[1:10, 1:10]
  expect_error(rgmodel(L), "LDSCoutput\\$V", class = "genomicsemrs_error_argument")
})
