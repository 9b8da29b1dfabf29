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
setwd(old)

section("commonfactor(): one genetic factor over T1-T5")
# The covariance structure is GenomicSEM's own ldsc() output on the full reference data set
# (see inst/extdata/README.md); ldsc() of genomicsemrs would give it from the munged files.
covstruc <- readRDS(genomicsemrs_example("ldsc_T1_T5.rds"))
timing <- system.time(cf <- commonfactor(covstruc, estimation = "DWLS"))
print(cf$modelfit, digits = 4)
print(cf$results, digits = 4)
cat(sprintf("commonfactor() took %.3f s (GenomicSEM: 0.54 s on the reference machine)\n",
            timing[["elapsed"]]))
