test_that("K = I matches the lme4 golden (variance components, fixed effects, SEs)", {
  fit <- sc_fit("I")
  golden <- sc_golden("golden_lme4_K_I.tsv")
  genes <- fit$genes[match(golden$gene_id, fit$genes$gene), ]
  expect_true(all(genes$status == "ok" & genes$converged))
  boundary <- golden$tau < 1e-12
  expect_identical(golden$gene_id[boundary], c("G003", "G030", "G045", "G050"))
  expect_true(all(genes$at_boundary[boundary]))
  expect_true(all(genes$tau[boundary] <= sc_tolerances$boundary_tau))
  expect_lt(max_rel_diff(genes$tau[!boundary], golden$tau[!boundary]), sc_tolerances$lme4_vc_rel)
  expect_lt(max_rel_diff(genes$sigma2_g[!boundary], golden$s2g[!boundary]), sc_tolerances$lme4_vc_rel)
  expect_lt(max_rel_diff(genes$sigma2_e, golden$s2e), sc_tolerances$lme4_vc_rel)
  expect_lt(max(abs(genes$h2 - golden$h2)), sc_tolerances$lme4_vc_rel)
  expect_lt(max(abs(genes$loglik_reml - golden$logLik_REML)), sc_tolerances$loglik_abs)
  expect_identical(genes$n_cells, golden$n_cells)
  expect_identical(genes$n_donors, golden$n_donors)
  fe <- sc_fixef_pairs(fit, sc_golden("golden_lme4_K_I_fixef.tsv"))
  expect_lt(max(abs(fe$ours$estimate - fe$ref$estimate) / fe$ref$se), sc_tolerances$lme4_fixef)
  expect_lt(max_rel_diff(fe$ours$se, fe$ref$se), sc_tolerances$lme4_fixef)
})

test_that("K = plink GRM matches the dense cell-level REML and GEMMA goldens", {
  fit <- sc_fit("GRM")
  dense <- sc_golden("golden_denseR_K_GRM.tsv")
  gemma <- sc_golden("golden_gemma_K_GRM.tsv")
  genes <- fit$genes[match(dense$gene_id, fit$genes$gene), ]
  expect_true(all(genes$status == "ok"))
  boundary <- dense$boundary
  expect_identical(genes$at_boundary, boundary)
  expect_true(all(genes$tau[boundary] == 0))
  expect_true(all(gemma$lambda[boundary] <= 1.0001e-5))  # GEMMA's lower bound
  expect_lt(max_rel_diff(genes$tau[!boundary], dense$tau[!boundary]), sc_tolerances$dense_rel)
  expect_lt(max_rel_diff(genes$sigma2_g[!boundary], dense$s2g[!boundary]), sc_tolerances$dense_rel)
  expect_lt(max_rel_diff(genes$sigma2_e, dense$s2e), sc_tolerances$dense_rel)
  expect_lt(max(abs(genes$loglik_reml - dense$logLik_REML)), sc_tolerances$loglik_abs)
  fe <- sc_fixef_pairs(fit, sc_golden("golden_denseR_K_GRM_fixef.tsv"))
  expect_lt(max(abs(fe$ours$estimate - fe$ref$estimate) / fe$ref$se), sc_tolerances$dense_rel)
  expect_lt(max_rel_diff(fe$ours$se, fe$ref$se), sc_tolerances$dense_rel)
  # GEMMA: variance components and log-likelihood only (its betas use a centred kernel).
  expect_lt(max_rel_diff(genes$tau[!boundary], gemma$lambda[!boundary]), sc_tolerances$gemma_vc_rel)
  expect_lt(max_rel_diff(genes$sigma2_g[!boundary], gemma$vg[!boundary]), sc_tolerances$gemma_vc_rel)
  expect_lt(max_rel_diff(genes$sigma2_e, gemma$ve), sc_tolerances$gemma_vc_rel)
  shift <- dense$logLik_REML_gemma_convention - dense$logLik_REML  # 0.5 log|X'X|
  expect_lt(max(abs(genes$loglik_reml + shift - gemma$logl_REML)), sc_tolerances$gemma_logl_abs)
})

