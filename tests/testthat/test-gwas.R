# userGWAS() and commonfactorGWAS() against GenomicSEM 0.0.5's goldens (shared reference set:
# 300 SNPs for every option, 2,000 SNPs for the defaults; the first 12 SNPs of each are bundled
# as a fixture so that the comparison also runs without the reference set).

model_gwas <- "F1 =~ NA*T1 + T2 + T3 + T4 + T5\nF1 ~ SNP\nF1 ~~ 1*F1\nSNP ~~ SNP"
model_gwas_stdlv <- "F1 =~ T1 + T2 + T3 + T4 + T5\nF1 ~ SNP\nSNP ~~ SNP"
model_gwas_direct <- "F1 =~ NA*T1 + T2 + T3 + T4 + T5\nF1 ~ SNP\nT5 ~ SNP\nF1 ~~ 1*F1\nSNP ~~ SNP"

covstruc <- readRDS(genomicsemrs_example("ldsc_T1_T5.rds"))
example_snps <- readRDS(genomicsemrs_example("sumstats_T1_T5.rds"))

golden_calls <- list(
  ug_default = function(s) userGWAS(covstruc, s, model = model_gwas, parallel = FALSE),
  ug_QSNP = function(s) userGWAS(covstruc, s, model = model_gwas, parallel = FALSE, Q_SNP = TRUE),
  ug_sub = function(s) userGWAS(covstruc, s, model = model_gwas, parallel = FALSE, sub = "F1~SNP"),
  ug_QSNP_sub = function(s) {
    userGWAS(covstruc, s, model = model_gwas, parallel = FALSE, sub = "F1 ~ SNP", Q_SNP = TRUE)
  },
  ug_fixmeasFALSE = function(s) {
    userGWAS(covstruc, s, model = model_gwas, parallel = FALSE, fix_measurement = FALSE)
  },
  ug_GCconserv = function(s) userGWAS(covstruc, s, model = model_gwas, parallel = FALSE, GC = "conserv"),
  ug_GCnone = function(s) userGWAS(covstruc, s, model = model_gwas, parallel = FALSE, GC = "none"),
  ug_smooth = function(s) {
    userGWAS(covstruc, s, model = model_gwas, parallel = FALSE, smooth_check = TRUE)
  },
  ug_ML = function(s) userGWAS(covstruc, s, model = model_gwas, parallel = FALSE, estimation = "ML"),
  ug_stdlv = function(s) {
    userGWAS(covstruc, s, model = model_gwas_stdlv, parallel = FALSE, std.lv = TRUE)
  },
  ug_direct = function(s) userGWAS(covstruc, s, model = model_gwas_direct, parallel = FALSE),
  cfg_default = function(s) commonfactorGWAS(covstruc, s, parallel = FALSE),
  cfg_GCnone = function(s) commonfactorGWAS(covstruc, s, parallel = FALSE, GC = "none"),
  cfg_smooth = function(s) commonfactorGWAS(covstruc, s, parallel = FALSE, smooth_check = TRUE)
)

expect_gwas_parity <- function(name, ours, golden) {
  is_cf <- startsWith(name, "cfg")
  worst <- gwas_worst(ours, golden, se = if (is_cf) "se_c" else "SE")
  expect_lt(worst[["est"]], gwas_tolerances$est_in_se, label = paste(name, "estimates"))
  expect_lt(worst[["se"]], gwas_tolerances$se_in_se, label = paste(name, "SEs"))
  expect_lt(worst[["chisq"]], gwas_tolerances$chisq_rel, label = paste(name, "chi-squares"))
  first <- function(x) if (is.data.frame(x)) x else x[[1]]
  expect_identical(names(first(ours)), names(first(golden)), label = paste(name, "columns"))
  expect_identical(vapply(first(ours), class, ""), vapply(first(golden), class, ""),
                   label = paste(name, "column types"))
  if (!is.data.frame(golden)) {
    expect_length(ours, length(golden))
    stack <- function(x, cols) do.call(rbind, lapply(x, `[`, cols))
    ids <- c("SNP", "lhs", "op", "rhs", "free", "label", "chisq_df")
    expect_identical(stack(ours, ids), stack(golden, ids), label = paste(name, "row layout"))
    expect_identical(is.na(stack(ours, "SE")), is.na(stack(golden, "SE")),
                     label = paste(name, "missing SEs"))
  } else {
    expect_identical(ours[c("SNP", "Q_df")], golden[c("SNP", "Q_df")])
  }
}

