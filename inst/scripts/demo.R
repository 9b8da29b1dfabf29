# The end-to-end demonstration run by `make demo`: every implemented step of the workflow on
# the bundled example data (see genomicsemrs_example()). It grows as the pipeline does.
suppressPackageStartupMessages(library(genomicsemrs))

section <- function(title) cat("\n== ", title, " ", strrep("=", max(0, 70 - nchar(title))), "\n", sep = "")

section("Set-up")
genomicsemrs_sitrep()

section("Example data")
files <- file.path("gwas", paste0("T", 1:5, "_gwas.txt.gz"))
summary <- do.call(rbind, lapply(files, function(f) {
  x <- genomicsemrs:::read_text_table(genomicsemrs_example(f))
  data.frame(file = f, rows = nrow(x), columns = paste(names(x), collapse = " "))
}))
print(summary, right = FALSE, row.names = FALSE)
hm3 <- genomicsemrs:::read_text_table(genomicsemrs_example("w_hm3.snplist"))
cat("\nHapMap3 SNP list:", nrow(hm3), "SNPs\n")
ref <- genomicsemrs:::read_text_table(genomicsemrs_example("reference.1000G.maf.0.005.txt.gz"))
cat("Reference MAF file:", nrow(ref), "SNPs\n")
ld <- list.files(genomicsemrs_example("eur_ld_chr"), pattern = "ldscore.gz$")
cat("LD-score folder:", length(ld), "chromosome files\n")

section("munge(): raw GWAS files -> LDSC input")
work <- file.path(tempdir(), "genomicsemrs-demo")
dir.create(work, showWarnings = FALSE)
old <- setwd(work)
traits <- paste0("T", 1:5)
files <- genomicsemrs_example(file.path("gwas", paste0(traits, "_gwas.txt.gz")))
options(genomicsemrs.verbose = FALSE)
timing <- system.time(suppressWarnings(
  munge(files, hm3 = genomicsemrs_example("w_hm3.snplist"), trait.names = traits,
        info.filter = 0.9, maf.filter = 0.01)
))
munged <- lapply(paste0(traits, ".sumstats.gz"), utils::read.delim)
print(data.frame(trait = traits, SNPs = vapply(munged, nrow, 1L),
                 mean_chi2 = round(vapply(munged, function(x) mean(x$Z^2, na.rm = TRUE), 1), 3)),
      row.names = FALSE)
cat(sprintf("munge() of 5 files took %.2f s; log in %s\n", timing[["elapsed"]],
            file.path(work, "T1_T2_T3_T4_T5_munge.log")))

section("sumstats(): raw GWAS files -> input of the GWAS functions")
timing <- system.time(snps <- sumstats(
  files, ref = genomicsemrs_example("reference.1000G.maf.0.005.txt.gz"), trait.names = traits,
  se.logit = c(TRUE, FALSE, FALSE, FALSE, FALSE), OLS = c(FALSE, FALSE, TRUE, TRUE, TRUE),
  linprob = c(FALSE, TRUE, FALSE, FALSE, FALSE), N = c(NA, 58333, NA, NA, NA),
  info.filter = 0.6, maf.filter = 0.01
))
print(utils::head(snps, 5), digits = 4)
cat(sprintf("%d SNPs in all five traits; sumstats() took %.2f s\n", nrow(snps), timing[["elapsed"]]))

section("ldsc(): genetic covariance matrix S and its sampling covariance V")
ld <- genomicsemrs_example("eur_ld_chr")
elapsed <- system.time(
  covstruc <- ldsc(traits = paste0(traits, ".sumstats.gz"),
                   sample.prev = c(.5, .417, NA, NA, NA), population.prev = c(.15, .01, NA, NA, NA),
                   ld = ld, wld = ld, trait.names = traits)
)[["elapsed"]]
options(genomicsemrs.verbose = TRUE)
cat(sprintf("ldsc() took %.2f s; the log is in %s\n", elapsed,
            file.path(work, "T1.sumstats.gz_T2.sumstats.gz_T3.sumstats.gz_T4.sumstats.gz_T5.sumstats.gz_ldsc.log")))
cat("\nS (liability scale for T1 and T2):\n")
print(round(covstruc$S, 4))
cat("\nGenetic correlations, cov2cor(S):\n")
print(round(cov2cor(covstruc$S), 3))
cat("\nIntercepts (I):\n")
print(round(covstruc$I, 3))
setwd(old)

section("commonfactor(): one genetic factor over T1-T5")
# On the covariance structure ldsc() estimated above from the bundled example data.
timing <- system.time(cf <- commonfactor(covstruc, estimation = "DWLS"))
print(cf$modelfit, digits = 4)
print(cf$results, digits = 4)
cat(sprintf("commonfactor() took %.3f s (GenomicSEM: 0.54 s on the reference machine)\n",
            timing[["elapsed"]]))

section("userGWAS() and commonfactorGWAS(): multivariate GWAS of the common factor")
# The sumstats() output above against the ldsc() covariance structure: every SNP's effect on
# the factor, with GenomicSEM's sandwich SEs and heterogeneity statistics.
old_width <- options(width = 120)
model <- "F1 =~ NA*T1 + T2 + T3 + T4 + T5\nF1 ~ SNP\nF1 ~~ 1*F1\nSNP ~~ SNP"
timing <- system.time(factor_gwas <- userGWAS(covstruc, snps, model = model, sub = "F1~SNP",
                                              Q_SNP = TRUE)[[1]])
cat(sprintf("userGWAS() on %d SNPs took %.2f s (%.1f us per SNP; GenomicSEM: ~0.1 s per SNP)\n",
            nrow(snps), timing[["elapsed"]], 1e6 * timing[["elapsed"]] / nrow(snps)))
top <- factor_gwas[order(factor_gwas$Pval_Estimate), ]
cat("\nTop 10 SNPs for the factor (F1 ~ SNP):\n")
print(utils::head(top[, c("SNP", "CHR", "BP", "est", "SE", "Z_Estimate", "Pval_Estimate",
                          "Q_SNP", "Q_SNP_pval")], 10), digits = 3, row.names = FALSE)
timing <- system.time(cf_gwas <- commonfactorGWAS(covstruc, snps))
cat(sprintf("\ncommonfactorGWAS() on %d SNPs took %.2f s; top 5 by P:\n", nrow(snps),
            timing[["elapsed"]]))
print(utils::head(cf_gwas[order(cf_gwas$Pval_Estimate),
                          c("SNP", "est", "se_c", "Pval_Estimate", "Q", "Q_pval")], 5),
      digits = 3, row.names = FALSE)
options(old_width)

section("fit_null_sc(): single-cell expression null models (exact REML)")
sc_dir <- genomicsemrs_example("single_cell")
cells <- utils::read.delim(file.path(sc_dir, "cells.tsv.gz"))
expr <- as.matrix(utils::read.delim(file.path(sc_dir, "expr.tsv.gz"), row.names = 1))
timing <- system.time(
  fit <- fit_null_sc(expr, cells, grm = file.path(sc_dir, "grm"),
                     covariates = ~ age + sex + PC1 + PC2 + cell_type + log_libsize)
)
print(fit, n = 8)
cat(sprintf("%d genes, %d cells, %d donors (K = plink GRM) fitted in %.2f s\n", nrow(expr),
            ncol(expr), length(fit$donors), timing[["elapsed"]]))