test_that("live lme4 agrees on a few genes, also with a donor that has a single cell", {
  skip_if_not_installed("lme4")
  d <- sc_example()
  # Keep one cell of donor D001 and two of D002: both stay in the model.
  drop <- which(d$cells$donor_id == "D001")[-1]
  cells <- d$cells[-drop, ]
  expr <- d$expr[c("G001", "G002", "G007"), -drop]
  fit <- fit_null_sc(expr, cells, covariates = sc_formula, future = FALSE)
  expect_output(print(fit), "Donors with a single cell: 1")
  control <- lme4::lmerControl(optCtrl = list(xtol_abs = 1e-14, ftol_abs = 1e-15,
                                              xtol_rel = 1e-14, ftol_rel = 1e-15, maxeval = 1e5))
  for (g in rownames(expr)) {
    data <- cells
    data$y <- expr[g, ]
    ref <- lme4::lmer(y ~ age + sex + PC1 + PC2 + cell_type + log_libsize + (1 | donor_id),
                      data = data, REML = TRUE, control = control)
    vc <- as.data.frame(lme4::VarCorr(ref))
    ours <- fit$genes[fit$genes$gene == g, ]
    expect_lt(max_rel_diff(ours$sigma2_g, vc$vcov[vc$grp == "donor_id"]), sc_tolerances$live_lme4_rel)
    expect_lt(max_rel_diff(ours$sigma2_e, stats::sigma(ref)^2), sc_tolerances$live_lme4_rel)
    expect_lt(abs(ours$loglik_reml - as.numeric(stats::logLik(ref))), sc_tolerances$loglik_abs)
    fe <- fit$fixed_effects[fit$fixed_effects$gene == g, ]
    se <- sqrt(diag(as.matrix(stats::vcov(ref))))
    expect_identical(fe$term, names(lme4::fixef(ref)))
    expect_lt(max(abs(fe$estimate - lme4::fixef(ref)) / se), sc_tolerances$live_lme4_rel)
    expect_lt(max_rel_diff(fe$se, unname(se)), sc_tolerances$live_lme4_rel)
  }
})

test_that("missing expression values: genes grouped by observed cells, lme4 on the rest", {
  d <- sc_example()
  path <- fixture("single_cell/expr_missing.tsv.gz")
  missing <- as.matrix(utils::read.delim(path, row.names = 1, check.names = FALSE))
  expr <- rbind(missing, d$expr[c("G002", "G004"), ])
  fit <- fit_null_sc(expr, d$cells, covariates = sc_formula, future = FALSE)
  golden <- sc_golden("golden_lme4_missing.tsv")
  genes <- fit$genes[match(golden$gene_id, fit$genes$gene), ]
  expect_identical(genes$n_cells, golden$n_cells)
  expect_identical(genes$n_donors, golden$n_donors)
  interior <- golden$tau > 1e-12
  expect_lt(max_rel_diff(genes$tau[interior], golden$tau[interior]), sc_tolerances$lme4_vc_rel)
  expect_true(all(genes$tau[!interior] <= sc_tolerances$boundary_tau))
  expect_lt(max_rel_diff(genes$sigma2_e, golden$s2e), sc_tolerances$lme4_vc_rel)
  expect_lt(max(abs(genes$loglik_reml - golden$logLik_REML)), sc_tolerances$loglik_abs)
  fe <- sc_fixef_pairs(fit, sc_golden("golden_lme4_missing_fixef.tsv"))
  expect_lt(max(abs(fe$ours$estimate - fe$ref$estimate) / fe$ref$se), sc_tolerances$lme4_fixef)
  expect_lt(max_rel_diff(fe$ours$se, fe$ref$se), sc_tolerances$lme4_fixef)
  # One stage 1 per set of observed cells: the complete genes share one.
  expect_length(fit$stage1, 4L)
  expect_identical(fit$stage1[[1]]$genes, c("G002", "G004"))
  # The complete genes are unaffected by the others.
  ref <- sc_fit("I")$genes
  expect_identical(fit$genes[4:5, "tau"], ref[match(c("G002", "G004"), ref$gene), "tau"])
  # A double matrix is grouped in place by Rust, other inputs in R: the same groups and fits.
  frame <- fit_null_sc(as.data.frame(t(expr)), d$cells, covariates = sc_formula, future = FALSE)
  expect_identical(frame, fit)
})

