# multiSNP() and multiGene() against the original GenomicSEM's outputs (wave2 goldens).

wave2 <- function(...) reference_dir("genomicsem", "wave2", ...)
matrix_diff <- function(ours, golden) max(abs(ours - golden)) / max(abs(golden))

expect_joint_golden <- function(ours, golden, info) {
  expect_identical(names(ours), names(golden))
  expect_identical(dimnames(ours$S_Full), dimnames(golden$S_Full))
  expect_identical(attributes(ours$V_Full), attributes(golden$V_Full))
  expect_lt(matrix_diff(ours$S_Full, golden$S_Full), tolerances$full_matrices_vs_genomicsem)
  expect_lt(matrix_diff(ours$V_Full, golden$V_Full), tolerances$full_matrices_vs_genomicsem)
  expect_identical(ours[[info]], golden[[info]])
}

covstruc <- function() readRDS(reference_dir("genomicsem", "out", "ldsc.rds"))

test_that("multiSNP matches GenomicSEM (sign flips, SNPSE, no LD)", {
  cs <- covstruc()
  snps <- readRDS(wave2("inputs", "snps_multi.rds"))
  ld <- readRDS(wave2("inputs", "ld_snps.rds"))
  expect_joint_golden(multiSNP(cs, snps, ld), readRDS(wave2("msnp_default.rds")), "RS")
  expect_joint_golden(multiSNP(cs, snps, ld, SNPSE = 0.001), readRDS(wave2("msnp_SNPSE.rds")), "RS")
  expect_joint_golden(multiSNP(cs, snps, diag(3) + 0 * ld), readRDS(wave2("msnp_noLD.rds")), "RS")
})

test_that("multiSNP with a SNPlist of several SNPs works (GenomicSEM stops)", {
  cs <- covstruc()
  snps <- readRDS(wave2("inputs", "snps_multi.rds"))
  snps10 <- readRDS(wave2("inputs", "snps10.rds"))
  ld <- readRDS(wave2("inputs", "ld_snps.rds"))
  # The golden call: SNPlist names SNPs that snps10 does not hold, so nothing is left.
  expect_error(multiSNP(cs, snps10, ld, SNPlist = snps$SNP), class = "genomicsemrs_error_ld_names")
  # With the SNPs present, SNPlist selects them and the result is msnp_default.
  both <- rbind(snps10, snps[3:1, ])
  ours <- multiSNP(cs, both, ld, SNPlist = snps$SNP)
  expect_joint_golden(ours, readRDS(wave2("msnp_default.rds")), "RS")
})

test_that("multiGene (corrected) matches GenomicSEM's patched code", {
  cs <- covstruc()
  rf5 <- readRDS(wave2("rf_5files.rds"))
  ld <- readRDS(wave2("inputs", "ld_genes.rds"))
  expect_joint_golden(multiGene(cs, rf5[c(1, 3, 6), ], ld), readRDS(wave2("mgene_patched.rds")), "Info")
  expect_joint_golden(multiGene(cs, rf5[c(1, 3, 6), ], ld, GeneSE = 0.001),
                      readRDS(wave2("mgene_patched_GeneSE.rds")), "Info")
  sel <- multiGene(cs, rf5[1:10, ], ld, Genelist = rf5$Gene[c(1, 3, 6)][c(1, 3)])
  expect_identical(rownames(sel$S_Full)[1:3], rf5$Gene[c(1, 2, 6)])
})

test_that("bad LD matrices and missing SNPs give classed errors", {
  cs <- readRDS(genomicsemrs_example("ldsc_T1_T5.rds"))
  snps <- readRDS(genomicsemrs_example("sumstats_T1_T5.rds"))[11:13, ]
  ld <- matrix(c(1, .6, .3, .6, 1, .4, .3, .4, 1), 3)
  rownames(ld) <- colnames(ld) <- paste(snps$SNP, snps$A1, snps$A2, sep = "_")
  expect_silent(multiSNP(cs, snps, ld))
  wrong <- ld
  rownames(wrong)[2] <- "rs000_A_G"
  expect_error(multiSNP(cs, snps, wrong), "rs000", class = "genomicsemrs_error_ld_names")
  # The LD matrix's names choose the SNPs; without names its size must match.
  expect_identical(rownames(multiSNP(cs, snps, ld[1:2, 1:2])$S_Full)[1:2], snps$SNP[1:2])
  expect_error(multiSNP(cs, snps, unname(ld[1:2, 1:2])), class = "genomicsemrs_error_ld_names")
  not_pd <- ld
  not_pd[1, 2] <- not_pd[2, 1] <- 0.99
  not_pd[1, 3] <- not_pd[3, 1] <- -0.99
  expect_error(multiSNP(cs, snps, not_pd), class = "genomicsemrs_error_not_positive_definite")
  asym <- ld
  asym[1, 2] <- 0.1
  expect_error(multiSNP(cs, snps, asym), class = "genomicsemrs_error_argument")
  expect_error(multiSNP(cs, snps, ld, SNPSE = "x"), class = "genomicsemrs_error_argument")
  expect_error(multiGene(cs, snps, ld), class = "genomicsemrs_error_argument")
  genes <- data.frame(Gene = c("G1", "G2", "G3"), Panel = "P", HSQ = c(.1, .2, .3),
                      snps[, grep("beta.|se.", names(snps))])
  expect_error(multiGene(cs, genes, ld, Genelist = "G9"), class = "genomicsemrs_error_not_found")
  expect_error(multiGene(cs, genes, ld[1:2, 1:2]), class = "genomicsemrs_error_ld_names")
})

test_that("error messages name the SNPs and the fix", {
  cs <- readRDS(genomicsemrs_example("ldsc_T1_T5.rds"))
  snps <- readRDS(genomicsemrs_example("sumstats_T1_T5.rds"))[11:13, ]
  ld <- matrix(c(1, .6, .3, .6, 1, .4, .3, .4, 1), 3)
  rownames(ld) <- colnames(ld) <- paste(c(snps$SNP[1:2], "rs000"), snps$A1, snps$A2, sep = "_")
  expect_snapshot(multiSNP(cs, snps, ld), error = TRUE)
  rownames(ld)[3] <- colnames(ld)[3] <- paste(snps$SNP[3], snps$A1[3], snps$A2[3], sep = "_")
  ld[1, 2] <- ld[2, 1] <- 0.99
  ld[1, 3] <- ld[3, 1] <- -0.99
  expect_snapshot(multiSNP(cs, snps, ld), error = TRUE)
})
