# Manhattan, QQ and genetic-correlation plots: the data behind each plot checked against
# independent computations, and rendering to PNG on a headless machine.

synthetic_gwas <- function(n = 3000, seed = 1) {
  withr::with_seed(seed, data.frame(
    SNP = paste0("rs", seq_len(n)), CHR = rep(c(1, 2, 10), length.out = n),
    BP = sample.int(1e6, n), P = stats::runif(n)
  ))
}

test_that("manhattan_plot() places chromosomes one after another", {
  skip_if_not_installed("ggplot2")
  d <- synthetic_gwas()
  d$P[5] <- 1e-12
  p <- manhattan_plot(d, thin = FALSE, label = "rs5", highlight = c("rs5", "rs6"))
  data <- p$data
  ends <- tapply(d$BP, d$CHR, max)
  offset <- c(`1` = 0, `2` = ends[["1"]], `10` = ends[["1"]] + ends[["2"]])
  expect_equal(data$x, data$BP + offset[as.character(data$CHR)], ignore_attr = TRUE)
  expect_identical(nrow(data), nrow(d))
  expect_equal(data$logp[data$SNP == "rs5"], 12)
  expect_true(all(diff(data$x) >= 0))
  path <- withr::local_tempfile(fileext = ".png")
  ggplot2::ggsave(path, p, width = 6, height = 3, dpi = 50)
  expect_gt(file.size(path), 1000)
})

test_that("thinning keeps every SNP with p < 0.001 and far fewer of the rest", {
  skip_if_not_installed("ggplot2")
  d <- synthetic_gwas(200000)
  d$P[1:50] <- 10^-(4:53)
  p <- manhattan_plot(d)
  expect_true(all(d$SNP[d$P < 1e-3] %in% p$data$SNP))
  expect_lt(nrow(p$data), 100000)
})

test_that("qq_plot() reports the genomic inflation factor", {
  skip_if_not_installed("ggplot2")
  d <- synthetic_gwas(5000)
  d$P <- stats::pchisq(1.2 * stats::qchisq(d$P, 1, lower.tail = FALSE), 1, lower.tail = FALSE)
  p <- qq_plot(d, thin = FALSE)
  chisq <- stats::qchisq(d$P, 1, lower.tail = FALSE)
  expect_equal(unname(attr(p, "lambda")), median(chisq) / 0.4549364, tolerance = 1e-6)
  expect_equal(unname(attr(p, "lambda")), 1.2, tolerance = 0.05)
  expect_equal(sort(p$data$expected), sort(-log10(stats::ppoints(5000))))
  expect_equal(genomic_lambda(c(0.5, 0.5)), 1, tolerance = 1e-12)
  path <- withr::local_tempfile(fileext = ".png")
  ggplot2::ggsave(path, p, width = 4, height = 4, dpi = 50)
  expect_gt(file.size(path), 1000)
})

test_that("the plots take every GWAS result of the package", {
  skip_if_not_installed("ggplot2")
  covstruc <- example_covstruc()
  snps <- readRDS(genomicsemrs_example("sumstats_T1_T5.rds"))[1:60, ]
  model <- "F1 =~ NA*T1 + T2 + T3 + T4 + T5\nF1 ~ SNP\nF1 ~~ 1*F1\nSNP ~~ SNP"
  user <- userGWAS(covstruc, snps, model = model, sub = "F1~SNP", cores = 1)
  expect_identical(unique(manhattan_plot(user, thin = FALSE)$data$panel), "F1~SNP")
  both <- manhattan_plot(list(first = user[[1]], second = user[[1]][1:30, ]), thin = FALSE)
  expect_identical(as.vector(table(both$data$panel)[c("first", "second")]), c(60L, 30L))
  one <- manhattan_plot(user[[1]], thin = FALSE)
  expect_equal(one$data$P, user[[1]]$Pval_Estimate[order(user[[1]]$CHR, user[[1]]$BP)])
  common <- commonfactorGWAS(covstruc, snps, cores = 1)
  expect_equal(sort(qq_plot(common)$data$P), sort(common$Pval_Estimate))
  two_factor <- paste0("F1 =~ NA*T1 + T2 + T3\nF2 =~ NA*T4 + T5\nF1 ~~ 1*F1\nF2 ~~ 1*F2\n",
                       "F1 ~ SNP\nF2 ~ SNP\nSNP ~~ SNP")
  analytic <- sem_quiet(userGWAS(covstruc, snps, model = two_factor, analytic = TRUE, cores = 1))
  expect_error(manhattan_plot(analytic), "choose one with `factor`", class = "genomicsemrs_error_argument")
  expect_equal(sort(manhattan_plot(analytic, factor = "F2", thin = FALSE)$data$P),
               sort(analytic$p_val_F2))
  expect_error(manhattan_plot(list(1, 2)), "must be a GWAS result", class = "genomicsemrs_error_argument")
  expect_error(manhattan_plot(synthetic_gwas()[c("SNP", "P")]), "chromosome and position",
               class = "genomicsemrs_error_argument")
  expect_error(manhattan_plot(synthetic_gwas(), threshold = 2), "`threshold`",
               class = "genomicsemrs_error_argument")
})

test_that("rg_plot() shows S_Stand with the standard errors from V_Stand", {
  skip_if_not_installed("ggplot2")
  covstruc <- example_covstruc()
  p <- rg_plot(covstruc, order = "given")
  data <- p$data
  traits <- colnames(covstruc$S_Stand)
  for (i in seq_len(nrow(data))) {
    r <- match(as.character(data$row[i]), traits)
    c <- match(as.character(data$col[i]), traits)
    expect_equal(data$rg[i], unname(covstruc$S_Stand[r, c]))
    # vech position of (max, min): column min, counting the lower triangle column by column.
    lo <- min(r, c)
    hi <- max(r, c)
    pos <- (lo - 1) * 5 - (lo - 1) * (lo - 2) / 2 + (hi - lo + 1)
    expect_equal(data$se[i], sqrt(covstruc$V_Stand[pos, pos]))
  }
  expect_identical(levels(data$col), traits)
  clustered <- rg_plot(covstruc)
  expect_setequal(levels(clustered$data$col), traits)
  path <- withr::local_tempfile(fileext = ".png")
  ggplot2::ggsave(path, clustered, width = 5, height = 5, dpi = 50)
  expect_gt(file.size(path), 1000)
  expect_error(rg_plot(covstruc[c("S", "V")]), "ldsc\\(stand = TRUE\\)", class = "genomicsemrs_error_argument")
})
