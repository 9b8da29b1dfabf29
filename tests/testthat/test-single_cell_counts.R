# fit_null_sc(trait_type = "count") against the step-2 PQL goldens (dense cell-level PQL,
# REML, phi = 1) and its handling of count inputs.

for (family in c("poisson", "nb")) for (kernel in c("I", "GRM")) {
  test_that(paste("count null fits match the PQL goldens:", family, "K =", kernel), {
    ref <- count_ref()
    fit <- count_fit(family, kernel)
    g <- ref$null[ref$null$family == family & ref$null$kernel == kernel, ]
    at <- match(g$gene_id, fit$genes$gene)
    expect_false(anyNA(at))
    ours <- fit$genes[at, ]
    expect_true(all(ours$status == "ok"))
    expect_true(all(ours$converged))
    boundary <- g$s2g == 0
    expect_true(all(ours$sigma2_g[boundary] < count_tolerances$boundary))
    expect_identical(ours$at_boundary[boundary], rep(TRUE, sum(boundary)))
    expect_lt(max_rel_diff(ours$sigma2_g[!boundary], g$s2g[!boundary]), count_tolerances$s2g_rel)
    expect_equal(ours$phi, rep(1, nrow(g)))
    expect_identical(ours$n_cells, g$n_cells)
    expect_identical(ours$n_donors, g$n_donors)
    if (family == "nb") {
      expect_lt(max_rel_diff(ours$theta, g$theta), count_tolerances$theta_rel)
      expect_false(any(ours$not_overdispersed))
    } else {
      expect_true(all(is.na(ours$theta)))
    }
    fe <- ref$fixef[ref$fixef$family == family & ref$fixef$kernel == kernel, ]
    key <- paste(fit$fixed_effects$gene, fit$fixed_effects$term)
    est <- fit$fixed_effects$estimate[match(paste(fe$gene_id, fe$term), key)]
    expect_lt(max(abs(est - fe$estimate)), count_tolerances$fixef_abs)
  })
}

test_that("sparse, integer and double count matrices give the same fits", {
  skip_if_not_installed("Matrix")
  ref <- count_ref()
  genes <- c("C004", "C014", "C020")  # very sparse, missing donor D017, 5% missing cells
  y <- ref$counts[genes, ]
  dense <- fit_null_sc(y, ref$cells, covariates = ref$formula, trait_type = "count", cores = 1)
  integer <- y
  storage.mode(integer) <- "integer"
  as_int <- fit_null_sc(integer, ref$cells, covariates = ref$formula, trait_type = "count",
                        cores = 1)
  sparse <- fit_null_sc(Matrix::Matrix(y, sparse = TRUE), ref$cells, covariates = ref$formula,
                        trait_type = "count", cores = 1)
  expect_identical(as_int$genes, dense$genes)
  expect_identical(sparse$genes, dense$genes)
  expect_identical(sparse$fixed_effects, dense$fixed_effects)
  expect_identical(sparse$count$residual, dense$count$residual)
  # C014 lost every cell of donor D017: its donor residual is NA there.
  expect_true(is.na(dense$count$residual["D017", "C014"]))
  expect_identical(dense$genes$n_donors, c(120L, 119L, 120L))
})

test_that("bad counts are flagged per gene with a counted warning", {
  ref <- count_ref()
  y <- ref$counts[c("C001", "C002", "C003", "C004"), ]
  y[1, 5] <- -1
  y[2, 7] <- 2.5
  y[3, ] <- 0
  expect_warning(
    expect_warning(
      fit <- fit_null_sc(y, ref$cells, covariates = ref$formula, trait_type = "count",
                         cores = 1),
      "2 gene\\(s\\) with negative, non-integer", class = "genomicsemrs_warning_count_genes"),
    "only zero counts", class = "genomicsemrs_warning_count_genes")
  expect_identical(fit$genes$status, c("invalid_counts", "invalid_counts", "all_zero", "ok"))
  expect_true(all(is.na(fit$genes$sigma2_g[1:3])))
})

test_that("count arguments are checked with classed errors", {
  ref <- count_ref()
  y <- ref$counts[1:2, ]
  cells <- ref$cells
  cells$log_libsize[3] <- NA
  expect_error(fit_null_sc(y, cells, covariates = ref$formula, trait_type = "count"),
               "offset .* missing or infinite for 1 cell\\(s\\): 3",
               class = "genomicsemrs_error_single_cell")
  expect_error(fit_null_sc(y, ref$cells, covariates = ref$formula, trait_type = "count",
                           family = "binomial"),
               class = "genomicsemrs_error_argument")
  expect_error(fit_null_sc(y, ref$cells, covariates = ref$formula, trait_type = "counts"),
               class = "genomicsemrs_error_argument")
  expect_error(fit_null_sc(y, ref$cells, covariates = ref$formula, trait_type = "count",
                           tau = "shared"),
               "per_gene", class = "genomicsemrs_error_argument")
  expect_error(fit_null_sc(list(1), ref$cells, trait_type = "count"),
               class = "genomicsemrs_error_argument")
})

test_that("offsets are the formula's offset() terms, not covariates", {
  ref <- count_ref()
  y <- ref$counts["C002", , drop = FALSE]
  with_offset <- fit_null_sc(y, ref$cells, covariates = ref$formula, trait_type = "count",
                             cores = 1)
  expect_false("offset(log_libsize)" %in% with_offset$design)
  expect_identical(with_offset$count$offset, ref$cells$log_libsize)
  # A constant offset only moves the intercept.
  cells <- ref$cells
  cells$log_libsize <- cells$log_libsize + 2
  shifted <- fit_null_sc(y, cells, covariates = ref$formula, trait_type = "count", cores = 1)
  expect_equal(shifted$genes$sigma2_g, with_offset$genes$sigma2_g, tolerance = 1e-8)
  expect_equal(shifted$fixed_effects$estimate[1], with_offset$fixed_effects$estimate[1] - 2,
               tolerance = 1e-8)
})
