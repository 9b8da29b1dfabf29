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
