# simLDSC() against the files the original GenomicSEM wrote (wave2 goldens sim_*).

wave2 <- function(...) reference_dir("genomicsem", "wave2", ...)

read_sim <- function(path) utils::read.delim(path, colClasses = c(SNP = "character"))

expect_sim_files <- function(ours_dir, name) {
  golden_dir <- wave2("files", name)
  expect_setequal(list.files(ours_dir), list.files(golden_dir))
  for (f in setdiff(list.files(golden_dir), "PopCovMat.RData")) {
    ours <- read_sim(file.path(ours_dir, f))
    golden <- read_sim(file.path(golden_dir, f))
    expect_identical(names(ours), names(golden))
    for (col in setdiff(names(golden), "Z")) expect_identical(ours[[col]], golden[[col]], info = f)
    expect_lt(max(abs(ours$Z - golden$Z) / pmax(abs(golden$Z), 1)), tolerances$sim_z_vs_genomicsem)
    # Everything but the Z column is byte-identical text.
    strip_z <- function(path) sub("\t[^\t]*\t([^\t]*\tA)$", "\t\\1", readLines(path))
    expect_identical(strip_z(file.path(ours_dir, f)), strip_z(file.path(golden_dir, f)))
  }
  e1 <- new.env()
  e2 <- new.env()
  load(file.path(ours_dir, "PopCovMat.RData"), e1)
  load(file.path(golden_dir, "PopCovMat.RData"), e2)
  expect_equal(e1$covMatrix, e2$covMatrix, tolerance = 1e-12)
}

run_in <- function(dir, expr) {
  old <- setwd(dir)
  on.exit(setwd(old))
  expr
}

test_that("a covariance matrix, scalar N, rPheno, int and two iterations match sim_matrix", {
  ld <- wave2("inputs", "simld")
  cs <- readRDS(reference_dir("genomicsem", "out", "ldsc.rds"))
  dir <- withr::local_tempdir()
  value <- run_in(dir, simLDSC(covmat = cs$S[1:3, 1:3], N = 50000, seed = 1234, ld = ld,
                               rPheno = 0.2, int = c(1.02, 1, 1.05), r = 2))
  expect_null(value)
  expect_sim_files(dir, "sim_matrix")
})

test_that("a lavaan model, an N matrix and plain text match sim_model_Nmatrix_plain", {
  skip_if_not_installed("lavaan")
  ld <- wave2("inputs", "simld")
  dir <- withr::local_tempdir()
  run_in(dir, simLDSC(covmat = "F1 =~ 0.5*Pheno1 + 0.4*Pheno2 + 0.3*Pheno3
Pheno1 ~~ 0.05*Pheno1
Pheno2 ~~ 0.1*Pheno2
Pheno3 ~~ 0.2*Pheno3", N = matrix(c(40000, 20000, 10000, 20000, 60000, 15000, 10000, 15000, 30000), 3),
                      seed = 42, ld = ld, gzip_output = FALSE))
  expect_sim_files(dir, "sim_model_Nmatrix_plain")
})

test_that("parallel = TRUE writes the same files as parallel = FALSE", {
  ld <- genomicsemrs_example("eur_ld_chr")
  S <- matrix(c(.3, .1, .1, .2), 2)
  a <- withr::local_tempdir()
  b <- withr::local_tempdir()
  run_in(a, simLDSC(S, N = 20000, seed = 7, ld = ld, r = 2, gzip_output = FALSE))
  run_in(b, simLDSC(S, N = 20000, seed = 7, ld = ld, r = 2, gzip_output = FALSE,
                    parallel = TRUE, cores = 2))
  for (f in list.files(a, pattern = "sumstats$")) {
    expect_identical(readLines(file.path(a, f)), readLines(file.path(b, f)))
  }
})

test_that("bad input gives classed errors", {
  ld <- genomicsemrs_example("eur_ld_chr")
  S <- matrix(c(.3, .1, .1, .2), 2)
  dir <- withr::local_tempdir()
  run_in(dir, {
    expect_error(simLDSC(S, N = 1000, ld = ld), class = "genomicsemrs_error_argument")
    expect_error(simLDSC(S, N = 1000, seed = 1, ld = "no/such/folder"), class = "genomicsemrs_error_io")
    expect_error(simLDSC(S, N = -1, seed = 1, ld = ld), class = "genomicsemrs_error_argument")
    expect_error(simLDSC(S, N = 1000, seed = 1, ld = ld, r = 0), class = "genomicsemrs_error_argument")
    expect_error(simLDSC(S, N = 1000, seed = 1, ld = ld, int = 1), class = "genomicsemrs_error_argument")
    expect_error(simLDSC(S, N = 1000, seed = 1, ld = ld, rPheno = 2), class = "genomicsemrs_error_argument")
    expect_error(simLDSC(matrix(1:6, 2), N = 1000, seed = 1, ld = ld), class = "genomicsemrs_error_argument")
    bad <- matrix(c(.3, .9, .9, .2), 2)
    expect_error(simLDSC(bad, N = 1e6, seed = 1, ld = ld, rPheno = 0),
                 class = "genomicsemrs_error_not_positive_definite")
  })
})

test_that("error messages name the argument and the fix", {
  ld <- genomicsemrs_example("eur_ld_chr")
  S <- matrix(c(.3, .1, .1, .2), 2)
  expect_snapshot(simLDSC(S, N = 1000, ld = ld), error = TRUE)
  expect_snapshot(simLDSC(S, N = 1000, seed = 1, ld = ld, rPheno = 2), error = TRUE)
})
