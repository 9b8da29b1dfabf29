## Edge-case golden for genomicsemrs' ldsc: runs the ORIGINAL GenomicSEM ldsc() (R/ldsc.R of
## GenomicSEM commit 123ec96) on small synthetic data with duplicated rsIDs (in the LD scores
## and in the sumstats, with different values), SNPs sharing a position, NA rows, allele flips,
## SNPs missing from the LD scores, separate weights and short jackknife blocks.
## readr and gdata are not installed here, so the source gets two I/O shims that keep the
## semantics: read_delim -> read.delim (NA strings "" and "NA", trimmed) as a tibble, read_csv ->
## read.csv; gdata::lowerTriangle(x, diag = TRUE) -> x[lower.tri(x, diag = TRUE)].
## Usage: Rscript make_edge.R <GenomicSEM repo>/R/ldsc.R   (run inside this folder)
args <- commandArgs(TRUE)
suppressMessages({library(stringr); library(tibble)})
set.seed(7)
dir.create("ld", showWarnings = FALSE); dir.create("wld", showWarnings = FALSE)
n_chr <- 3; per <- 260
ld_rows <- list()
for (c in 1:n_chr) {
  snp <- paste0("rs", c, sprintf("%04d", 1:per))
  bp <- sort(sample(1e3:1e6, per))
  bp[11] <- bp[10]                      # two different SNPs at one position
  l2 <- round(runif(per, 0.2, 60), 3)   # some L2 < 1: pmax(L2, 1) matters
  d <- data.frame(CHR = c, SNP = snp, BP = bp, CM = 0.1, MAF = 0.3, L2 = l2)
  if (c == 2) d <- rbind(d, data.frame(CHR = 2, SNP = "rs10005", BP = 999999, CM = 0.1, MAF = 0.3, L2 = 7.5))
  ld_rows[[c]] <- d
  gz <- gzfile(file.path("ld", paste0(c, ".l2.ldscore.gz")), "w")
  write.table(d, gz, sep = "\t", quote = FALSE, row.names = FALSE); close(gz)
  writeLines(as.character(per * 10), file.path("ld", paste0(c, ".l2.M_5_50")))
  w <- d[-5, ]; w$L2 <- round(w$L2 * runif(nrow(w), 0.5, 1.5), 3)
  gz <- gzfile(file.path("wld", paste0(c, ".l2.ldscore.gz")), "w")
  write.table(w, gz, sep = "\t", quote = FALSE, row.names = FALSE); close(gz)
}
all_ld <- do.call(rbind, ld_rows)
snps <- unique(all_ld$SNP)
for (t in 1:3) {
  n <- c(20000, 50000, 8000)[t]
  s <- sample(c(snps, paste0("rsX", 1:20)))                 # file order unrelated to position
  l2 <- all_ld$L2[match(s, all_ld$SNP)]; l2[is.na(l2)] <- 10
  z <- rnorm(length(s), sd = sqrt(1 + n * 0.3 / 78000 * l2))
  a1 <- sample(c("A", "C"), length(s), replace = TRUE)
  d <- data.frame(SNP = s, N = n + round(runif(length(s), -500, 500)), Z = z, A1 = a1, A2 = "G")
  dup <- d[c(3, 40, 41), ]; dup$Z <- dup$Z + 1                # duplicated rsIDs, other values
  d <- rbind(d[1:100, ], dup, d[101:nrow(d), ])
  d$Z[c(7, 300)] <- NA; d$A2[20] <- NA                         # rows dropped by na.omit
  d$Z[150] <- 12 + t                                           # chi2 above chisq.max = 100
  gz <- gzfile(paste0("E", t, ".sumstats.gz"), "w")
  write.table(d, gz, sep = "\t", quote = FALSE, row.names = FALSE, na = "NA"); close(gz)
}
read_delim <- function(file, delim, ...) {
  as_tibble(read.delim(file, sep = delim, na.strings = c("", "NA"), strip.white = TRUE,
                       stringsAsFactors = FALSE, check.names = FALSE))
}
read_csv <- function(file, col_names = FALSE, ...) read.csv(file, header = col_names)
.LOG <- function(..., file, print = TRUE) {
  msg <- paste0(..., "\n"); if (print) cat(msg); cat(msg, file = file, append = TRUE)
}
src <- paste(readLines(args[1]), collapse = "\n")
src <- gsub("gdata::lowerTriangle(ratio, diag = TRUE)", "ratio[lower.tri(ratio, diag = TRUE)]", src, fixed = TRUE)
eval(parse(text = src))
out <- function(x, name) write.table(format(x, digits = 17), name, sep = "\t", quote = FALSE, row.names = FALSE, col.names = paste0("V", seq_len(ncol(as.matrix(x)))))
r <- ldsc(traits = paste0("E", 1:3, ".sumstats.gz"), sample.prev = c(0.3, NA, NA), population.prev = c(0.05, NA, NA),
          ld = "ld", wld = "wld", sep_weights = TRUE, chr = 3, n.blocks = 20, stand = TRUE, chisq.max = 100, ldsc.log = "edge")
for (e in c("S", "V", "I", "S_Stand", "V_Stand")) out(unname(as.matrix(r[[e]])), paste0("edge.", e, ".tsv"))
out(r$N, "edge.N.tsv")
r2 <- ldsc(traits = paste0("E", 1:3, ".sumstats.gz"), sample.prev = rep(NA, 3), population.prev = rep(NA, 3),
           ld = "ld", wld = "wld", n.blocks = 30, chr = 3, ldsc.log = "edge_default")
for (e in c("S", "V", "I")) out(unname(as.matrix(r2[[e]])), paste0("edge_default.", e, ".tsv"))
out(r2$N, "edge_default.N.tsv")
