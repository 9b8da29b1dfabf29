# Build inst/extdata from the shared reference set (../shared/reference/genomicsem/data):
# every third SNP of the HapMap3 list, with every raw GWAS row for those SNPs plus every row
# whose SNP is not on the list at all (the unknown-rsID bad rows), so that the example keeps the
# reference set's formats and deliberate problems. Lines are copied verbatim. Deterministic.
# Usage: Rscript tools/make-extdata.R [reference data folder]
args <- commandArgs(trailingOnly = TRUE)
src <- if (length(args)) args[[1]] else "../shared/reference/genomicsem/data"
dst <- "inst/extdata"
stopifnot(dir.exists(src))

read_lines <- function(path) {
  con <- if (grepl("\\.gz$", path)) gzfile(path) else file(path)
  on.exit(close(con))
  readLines(con)
}
write_gz <- function(lines, path) {
  con <- gzfile(path, "w", compression = 9)
  writeLines(lines, con)
  close(con)
}
first_field <- function(lines, column) {
  vapply(strsplit(lines, "[ \t]+"), function(f) if (length(f) >= column) f[[column]] else "", "")
}

hm3 <- read_lines(file.path(src, "w_hm3.snplist"))
all_snps <- first_field(hm3[-1], 1)
keep_snps <- all_snps[seq(1, length(all_snps), by = 3)]
dir.create(dst, showWarnings = FALSE, recursive = TRUE)
writeLines(c(hm3[1], hm3[-1][all_snps %in% keep_snps]), file.path(dst, "w_hm3.snplist"))

ref <- read_lines(file.path(src, "reference.1000G.maf.0.005.txt"))
ref_snps <- first_field(ref[-1], 1)
write_gz(c(ref[1], ref[-1][ref_snps %in% keep_snps]),
         file.path(dst, "reference.1000G.maf.0.005.txt.gz"))

dir.create(file.path(dst, "gwas"), showWarnings = FALSE)
for (f in list.files(file.path(src, "gwas"))) {
  lines <- read_lines(file.path(src, "gwas", f))
  header <- strsplit(lines[1], "[ \t]+")[[1]]
  snp_col <- which(toupper(header) %in% c("SNP", "RSID", "MARKERNAME", "ID"))[1]
  snps <- first_field(lines[-1], snp_col)
  kept <- lines[-1][snps %in% keep_snps | !(snps %in% all_snps)]
  out <- file.path(dst, "gwas", sub("\\.gz$", "", f))
  # All compressed to keep the package small; the formats inside (tab or space separated,
  # differing column names) are the reference set's.
  write_gz(c(lines[1], kept), paste0(out, ".gz"))
}

dir.create(file.path(dst, "eur_ld_chr"), showWarnings = FALSE)
for (chr in 1:22) {
  ld <- read_lines(file.path(src, "eur_ld_chr", paste0(chr, ".l2.ldscore.gz")))
  snps <- first_field(ld[-1], 2)
  write_gz(c(ld[1], ld[-1][snps %in% keep_snps]),
           file.path(dst, "eur_ld_chr", paste0(chr, ".l2.ldscore.gz")))
  for (m in c(".l2.M_5_50", ".l2.M")) {
    from <- file.path(src, "eur_ld_chr", paste0(chr, m))
    if (file.exists(from)) file.copy(from, file.path(dst, "eur_ld_chr"), overwrite = TRUE)
  }
}
cat("SNPs kept:", length(keep_snps), "\n")

# The single-cell example (for fit_null_sc(), its vignette and `make demo`): the shared
# single-cell reference inputs, copied byte for byte (cells.tsv gzipped).
sc_src <- file.path(dirname(normalizePath(src)), "single_cell")
sc_dst <- file.path(dst, "single_cell")
if (dir.exists(sc_src)) {
  dir.create(sc_dst, showWarnings = FALSE)
  write_gz(read_lines(file.path(sc_src, "cells.tsv")), file.path(sc_dst, "cells.tsv.gz"))
  file.copy(file.path(sc_src, c("expr.tsv.gz", "grm.grm.bin", "grm.grm.id", "grm.grm.N.bin")),
            sc_dst, overwrite = TRUE)
}
# map_cis() example: the step-2 reference genotypes and the cis map of the quantitative genes.
step2 <- file.path(sc_src, "step2")
if (dir.exists(step2)) {
  for (ext in c(".bed", ".bim", ".fam")) {
    file.copy(file.path(step2, paste0("genotypes_cis", ext)),
              file.path(sc_dst, paste0("genotypes", ext)), overwrite = TRUE)
  }
  genes <- utils::read.delim(file.path(step2, "genes.tsv"), stringsAsFactors = FALSE)
  genes <- genes[genes$trait_type == "quantitative", c("gene_id", "chrom", "tss")]
  utils::write.table(genes, file.path(sc_dst, "genes.tsv"), sep = "\t", quote = FALSE,
                     row.names = FALSE)
  # Count traits: the step-2 simulated counts (20 genes, NA = cell not observed) and their
  # cis map, copied unchanged.
  file.copy(file.path(step2, "counts.tsv.gz"), sc_dst, overwrite = TRUE)
  counts_map <- utils::read.delim(file.path(step2, "genes.tsv"), stringsAsFactors = FALSE)
  counts_map <- counts_map[counts_map$trait_type == "count", c("gene_id", "chrom", "tss")]
  utils::write.table(counts_map, file.path(sc_dst, "genes_counts.tsv"), sep = "\t",
                     quote = FALSE, row.names = FALSE)
}
# GenomicSEM's own ldsc() result on the full reference set (out/ldsc.rds), copied unchanged so
# that usermodel()/commonfactor() examples and tests have a covariance structure to fit.
ldsc_golden <- file.path(dirname(src), "out", "ldsc.rds")
if (file.exists(ldsc_golden)) {
  saveRDS(readRDS(ldsc_golden), file.path(dst, "ldsc_T1_T5.rds"), compress = "xz", version = 2)
}
# The first 2,000 SNPs of the reference sumstats() output (out/sumstats.rds), the SNP input of
# the userGWAS()/commonfactorGWAS() examples.
sumstats_golden <- file.path(dirname(src), "out", "sumstats.rds")
if (file.exists(sumstats_golden)) {
  snps <- readRDS(sumstats_golden)[1:2000, ]
  row.names(snps) <- NULL
  saveRDS(snps, file.path(dst, "sumstats_T1_T5.rds"),
          compress = "xz", version = 2)
}
