suppressPackageStartupMessages({library(Matrix); library(lme4)})
# Run from this folder; the reference folder is shared/reference/single_cell beside the repository.
ref <- Sys.getenv("SC_REFERENCE", "../../../../../../../shared/reference/single_cell")
out <- "."
grm <- as.matrix(read.table(file.path(ref, "grm.tsv"), header = TRUE, row.names = 1, sep = "\t"))
keep <- abs(grm) > 0.03 | diag(nrow(grm)) == 1
sp <- as(forceSymmetric(Matrix(grm * keep, sparse = TRUE)), "CsparseMatrix")
writeMM(sp, file.path(out, "sparse_grm.mtx"))
writeLines(rownames(grm), file.path(out, "sparse_grm.sampleIDs.txt"))
cat("nnz lower:", length(sp@x), "\n")
# Missing-value golden (K = I) from lme4 with the reference's tight control.
cells <- read.delim(file.path(ref, "cells.tsv"))
expr <- readRDS(file.path(ref, "expr.rds"))
set.seed(20261122)
genes <- c("G001", "G003", "G010")
y <- expr[genes, , drop = FALSE]
y["G001", sample(ncol(y), 261)] <- NA
y["G003", cells$donor_id %in% c("D001", "D002", "D003")] <- NA
y["G010", sample(ncol(y), 500)] <- NA
ctrl <- lmerControl(optCtrl = list(xtol_abs = 1e-14, ftol_abs = 1e-15, xtol_rel = 1e-14, ftol_rel = 1e-15, maxeval = 1e5))
vc <- list(); fe <- list()
for (g in genes) {
  d <- cells; d$y <- y[g, ]; d <- d[!is.na(d$y), ]
  fit <- lmer(y ~ age + sex + PC1 + PC2 + cell_type + log_libsize + (1 | donor_id), data = d, REML = TRUE, control = ctrl)
  v <- as.data.frame(VarCorr(fit))
  s2g <- v$vcov[v$grp == "donor_id"]; s2e <- sigma(fit)^2
  vc[[g]] <- data.frame(gene_id = g, n_cells = nrow(d), n_donors = length(unique(d$donor_id)), s2g = sprintf("%.17g", s2g), s2e = sprintf("%.17g", s2e), tau = sprintf("%.17g", s2g / s2e), logLik_REML = sprintf("%.17g", as.numeric(logLik(fit))))
  fe[[g]] <- data.frame(gene_id = g, term = names(fixef(fit)), estimate = sprintf("%.17g", fixef(fit)), se = sprintf("%.17g", sqrt(diag(as.matrix(vcov(fit))))))
}
write.table(do.call(rbind, vc), file.path(out, "golden_lme4_missing.tsv"), sep = "\t", quote = FALSE, row.names = FALSE)
write.table(do.call(rbind, fe), file.path(out, "golden_lme4_missing_fixef.tsv"), sep = "\t", quote = FALSE, row.names = FALSE)
yy <- ifelse(is.na(y), "NA", sprintf("%.17g", y))
con <- gzfile(file.path(out, "expr_missing.tsv.gz"), "w")
writeLines(paste(c("gene_id", colnames(y)), collapse = "\t"), con)
for (i in seq_along(genes)) writeLines(paste(c(genes[i], yy[i, ]), collapse = "\t"), con)
close(con)
