# The toy inputs below have a huge Z (P = 1e-400) on purpose, which trips GenomicSEM's
# "average Z > 5" check; that warning is tested separately.
sumstats_quietly <- function(...) {
  withr::local_options(genomicsemrs.verbose = FALSE)
  muffle(sumstats(...), "qc")
}

reference_call <- function(files, ref) {
  sumstats_quietly(files, ref = ref, trait.names = paste0("T", 1:5),
                   se.logit = c(TRUE, FALSE, FALSE, FALSE, FALSE), OLS = c(FALSE, FALSE, TRUE, TRUE, TRUE),
                   linprob = c(FALSE, TRUE, FALSE, FALSE, FALSE), N = c(NA, 58333, NA, NA, NA),
                   info.filter = 0.6, maf.filter = 0.01, keep.indel = FALSE, parallel = FALSE)
}

expect_sumstats_equal <- function(ours, golden) {
  expect_identical(names(ours), names(golden))
  rownames(ours) <- rownames(golden) <- NULL
  expect_identical(ours[c("SNP", "CHR", "BP", "A1", "A2")], golden[c("SNP", "CHR", "BP", "A1", "A2")])
  expect_identical(ours$MAF, golden$MAF)
  for (trait in paste0("T", 1:5)) {
    expect_lte(max_rel_diff(ours[[paste0("beta.", trait)]], golden[[paste0("beta.", trait)]]),
               tolerances$z_vs_genomicsem)
  }
  # se.logit (T1) does not depend on Z; the others are proportional to 1/sqrt(N varSNP) or
  # |beta / Z| and inherit the Z tolerance.
  expect_lte(max_rel_diff(ours$se.T1, golden$se.T1), tolerances$se_vs_genomicsem)
  for (trait in paste0("T", 2:5)) {
    expect_lte(max_rel_diff(ours[[paste0("se.", trait)]], golden[[paste0("se.", trait)]]),
               tolerances$z_vs_genomicsem)
  }
}

test_that("sumstats() reproduces GenomicSEM on the example data (golden subset)", {
  golden <- utils::read.delim(fixture("sumstats_golden_subset.tsv.gz"), stringsAsFactors = FALSE)
  withr::local_dir(withr::local_tempdir())
  ours <- reference_call(example_files(), genomicsemrs_example("reference.1000G.maf.0.005.txt.gz"))
  expect_sumstats_equal(ours[ours$SNP %in% golden$SNP, ], golden)
  expect_identical(sapply(ours, class)[1:6],
                   c(SNP = "character", CHR = "integer", BP = "integer", MAF = "numeric",
                     A1 = "character", A2 = "character"))
})

test_that("sumstats() matches GenomicSEM on the full reference set, log included", {
  data <- reference_dir("genomicsem", "data")
  golden_dir <- reference_dir("genomicsem", "out")
  withr::local_dir(withr::local_tempdir())
  file.symlink(data, "data")
  files <- file.path("data", readRDS(file.path(data, "truth.rds"))$files)
  ours <- reference_call(files, "data/reference.1000G.maf.0.005.txt")
  golden <- readRDS(file.path(golden_dir, "sumstats.rds"))
  expect_identical(nrow(ours), nrow(golden))
  expect_sumstats_equal(ours, golden)
  expect_identical(log_without_times("T1_T2_T3_T4_T5_sumstats.log"),
                   log_without_times(file.path(golden_dir, "T1_T2_T3_T4_T5_sumstats.log")))
})

ref_example <- function(path) {
  writeLines(c("SNP CHR BP MAF A1 A2", "rs1 1 100 0.3 A G", "rs2 1 200 0.2 C T",
               "rs3 1 300 0.4 A T", "rs4 2 100 0.1 G C"), path)
  path
}

raw_logistic <- function() {
  data.frame(SNP = c("rs1", "rs2", "rs3", "rs4"), A1 = c("A", "T", "A", "G"), A2 = c("G", "C", "T", "C"),
             OR = c(1.05, 0.9, 1.1, 1.02), SE = c(0.01, 0.02, 0.03, 0.01),
             P = c("0.01", "1e-400", "0.2", "0.5"), INFO = c(0.9, 0.95, 0.99, 0.8))
}

test_that("the logistic transformations follow GenomicSEM's formulas", {
  withr::local_dir(withr::local_tempdir())
  write_raw(raw_logistic(), "raw.txt")
  ref <- ref_example("ref.txt")
  out <- sumstats_quietly("raw.txt", ref = ref, trait.names = "X", se.logit = TRUE)
  raw <- raw_logistic()
  var_snp <- 2 * c(0.3, 0.2, 0.4, 0.1) * (1 - c(0.3, 0.2, 0.4, 0.1))
  effect <- log(raw$OR) * c(1, -1, 1, 1) # rs2 has its alleles swapped against the reference
  den <- sqrt(effect^2 * var_snp + pi^2 / 3)
  expect_equal(out$beta.X, effect / den, tolerance = 1e-14)
  expect_equal(out$se.X, raw$SE / den, tolerance = 1e-14)
  default <- sumstats_quietly("raw.txt", ref = ref, trait.names = "Y", se.logit = FALSE)
  expect_equal(default$se.Y, (raw$SE / exp(effect)) / den, tolerance = 1e-14)
  ambig <- sumstats_quietly("raw.txt", ref = ref, trait.names = "Z", se.logit = TRUE, ambig = TRUE)
  expect_identical(ambig$SNP, c("rs1", "rs2"))
})