test_that("every option matches GenomicSEM on the bundled first 12 SNPs of its goldens", {
  goldens <- readRDS(fixture("gwas_goldens.rds"))
  snps <- example_snps[1:12, ]
  for (name in intersect(names(golden_calls), names(goldens))) {
    expect_gwas_parity(name, golden_calls[[name]](snps), goldens[[name]])
  }
})

test_that("every option matches GenomicSEM on its 300-SNP goldens", {
  ext <- reference_dir("genomicsem", "extended")
  snps <- readRDS(file.path(ext, "inputs", "snps300.rds"))
  for (name in names(golden_calls)) {
    expect_gwas_parity(name, golden_calls[[name]](snps), readRDS(file.path(ext, paste0(name, ".rds"))))
  }
})

test_that("the 2,000-SNP default runs match GenomicSEM", {
  out <- reference_dir("genomicsem", "out")
  snps <- readRDS(file.path(out, "sumstats.rds"))[1:2000, ]
  expect_gwas_parity("ug_sub", userGWAS(covstruc, snps, model = model_gwas, sub = "F1~SNP"),
                     readRDS(file.path(out, "ug_ser.rds")))
  expect_gwas_parity("cfg_default", commonfactorGWAS(covstruc, snps), readRDS(file.path(out, "cf_ser.rds")))
})

test_that("ML commonfactorGWAS matches GenomicSEM's estimates, and its SEs where GenomicSEM's are valid", {
  # GenomicSEM (ML, fixed.x) keeps the first SNP's variance in the reused lavaan model, so its
  # SEs and Q of every later SNP depend on which SNP came first; only the first row is
  # unaffected. Estimates do not depend on the fixed variance (the likelihood factorises).
  golden <- readRDS(fixture("gwas_goldens.rds"))$cfg_ML
  ours <- commonfactorGWAS(covstruc, example_snps[1:12, ], parallel = FALSE, estimation = "ML")
  expect_lt(max(abs(ours$est - golden$est) / ours$se_c), gwas_tolerances$est_in_se)
  expect_lt(abs(ours$se_c[1] - golden$se_c[1]) / golden$se_c[1], gwas_tolerances$se_in_se)
  expect_lt(abs(ours$Q[1] / golden$Q[1] - 1), gwas_tolerances$chisq_rel)
  # Each SNP run first reproduces GenomicSEM's own first-row value: SNP 3 as a one-SNP run.
  third <- commonfactorGWAS(covstruc, example_snps[3, ], parallel = FALSE, estimation = "ML")
  expect_equal(third$se_c, ours$se_c[3], tolerance = 1e-10)
})

test_that("results are identical under a multisession future plan and any batch size", {
  skip_if_not_installed("future.apply")
  skip_on_cran()
  snps <- example_snps[1:120, ]
  serial <- userGWAS(covstruc, snps, model = model_gwas, sub = "F1~SNP", Q_SNP = TRUE, cores = 1)
  cf_serial <- commonfactorGWAS(covstruc, snps, cores = 1)
  old <- future::plan(future::multisession, workers = 2)
  on.exit(future::plan(old), add = TRUE)
  expect_identical(userGWAS(covstruc, snps, model = model_gwas, sub = "F1~SNP", Q_SNP = TRUE,
                            batch_size = 37), serial)
  expect_identical(commonfactorGWAS(covstruc, snps, batch_size = 50), cf_serial)
  future::plan(future::sequential)
  expect_identical(userGWAS(covstruc, snps, model = model_gwas, sub = "F1~SNP", Q_SNP = TRUE,
                            batch_size = 7, cores = 2), serial)
})

