# addSNPs() and addGenes() against the original GenomicSEM's outputs (wave2 goldens).

wave2 <- function(...) reference_dir("genomicsem", "wave2", ...)

# Largest difference relative to the largest entry of the golden matrix.
matrix_diff <- function(ours, golden) max(abs(ours - golden)) / max(abs(golden))

expect_lists_golden <- function(ours, golden, id) {
  expect_identical(names(ours), names(golden))
  expect_length(ours$S_Full, length(golden$S_Full))
  worst <- 0
  for (i in seq_along(golden$S_Full)) {
    expect_identical(dimnames(ours$S_Full[[i]]), dimnames(golden$S_Full[[i]]))
    expect_identical(attributes(ours$V_Full[[i]]), attributes(golden$V_Full[[i]]))
    worst <- max(worst, matrix_diff(ours$S_Full[[i]], golden$S_Full[[i]]),
                 matrix_diff(ours$V_Full[[i]], golden$V_Full[[i]]))
  }
  expect_lt(worst, tolerances$full_matrices_vs_genomicsem)
  expect_identical(ours[[id]], golden[[id]])
  invisible(worst)
}

covstruc <- function() readRDS(reference_dir("genomicsem", "out", "ldsc.rds"))
snps10 <- function() readRDS(wave2("inputs", "snps10.rds"))

test_that("addSNPs matches GenomicSEM for every GC mode, SNPSE and parallel", {
  cs <- covstruc()
  calls <- list(
    addSNPs_standard = function() addSNPs(cs, snps10()),
    addSNPs_conserv = function() addSNPs(cs, snps10(), GC = "conserv"),
    addSNPs_none_SNPSE = function() addSNPs(cs, snps10(), GC = "none", SNPSE = 0.001),
    addSNPs_parallel = function() addSNPs(cs, snps10(), parallel = TRUE, cores = 2)
  )
  for (name in names(calls)) {
    expect_warning(ours <- calls[[name]](), class = "genomicsemrs_warning_deprecated")
    expect_lists_golden(ours, readRDS(wave2(paste0(name, ".rds"))), "RS")
  }
})

test_that("addGenes matches GenomicSEM on read_fusion output", {
  cs <- covstruc()
  rf5 <- readRDS(wave2("rf_5files.rds"))
  for (gc in c("standard", "conserv", "none")) {
    ours <- addGenes(cs, rf5[1:8, ], GC = gc)
    expect_lists_golden(ours, readRDS(wave2(paste0("addGenes_", gc, ".rds"))), "ID")
  }
})

test_that("parallel and serial addSNPs agree exactly", {
  cs <- readRDS(genomicsemrs_example("ldsc_T1_T5.rds"))
  snps <- readRDS(genomicsemrs_example("sumstats_T1_T5.rds"))[1:300, ]
  a <- suppressWarnings(addSNPs(cs, snps))
  b <- suppressWarnings(addSNPs(cs, snps, parallel = TRUE, cores = 2))
  expect_identical(a, b)
})

test_that("addSNPs and addGenes refuse bad input with classed errors", {
  cs <- readRDS(genomicsemrs_example("ldsc_T1_T5.rds"))
  snps <- readRDS(genomicsemrs_example("sumstats_T1_T5.rds"))[1:5, ]
  quiet <- function(expr) muffle(expr, "deprecated")
  expect_error(quiet(addSNPs(cs, snps, GC = "strict")), class = "genomicsemrs_error_argument")
  expect_error(quiet(addSNPs(cs, snps, SNPSE = -1)), class = "genomicsemrs_error_argument")
  expect_error(quiet(addSNPs(cs, snps[, -4])), class = "genomicsemrs_error_argument")
  expect_error(quiet(addSNPs(cs, snps[, 1:10])), class = "genomicsemrs_error_input")
  na_row <- snps
  na_row$beta.T2[3] <- NA
  expect_error(quiet(addSNPs(cs, na_row)), "row 3", class = "genomicsemrs_error_input")
  expect_error(quiet(addSNPs(list(1), snps)), class = "genomicsemrs_error")
  expect_error(addGenes(cs, snps), class = "genomicsemrs_error_argument")
})

test_that("error messages name the row and the fix", {
  cs <- readRDS(genomicsemrs_example("ldsc_T1_T5.rds"))
  snps <- readRDS(genomicsemrs_example("sumstats_T1_T5.rds"))[1:5, ]
  snps$se.T4[2] <- NA
  expect_snapshot(muffle(addSNPs(cs, snps), "deprecated"), error = TRUE)
  expect_snapshot(addGenes(cs, snps), error = TRUE)
})