test_that("OLS betas are standardised from Z, N and the SNP variance; tiny P stay finite", {
  withr::local_dir(withr::local_tempdir())
  raw <- raw_logistic()
  raw$OR <- c(0.05, -0.2, 0.1, 0.02)
  raw$N <- 1000
  write_raw(raw, "raw.txt")
  out <- sumstats_quietly("raw.txt", ref = ref_example("ref.txt"), trait.names = "Q",
                          se.logit = FALSE, OLS = TRUE)
  z <- sign(raw$OR * c(1, -1, 1, 1)) * stats::qnorm(c(0.01, 1e-400, 0.2, 0.5) / 2, lower.tail = FALSE)
  z[2] <- -stats::qnorm(-400 * log(10) - log(2), lower.tail = FALSE, log.p = TRUE)
  var_snp <- 2 * c(0.3, 0.2, 0.4, 0.1) * (1 - c(0.3, 0.2, 0.4, 0.1))
  expect_equal(out$beta.Q[-2], (z / sqrt(1000 * var_snp))[-2], tolerance = 1e-14)
  expect_true(is.finite(out$beta.Q[2]))
  expect_equal(stats::pnorm(abs(out$beta.Q[2]) * sqrt(1000 * var_snp[2]), lower.tail = FALSE, log.p = TRUE),
               -400 * log(10) - log(2), tolerance = tolerances$tiny_p_roundtrip)
  expect_true(any(grepl("handled on the log scale", readLines("Q_sumstats.log"))))
})

test_that("bad input gives clear errors, warnings or logged drops", {
  withr::local_dir(withr::local_tempdir())
  ref <- ref_example("ref.txt")
  no_se <- raw_logistic()
  no_se$SE <- NULL
  write_raw(no_se, "no_se.txt")
  expect_error(sumstats_quietly("no_se.txt", ref = ref, trait.names = "x", se.logit = TRUE),
               "Cannot find the SE column", class = "genomicsemrs_error_missing_column")
  expect_error(sumstats_quietly("no_se.txt", ref = ref, trait.names = "x"), "`se.logit` is required",
               class = "genomicsemrs_error_argument")

  bad <- raw_logistic()[c(1, 1, 2, 3, 4), ]
  bad$SE[4] <- 0
  bad$OR[5] <- "x"
  write_raw(bad, "bad.txt")
  expect_warning(out <- sumstats_quietly("bad.txt", ref = ref, trait.names = "b", se.logit = TRUE),
                 "are not numbers", class = "genomicsemrs_warning_malformed")
  log <- readLines("b_sumstats.log")
  expect_true(any(grepl("^2 rows were removed .* duplicated for rsID", log)))
  expect_true(any(grepl("^1 rows were removed .* standard errors that are zero or negative", log)))
  expect_identical(out$SNP, "rs2")
  expect_warning(sumstats("bad.txt", ref = ref, trait.names = "b", se.logit = TRUE) |>
                   muffle("malformed") |> suppressMessages() |> utils::capture.output(),
                 "average value of estimate over standard error", class = "genomicsemrs_warning_qc")
})

test_that("keep.indel, direct.filter, in-sample MAF and betas behave as in GenomicSEM", {
  withr::local_dir(withr::local_tempdir())
  writeLines(c("SNP CHR BP MAF A1 A2", "rs1 1 100 0.3 A G", "rs2 1 200 0.2 AT A",
               "rs3 1 300 0.4 C T", "rs4 2 100 0.1 G C"), "ref.txt")
  raw <- data.frame(SNP = paste0("rs", 1:4), A1 = c("A", "AT", "C", "G"), A2 = c("G", "A", "T", "C"),
                    BETA = c(0.02, 0.03, -0.01, 0.04), SE = 0.01, P = c("0.01", "0.02", "0.3", "0.04"),
                    N = 1000, MAF = c(0.6, 0.2, 0.45, 0.1), DIRECTION = c("++", "+?", "??", "-+"))
  write_raw(raw, "raw.txt")
  snps <- sumstats_quietly("raw.txt", ref = "ref.txt", trait.names = "c", se.logit = FALSE, OLS = TRUE)
  expect_identical(snps$SNP, c("rs1", "rs3", "rs4")) # the indel is dropped by default
  indel <- sumstats_quietly("raw.txt", ref = "ref.txt", trait.names = "c", se.logit = FALSE, OLS = TRUE,
                            keep.indel = TRUE)
  expect_identical(indel$SNP, paste0("rs", 1:4))
  # The SNP variance uses the file's MAF, folded to at most 0.5 (0.6 -> 0.4), not the reference's.
  z <- stats::qnorm(0.01 / 2, lower.tail = FALSE)
  expect_equal(indel$beta.c[1], z / sqrt(1000 * 2 * 0.4 * 0.6), tolerance = 1e-14)
  expect_identical(indel$MAF, c(0.3, 0.2, 0.4, 0.1)) # the output MAF column is the reference's
  # direct.filter keeps SNPs with fewer than half of the cohorts missing ("?").
  direct <- sumstats_quietly("raw.txt", ref = "ref.txt", trait.names = "d", se.logit = FALSE, OLS = TRUE,
                             keep.indel = TRUE, direct.filter = TRUE)
  expect_identical(direct$SNP, c("rs1", "rs4"))
  # Already standardised betas are used as they are.
  given <- sumstats_quietly("raw.txt", ref = "ref.txt", trait.names = "g", se.logit = FALSE, OLS = TRUE,
                            betas = "BETA")
  expect_identical(given$beta.g, c(0.02, -0.01, 0.04))
})