test_that("analytic = TRUE gives the closed-form GLS estimates, SEs and Q", {
  snps <- example_snps[1:30, ]
  um <- usermodel(covstruc, model = "F1 =~ NA*T1 + T2 + T3 + T4 + T5\nF1 ~~ 1*F1")
  out <- userGWAS(covstruc, snps, model = model_gwas, analytic = TRUE, usermod = um)
  L <- um$results$Unstand_Est[um$results$op == "=~"]
  R <- covstruc$I
  diag(R) <- pmax(diag(R), 1)
  for (i in c(1, 7, 30)) {
    b <- unlist(snps[i, grep("beta.", names(snps), fixed = TRUE)])
    s <- unlist(snps[i, grep("se.", names(snps), fixed = TRUE)])
    V <- diag(s) %*% R %*% diag(s)
    Dinv <- diag(1 / diag(V))
    bread <- solve(t(L) %*% Dinv %*% L)
    est <- drop(bread %*% t(L) %*% Dinv %*% b)
    se <- sqrt(drop(bread %*% t(L) %*% Dinv %*% V %*% Dinv %*% L %*% bread))
    r <- b - L * est
    q <- drop(t(r) %*% solve(V) %*% r)
    expect_equal(out$beta_F1[i], est, tolerance = 1e-12)
    expect_equal(out$SE_F1[i], se, tolerance = 1e-12)
    expect_equal(out$Q_F1[i], q, tolerance = 1e-10)
    expect_equal(out$Q_omnibus[i], q, tolerance = 1e-10)
  }
  expect_identical(out$Q_df_F1[1], 4)
  expect_error(userGWAS(covstruc, snps, model = model_gwas, analytic = TRUE, fix_measurement = FALSE),
               class = "genomicsemrs_error_argument")
})

test_that("bad input gives clear errors, and failed SNPs are kept with their reason", {
  snps <- example_snps[1:5, ]
  expect_error(userGWAS(covstruc, snps, model = model_gwas, MPI = TRUE),
               "future", class = "genomicsemrs_error_argument")
  expect_error(userGWAS(covstruc, snps, model = "F1 =~ T1 + T2 + T3 + T4 + T5\nF1 ~ SNP +"),
               class = "genomicsemrs_error")
  expect_error(userGWAS(covstruc, snps, model = "F1 =~ NA*T1 + T2 + T3 + T4\nF1 ~ SNP\nF1 ~~ 1*F1"),
               "T5", class = "genomicsemrs_error")
  expect_error(userGWAS(covstruc, snps, model = model_gwas, sub = "F2~SNP"), "sub")
  expect_error(userGWAS(covstruc, snps[, 1:8], model = model_gwas), "beta.")
  expect_error(commonfactorGWAS(covstruc, snps, GC = "strict"), "GC")
  bad <- snps
  bad$beta.T3[2] <- NA
  expect_warning(out <- userGWAS(covstruc, bad, model = model_gwas, cores = 1), "1 SNP")
  expect_length(out, 5)
  expect_identical(nrow(out[[2]]), 1L)
  expect_match(out[[2]]$error, "missing beta or SE")
  expect_true(is.na(out[[2]]$est))
  expect_identical(out[[2]]$SNP, bad$SNP[2])
  expect_identical(out[[1]]$error[1], 0)
  expect_warning(cf <- commonfactorGWAS(covstruc, bad, cores = 1), "1 SNP")
  expect_type(cf$fail, "character")
  expect_identical(cf$fail[1], "0")
  expect_match(cf$fail[2], "missing beta or SE")
  expect_true(is.na(cf$est[2]))
})

