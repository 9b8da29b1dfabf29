# The wave-2 goldens of the original GenomicSEM (the 18 exports beyond the core workflow) and
# the inputs their calls use (see wave2/calls.R).
wave2_dir <- function(...) reference_dir("genomicsem", "wave2", ...)
wave2_golden <- function(name) readRDS(wave2_dir(paste0(name, ".rds")))
wave2_ldsc <- function() readRDS(reference_dir("genomicsem", "out", "ldsc.rds"))
wave2_offdiag <- function() {
  idx <- matrix(0, 5, 5)
  idx[lower.tri(idx, diag = TRUE)] <- 1:15
  idx[lower.tri(idx)]
}
wave2_pred_ll <- function() {
  lambda <- readRDS(reference_dir("genomicsem", "data", "truth.rds"))$lambda
  (lambda %o% lambda)[lower.tri(diag(5))]
}
wave2_pred_ctrl <- c(0, 1, 0, 1, 1, 0, 1, 0, 0, 1)
quiet <- function(expr) {
  withr::with_options(list(genomicsemrs.verbose = FALSE), expr)
}
