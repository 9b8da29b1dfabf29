test_that("the example data are installed and readable", {
  expect_setequal(genomicsemrs_example(),
                  c("README.md", "eur_ld_chr", "fusion", "gwas", "ldsc_T1_T5.rds",
                    "reference.1000G.maf.0.005.txt.gz", "single_cell", "stratified", "hdl",
                    "sumstats_T1_T5.rds",
                    "w_hm3.snplist"))
  hm3 <- genomicsemrs:::read_text_table(genomicsemrs_example("w_hm3.snplist"))
  expect_identical(names(hm3), c("SNP", "A1", "A2"))
  expect_identical(nrow(hm3), 19000L)
  t2 <- genomicsemrs:::read_text_table(genomicsemrs_example("gwas/T2_gwas.txt.gz"), n_max = 3)
  expect_identical(names(t2), c("MarkerName", "Allele1", "Allele2", "Freq1", "b", "SE", "pval", "N"))
  expect_identical(t2$MarkerName[1], "rs7620941")
  expect_identical(list.files(genomicsemrs_example("fusion")), paste0("T", 1:5, ".dat"))
  ld_files <- list.files(genomicsemrs_example("eur_ld_chr"))
  expect_length(grep("\\.l2\\.ldscore\\.gz$", ld_files), 22L)
  expect_length(grep("\\.l2\\.M_5_50$", ld_files), 22L)
  snps <- readRDS(genomicsemrs_example("sumstats_T1_T5.rds"))
  expect_identical(dim(snps), c(2000L, 16L))
  expect_identical(names(snps)[1:8], c("SNP", "CHR", "BP", "MAF", "A1", "A2", "beta.T1", "se.T1"))
})
