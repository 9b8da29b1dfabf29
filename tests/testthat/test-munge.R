munge_quietly <- function(...) {
  withr::local_options(genomicsemrs.verbose = FALSE)
  munge(...)
}

read_munged <- function(path) {
  utils::read.delim(path, colClasses = c("character", "numeric", "numeric", "character", "character"))
}

test_that("munge() reproduces GenomicSEM on the example data (golden subset)", {
  golden <- utils::read.delim(fixture("munge_golden_subset.tsv.gz"),
                              colClasses = c("character", "character", "numeric", "numeric", "character", "character"))
  withr::local_dir(withr::local_tempdir())
  muffle(munge_quietly(example_files(), hm3 = genomicsemrs_example("w_hm3.snplist"),
                       trait.names = paste0("T", 1:5), info.filter = 0.9, maf.filter = 0.01),
         "duplicates")
  for (trait in paste0("T", 1:5)) {
    ours <- read_munged(paste0(trait, ".sumstats.gz"))
    g <- golden[golden$trait == trait, ]
    mine <- ours[ours$SNP %in% g$SNP, ]
    expect_identical(mine$SNP, g$SNP, label = trait)
    expect_identical(mine$A1, g$A1)
    expect_identical(mine$A2, g$A2)
    expect_identical(mine$N, g$N)
    expect_identical(is.na(mine$Z), is.na(g$Z))
    expect_lte(max_rel_diff(mine$Z, g$Z), tolerances$z_vs_genomicsem)
  }
  expect_true(file.exists("T1_T2_T3_T4_T5_munge.log"))
})

test_that("munge() matches GenomicSEM on the full reference set, log included", {
  data <- reference_dir("genomicsem", "data")
  golden <- reference_dir("genomicsem", "out")
  withr::local_dir(withr::local_tempdir())
  file.symlink(data, "data")
  files <- file.path("data", readRDS(file.path(data, "truth.rds"))$files)
  # The reference set repeats some SNPs on purpose; munge keeps them and says so.
  muffle(munge_quietly(files, hm3 = "data/w_hm3.snplist", trait.names = paste0("T", 1:5),
                       info.filter = 0.9, maf.filter = 0.01), "duplicates")
  for (trait in paste0("T", 1:5)) {
    ours <- read_munged(paste0(trait, ".sumstats.gz"))
    g <- read_munged(file.path(golden, "munged", paste0(trait, ".sumstats.gz")))
    expect_identical(ours[c("SNP", "A1", "A2", "N")], g[c("SNP", "A1", "A2", "N")], label = trait)
    expect_identical(is.na(ours$Z), is.na(g$Z))
    expect_lte(max_rel_diff(ours$Z, g$Z), tolerances$z_vs_genomicsem)
  }
  expect_identical(log_without_times("T1_T2_T3_T4_T5_munge.log"),
                   log_without_times(file.path(golden, "T1_T2_T3_T4_T5_munge.log")))
})

raw_example <- function() {
  data.frame(SNP = c("rs7620941", "rs23504392", "rs30966875", "rs48322719"),
             A1 = c("C", "A", "T", "C"), A2 = c("A", "C", "G", "T"),
             BETA = c(0.01, -0.02, 0.03, 0.001), SE = 0.01,
             P = c("0.5", "1e-400", "0.01", "0.9"), N = c(1000L, 1000L, 1000L, 1000L))
}

hm3_example <- function(path) {
  writeLines(c("SNP A1 A2", "rs7620941 C A", "rs23504392 A C", "rs30966875 T G", "rs48322719 C T"), path)
  path
}

test_that("P values below the double range keep their size", {
  withr::local_dir(withr::local_tempdir())
  munge_quietly(write_raw(raw_example(), "raw.txt"), hm3 = hm3_example("hm3.txt"), trait.names = "tiny")
  out <- read_munged("tiny.sumstats.gz")
  z <- abs(out$Z[out$SNP == "rs23504392"])
  expect_true(is.finite(z))
  # The exact normal quantile: log(P / 2) = log(1 - Phi(|Z|)), checked with R's pnorm.
  expect_equal(stats::pnorm(z, lower.tail = FALSE, log.p = TRUE), -400 * log(10) - log(2),
               tolerance = tolerances$tiny_p_roundtrip)
  expect_equal(out$Z[out$SNP == "rs7620941"], stats::qnorm(0.25, lower.tail = FALSE),
               tolerance = 1e-15)
})