test_that("defined parameters over fixed measurement parameters and constraints work per SNP", {
  snps <- example_snps[1:3, ]
  model <- "F1 =~ NA*T1 + a*T2 + T3 + T4 + T5\nF1 ~ b*SNP\nF1 ~~ 1*F1\nSNP ~~ SNP\nd := a*b"
  out <- userGWAS(covstruc, snps, model = model, cores = 1)
  for (d in out) {
    a <- d$est[d$label == "a"]
    b <- d[d$label == "b", ]
    def <- d[d$op == ":=", ]
    # a is fixed, so d = a b and SE(d) = a SE(b) (delta method), exactly.
    expect_equal(def$est, a * b$est, tolerance = 1e-12)
    expect_equal(def$SE, a * b$SE, tolerance = 1e-10)
  }
  bounded <- "F1 =~ NA*T1 + T2 + T3 + T4 + T5\nF1 ~ SNP\nF1 ~~ 1*F1\nSNP ~~ SNP\nT1 ~~ e*T1\ne > 0.001"
  out <- userGWAS(covstruc, snps, model = bounded, cores = 1)
  expect_identical(sum(out[[1]]$op == ">"), 1L)
  expect_true(is.na(out[[1]]$est[out[[1]]$op == ">"]))
})

test_that("TWAS mode is the SNP analysis with the gene's heritability as its variance", {
  snps <- example_snps[1:20, ]
  genes <- data.frame(Gene = paste0("G", 1:20), Panel = "panel", HSQ = 2 * snps$MAF * (1 - snps$MAF),
                      snps[, grep("^(beta|se)\\.", names(snps))], stringsAsFactors = FALSE)
  gene_model <- gsub("SNP", "Gene", model_gwas, fixed = TRUE)
  as_snp <- userGWAS(covstruc, snps, model = model_gwas, sub = "F1~SNP", Q_SNP = TRUE, cores = 1)[[1]]
  as_gene <- userGWAS(covstruc, genes, model = gene_model, sub = "F1~Gene", Q_SNP = TRUE,
                      TWAS = TRUE, cores = 1)[[1]]
  expect_identical(names(as_gene)[1:6], c("Gene", "Panel", "HSQ", "lhs", "op", "rhs"))
  expect_identical(unique(as_gene$rhs), "Gene")
  for (col in c("est", "SE", "chisq", "Q_SNP")) expect_identical(as_gene[[col]], as_snp[[col]])
  cf_gene <- commonfactorGWAS(covstruc, genes, TWAS = TRUE, cores = 1)
  cf_snp <- commonfactorGWAS(covstruc, snps, cores = 1)
  expect_identical(names(cf_gene)[1:3], c("Gene", "Panel", "HSQ"))
  expect_identical(cf_gene[c("est", "se_c", "Q")], cf_snp[c("est", "se_c", "Q")])
})

test_that("sub = FALSE frames built by the bindings are identical to the R construction", {
  snps <- example_snps[1:25, ]
  out <- userGWAS(covstruc, snps, model = model_gwas, Q_SNP = TRUE, smooth_check = TRUE, cores = 1)
  m <- nrow(out[[1]])
  long <- lapply(names(out[[1]]), function(name) unlist(lapply(out, `[[`, name), use.names = FALSE))
  names(long) <- names(out[[1]])
  long <- structure(long, class = "data.frame", row.names = c(NA_integer_, -(m * length(out))))
  ns <- asNamespace("genomicsemrs")
  expect_identical(ns$per_snp_frames(long, length(out), m), out)
  expect_identical(ns$per_snp_frames_r(long, length(out), m), out)
  # A factor among the identifiers goes through the R construction, with the same result.
  long$SNP <- factor(long$SNP)
  expect_identical(ns$per_snp_frames(long, length(out), m), ns$per_snp_frames_r(long, length(out), m))
  expect_s3_class(ns$per_snp_frames(long, length(out), m)[[3]]$SNP, "factor")
})
