# Build the parity fixtures in tests/testthat/fixtures from the original GenomicSEM's outputs
# (the goldens in ../shared/reference/genomicsem/out), restricted to every eighth SNP of the
# bundled example data, so that the always-on tests compare against the original's numbers.
# Nothing here is computed by genomicsemrs. Usage: Rscript tools/make-fixtures.R [golden dir]
args <- commandArgs(trailingOnly = TRUE)
out_dir <- if (length(args)) args[[1]] else "../shared/reference/genomicsem/out"
stopifnot(dir.exists(out_dir))
dst <- "tests/testthat/fixtures"
dir.create(dst, showWarnings = FALSE, recursive = TRUE)

example_snps <- read.table("inst/extdata/w_hm3.snplist", header = TRUE)$SNP
keep <- example_snps[seq(1, length(example_snps), by = 8)]

munged <- do.call(rbind, lapply(paste0("T", 1:5), function(trait) {
  x <- read.delim(file.path(out_dir, "munged", paste0(trait, ".sumstats.gz")),
                  colClasses = "character")
  cbind(trait = trait, x[x$SNP %in% keep, ])
}))
con <- gzfile(file.path(dst, "munge_golden_subset.tsv.gz"), "w")
write.table(munged, con, sep = "\t", quote = FALSE, row.names = FALSE)
close(con)

ss <- readRDS(file.path(out_dir, "sumstats.rds"))
ss <- ss[ss$SNP %in% keep, ]
con <- gzfile(file.path(dst, "sumstats_golden_subset.tsv.gz"), "w")
ss[] <- lapply(ss, function(x) if (is.double(x)) sprintf("%.17g", x) else x)
write.table(ss, con, sep = "\t", quote = FALSE, row.names = FALSE)
close(con)
cat("munge rows:", nrow(munged), " sumstats rows:", nrow(ss), "\n")

# usermodel()/commonfactor() goldens: GenomicSEM's returned objects, unchanged (a few KB).
ext_dir <- file.path(dirname(out_dir), "extended")
sem_goldens <- c("um_1f_DWLS", "um_1f_ML", "um_2f_DWLS", "um_2f_nodef_ML", "um_2f_nodef_DWLS",
                 "um_1f_stdlv", "um_1f_impcov", "um_2fQ_QFactor", "um_2f_QFactor_impcov",
                 "cf_DWLS", "cf_ML")
if (dir.exists(ext_dir)) {
  saveRDS(setNames(lapply(sem_goldens, function(n) readRDS(file.path(ext_dir, paste0(n, ".rds")))),
                   sem_goldens),
          file.path(dst, "sem_goldens.rds"), compress = "xz", version = 2)
}

# userGWAS()/commonfactorGWAS() goldens, first 12 SNPs of each (the always-on parity tests;
# the full 300- and 2,000-SNP goldens are compared when the reference set is present).
gwas_goldens <- c("ug_default", "ug_QSNP", "ug_sub", "ug_fixmeasFALSE", "ug_GCconserv", "ug_GCnone",
                  "ug_smooth", "ug_ML", "ug_stdlv", "ug_direct", "cfg_default", "cfg_GCnone",
                  "cfg_ML", "cfg_smooth")
if (dir.exists(ext_dir)) {
  first_snps <- function(x) {
    if (is.data.frame(x)) return(x[1:12, ])
    if (length(x) == 1L) return(list(x[[1]][1:12, ]))
    x[1:12]
  }
  saveRDS(setNames(lapply(gwas_goldens, function(n) {
    first_snps(readRDS(file.path(ext_dir, paste0(n, ".rds"))))
  }), gwas_goldens), file.path(dst, "gwas_goldens.rds"), compress = "xz", version = 2)
}