test_that("column.names, N and parallel work as in GenomicSEM", {
  withr::local_dir(withr::local_tempdir())
  raw <- raw_example()
  names(raw)[names(raw) == "BETA"] <- "weird_effect"
  raw$N <- NULL
  write_raw(raw, "raw.txt")
  munge_quietly(c("raw.txt", "raw.txt"), hm3 = hm3_example("hm3.txt"), trait.names = c("A", "B"),
                N = c(5000, 7000), column.names = list(effect = "weird_effect"), parallel = TRUE)
  a <- read_munged("A.sumstats.gz")
  expect_identical(unique(a$N), 5000)
  expect_identical(unique(read_munged("B.sumstats.gz")$N), 7000)
  # GenomicSEM wrote N = NA for a file without an N column and no `N`: an error here.
  expect_error(munge_quietly("raw.txt", hm3 = hm3_example("hm3.txt"), trait.names = "C",
                             column.names = list(effect = "weird_effect")),
               "has no sample-size column", class = "genomicsemrs_error_missing_column")
  expect_true(all(file.exists(c("A_munge.log", "B_munge.log"))))
  expect_true(any(grepl("Interpreting the weird_effect column as the effect column, as requested",
                        readLines("A_munge.log"))))
  expect_true(any(grepl("Using provided N \\(5000\\) for file:raw.txt", readLines("A_munge.log"))))
})

test_that("bad input gives clear errors, warnings or logged drops", {
  withr::local_dir(withr::local_tempdir())
  hm3 <- hm3_example("hm3.txt")
  no_p <- raw_example()
  no_p$P <- NULL
  write_raw(no_p, "no_p.txt")
  expect_error(munge_quietly("no_p.txt", hm3 = hm3, trait.names = "x"),
               "Cannot find the P column", class = "genomicsemrs_error_missing_column")
  expect_snapshot(munge_quietly("no_p.txt", hm3 = hm3, trait.names = "x"), error = TRUE)

  bad <- raw_example()
  bad$P <- c("0.5", "abc", "NA", "1.5")
  bad$A1[3] <- "AT"
  write_raw(bad, "bad.txt")
  expect_warning(munge_quietly("bad.txt", hm3 = hm3, trait.names = "bad"),
                 "1 value\\(s\\) of column P are not numbers", class = "genomicsemrs_warning_malformed")
  log <- readLines("bad_munge.log")
  expect_true(any(grepl("^2 rows were removed .* missing values in the P-value column", log)))
  out <- read_munged("bad.sumstats.gz")
  # P > 1 gives a missing Z, as in GenomicSEM (qchisq of a probability above 1 is NaN).
  expect_true(is.na(out$Z[out$SNP == "rs48322719"]))

  dup <- raw_example()[c(1, 1, 2), ]
  write_raw(dup, "dup.txt")
  expect_warning(munge_quietly("dup.txt", hm3 = hm3, trait.names = "dup"),
                 "appear more than once", class = "genomicsemrs_warning_duplicates")

  file.create("empty.txt")
  expect_error(munge_quietly("empty.txt", hm3 = hm3, trait.names = "e"), "is empty",
               class = "genomicsemrs_error_io")
  expect_error(munge_quietly("absent.txt", hm3 = hm3, trait.names = "e"), "do not exist",
               class = "genomicsemrs_error_io")
  expect_error(munge_quietly("bad.txt", hm3 = hm3, trait.names = c("a", "b")),
               "`trait.names` must have one value per element of `files`",
               class = "genomicsemrs_error_argument")
  expect_error(munge_quietly("bad.txt", hm3 = hm3, trait.names = "a", info.filter = 2),
               "`info.filter` must be a single number >= 0 and <= 1", class = "genomicsemrs_error_argument")
  expect_error(munge_quietly("bad.txt", hm3 = hm3, trait.names = "a", column.names = list(PVALUE = "x")),
               "`column.names` must be a named list whose names are among", class = "genomicsemrs_error_argument")
})

test_that("a truncated gzip file is reported, not read partially", {
  withr::local_dir(withr::local_tempdir())
  bytes <- readBin(example_files()[1], "raw", file.size(example_files()[1]))
  writeBin(bytes[seq_len(length(bytes) %/% 2)], "cut.txt.gz")
  expect_error(munge_quietly("cut.txt.gz", hm3 = genomicsemrs_example("w_hm3.snplist"), trait.names = "cut"),
               "truncated", class = "genomicsemrs_error_io")
})

test_that("alleles that are not A, C, G or T are removed and counted in the log", {
  withr::local_dir(withr::local_tempdir())
  raw <- raw_example()
  raw$A1[1] <- "AT"
  raw$A2[3] <- "N"
  munge_quietly(write_raw(raw, "raw.txt"), hm3 = hm3_example("hm3.txt"), trait.names = "alleles")
  log <- readLines("alleles_munge.log")
  expect_true(any(grepl("^1 row\\(s\\) were removed .* effect allele \\(A1\\) column not matching", log)))
  expect_true(any(grepl("^1 row\\(s\\) were removed .* other allele \\(A2\\) column not matching", log)))
  expect_identical(read_munged("alleles.sumstats.gz")$SNP, c("rs23504392", "rs48322719"))
})
