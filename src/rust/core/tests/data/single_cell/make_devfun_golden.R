suppressPackageStartupMessages(library(lme4))
# Run from this folder; the reference folder is shared/reference/single_cell beside the repository.
ref <- Sys.getenv("SC_REFERENCE", "../../../../../../../shared/reference/single_cell")
out <- "."
cells <- read.delim(file.path(ref, "cells.tsv"))
expr <- readRDS(file.path(ref, "expr.rds"))
genes <- rownames(expr)
devfuns <- lapply(genes, function(g) {
  d <- cells; d$y <- expr[g, ]
  lmer(y ~ age + sex + PC1 + PC2 + cell_type + log_libsize + (1 | donor_id), data = d, REML = TRUE, devFunOnly = TRUE)
})
total <- function(theta) sum(vapply(devfuns, function(f) f(theta), 0))
opt <- optimize(total, c(0, 3), tol = 1e-12)
theta <- opt$minimum
# Polish: golden-section tolerance is relative to |theta|; refine with uniroot on a central difference.
h <- 1e-6
dtot <- function(t) (total(t + h) - total(t - h)) / (2 * h)
theta2 <- uniroot(dtot, c(theta * 0.99, theta * 1.01), tol = 1e-14)$root
fixed_taus <- c(0, 0.1, 0.5)
rows <- data.frame(kind = "shared", gene_id = "ALL", tau = sprintf("%.17g", theta2^2), REMLcrit = sprintf("%.17g", total(theta2)))
for (t in fixed_taus) for (i in c(1, 2, 3, 10)) {
  rows <- rbind(rows, data.frame(kind = "fixed", gene_id = genes[i], tau = sprintf("%.17g", t), REMLcrit = sprintf("%.17g", devfuns[[i]](sqrt(t)))))
}
write.table(rows, file.path(out, "golden_lme4_devfun.tsv"), sep = "\t", quote = FALSE, row.names = FALSE)
print(rows); cat("optimize theta", theta, "polished", theta2, "\n")