test_that("a fixed tau and a shared tau match lme4's REML criterion", {
  d <- sc_example()
  golden <- sc_golden("golden_lme4_devfun.tsv")
  fixed <- golden[golden$kind == "fixed" & golden$tau == 0.5, ]
  fit <- fit_null_sc(d$expr[fixed$gene_id, ], d$cells, covariates = sc_formula, tau = 0.5,
                     future = FALSE)
  expect_true(all(fit$genes$tau == 0.5))
  expect_lt(max(abs(fit$genes$loglik_reml + fixed$REMLcrit / 2)), sc_tolerances$loglik_abs)
  shared <- fit_null_sc(d$expr, d$cells, covariates = sc_formula, tau = "shared")
  expect_lt(abs(shared$shared_tau / golden$tau[golden$kind == "shared"] - 1), sc_tolerances$lme4_vc_rel)
  expect_true(all(shared$genes$tau == shared$shared_tau))
  expect_lt(abs(sum(shared$genes$loglik_reml) + golden$REMLcrit[golden$kind == "shared"] / 2),
            sc_tolerances$loglik_abs * 50)
  expect_output(print(shared), "tau: shared")
})

test_that("sparse, data-frame and matrix inputs give identical fits", {
  skip_if_not_installed("Matrix")
  d <- sc_example()
  expr <- d$expr[1:6, ]
  dense <- fit_null_sc(expr, d$cells, covariates = sc_formula, future = FALSE)
  sparse <- fit_null_sc(Matrix::Matrix(expr, sparse = TRUE), d$cells, covariates = sc_formula,
                        future = FALSE)
  frame <- fit_null_sc(as.data.frame(t(expr)), d$cells, covariates = sc_formula, future = FALSE)
  expect_identical(sparse, dense)
  expect_identical(frame, dense)
  # Donor-level covariates given per donor equal the same columns repeated on the cells.
  donors <- unique(d$cells[c("donor_id", "age", "sex", "PC1", "PC2")])
  split <- fit_null_sc(expr, d$cells[c("donor_id", "cell_type", "log_libsize")],
                       covariates = c("cell_type", "log_libsize"), donor_covariates = donors,
                       future = FALSE)
  expect_equal(split$genes$tau, dense$genes$tau, tolerance = 1e-10)
})

test_that("results survive saveRDS() and the stage-1 state can be reused", {
  fit <- sc_fit("GRM")
  path <- withr::local_tempfile(fileext = ".rds")
  saveRDS(fit, path)
  back <- readRDS(path)
  expect_identical(back, fit)
  d <- sc_example()
  again <- genomicsemrs:::rs_fit_genes_sc(back$stage1[[1]]$state, d$expr[1:4, ] + 0, 4L, NULL,
                                          NA_real_, 1L)
  expect_identical(again$tau, fit$genes$tau[1:4])
  expect_identical(again$beta, fit$fixed_effects$estimate[seq_len(4 * length(fit$design))])
  # Rows of the whole matrix, read in place, in the order asked for.
  whole <- d$expr + 0
  rows <- genomicsemrs:::rs_fit_genes_sc(back$stage1[[1]]$state, whole, nrow(whole), c(3L, 1L),
                                         NA_real_, 1L)
  expect_identical(rows$tau, fit$genes$tau[c(3, 1)])
})

test_that("batches and future plans give identical results", {
  skip_if_not_installed("future.apply")
  d <- sc_example()
  expr <- d$expr[1:20, ]
  one <- fit_null_sc(expr, d$cells, grm = d$grm_prefix, covariates = sc_formula, future = FALSE)
  small <- fit_null_sc(expr, d$cells, grm = d$grm_prefix, covariates = sc_formula,
                       future = FALSE, batch_size = 7)
  expect_identical(small, one)
  old <- future::plan(future::multisession, workers = 2)
  on.exit(future::plan(old), add = TRUE)
  spread <- fit_null_sc(expr, d$cells, grm = d$grm_prefix, covariates = sc_formula,
                        batch_size = 7)
  expect_identical(spread, one)
})

test_that("progress is reported through progressr, one step per batch", {
  skip_if_not_installed("progressr")
  d <- sc_example()
  withr::local_options(progressr.enable = TRUE)  # handlers are off in batch sessions
  steps <- 0
  counter <- progressr::make_progression_handler("counter", reporter = list(
    update = function(config, state, progression, ...) steps <<- state$step
  ))
  progressr::with_progress(
    fit <- fit_null_sc(d$expr[1:9, ], d$cells, covariates = "age", batch_size = 3, future = FALSE),
    handlers = counter
  )
  expect_identical(steps, 3)
  expect_true(all(fit$genes$status == "ok"))
})

