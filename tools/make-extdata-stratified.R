# Builds inst/extdata/stratified: chromosomes 21 and 22 of the wave2 stratified inputs and the
# matching rows of three munged traits (small enough for runnable examples).
src <- "/work/shared/reference/genomicsem/wave2/inputs/sldsc"
munged <- "/work/shared/reference/genomicsem/out/munged"
out <- "inst/extdata/stratified"
dir.create(out, showWarnings = FALSE, recursive = TRUE)
chroms <- 21:22
for (f in list.files(src, pattern = paste0("\\.(", paste(chroms, collapse = "|"), ")\\.(l2|annot|frq)"))) {
  if (grepl("\\.l2\\.M$", f)) next
  file.copy(file.path(src, f), file.path(out, f), overwrite = TRUE)
}
snps <- unlist(lapply(chroms, function(c) {
  utils::read.table(gzfile(file.path(src, paste0("baseline.", c, ".l2.ldscore.gz"))), header = TRUE)$SNP
}))
for (t in c("T1", "T2", "T3")) {
  d <- utils::read.delim(gzfile(file.path(munged, paste0(t, ".sumstats.gz"))))
  con <- gzfile(file.path(out, paste0(t, ".sumstats.gz")), "w")
  utils::write.table(d[d$SNP %in% snps, ], con, sep = "\t", quote = FALSE, row.names = FALSE)
  close(con)
}