test_that("fit_null() fits one observation per sample like a dense REML", {
  # 40 families of three siblings (kinship 0.5): a GRM under which the genetic and residual
  # variances are identifiable from one observation per sample.
  set.seed(20261122)
  family <- rep(1:40, each = 3)
  grm <- 0.5 * outer(family, family, "==") + 0.5 * diag(120)
  ids <- sprintf("S%03d", 1:120)
  dimnames(grm) <- list(ids, ids)
  samples <- data.frame(sample_id = ids, age = stats::rnorm(120, 50, 10), sex = stats::rbinom(120, 1, 0.5))
  root <- t(chol(grm))
  y <- rbind(T1 = drop(root %*% stats::rnorm(120) + stats::rnorm(120) + 0.02 * samples$age),
             T2 = drop(0.5 * root %*% stats::rnorm(120) + stats::rnorm(120) - samples$sex))
  fit <- fit_null(y, samples, grm = grm, covariates = c("age", "sex"))
  x <- stats::model.matrix(~ age + sex, samples)
  n <- nrow(x); p <- ncol(x)
  crit <- function(log_tau, v) {  # -2 profile REML up to a constant, written out densely
    h <- diag(n) + exp(log_tau) * grm
    hi <- solve(h)
    xhx <- crossprod(x, hi %*% x)
    pv <- hi - hi %*% x %*% solve(xhx, crossprod(x, hi))
    (n - p) * log(drop(crossprod(v, pv %*% v)) / (n - p)) +
      determinant(h)$modulus + determinant(xhx)$modulus
  }
  for (g in rownames(y)) {
    opt <- stats::optimize(crit, c(-12, 8), v = y[g, ], tol = 1e-10)
    ours <- fit$genes[fit$genes$gene == g, ]
    expect_gt(opt$minimum, -12 + 1)  # an interior optimum
    expect_lt(opt$minimum, 8 - 1)
    expect_lt(abs(ours$tau / exp(opt$minimum) - 1), sc_tolerances$test_reml_rel)
  }
  expect_snapshot(fit_null(y, samples, grm = NULL), error = TRUE)
  expect_snapshot(fit_null(y[, c(1, 1:119)], samples[c(1, 1:119), ], grm = grm), error = TRUE)
})

test_that("flags for genes that cannot be fitted", {
  d <- sc_example()
  expr <- d$expr[1:4, ]
  expr[2, ] <- 3
  expr[3, ] <- 2 * d$cells$age + 1
  expr[4, 5] <- Inf
  fit <- fit_null_sc(expr, d$cells, covariates = sc_formula, future = FALSE)
  expect_identical(fit$genes$status,
                   c("ok", "constant", "explained_by_covariates", "non_finite"))
  expect_true(all(is.na(fit$genes$tau[2:4])))
  expect_true(all(is.na(fit$fixed_effects$estimate[fit$fixed_effects$gene != rownames(expr)[1]])))
  expect_snapshot(print(fit))
})

test_that("bad input gives clear classed errors", {
  d <- sc_example()
  expr <- d$expr[1:2, ]
  grm <- read_grm(d$grm_prefix)
  expect_snapshot(error = TRUE, {
    fit_null_sc(expr, d$cells, grm = grm[-(1:12), -(1:12)])
    fit_null_sc(expr, d$cells, grm = unname(grm))
    fit_null_sc(expr, d$cells[-1, ])
    fit_null_sc(expr, d$cells, donor = "donor")
    fit_null_sc(expr, d$cells, covariates = c("age", "weight"))
    fit_null_sc(expr, d$cells, trait_type = "binary")
    fit_null_sc(expr, d$cells, tau = -1)
    fit_null_sc(list(1, 2), d$cells)
  })
  asym <- grm
  asym[1, 2] <- asym[1, 2] + 0.1
  expect_error(fit_null_sc(expr, d$cells, grm = asym), class = "genomicsemrs_error_grm")
  expect_snapshot(fit_null_sc(expr, d$cells, grm = asym), error = TRUE)
  neg <- grm - 0.5 * diag(nrow(grm))
  expect_error(fit_null_sc(expr, d$cells, grm = neg), class = "genomicsemrs_error_grm")
  expect_snapshot(fit_null_sc(expr, d$cells, grm = neg), error = TRUE)
  cells <- d$cells
  cells$age2 <- cells$age * 2
  expect_error(fit_null_sc(expr, cells, covariates = c("age", "age2")),
               class = "genomicsemrs_error_single_cell")
  expect_snapshot(fit_null_sc(expr, cells, covariates = c("age", "age2")), error = TRUE)
  cells <- d$cells
  cells$donor_id <- "D001"
  expect_snapshot(fit_null_sc(expr, cells), error = TRUE)
  cells <- d$cells
  cells$age[3] <- NA
  expect_snapshot(fit_null_sc(expr, cells, covariates = "age"), error = TRUE)
})
