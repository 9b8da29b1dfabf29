# Run the testthat suite against the package installed in the library given as the first
# argument, print one closing line "N passed, N failed[, N skipped]" and exit non-zero on any
# failure or error.
args <- commandArgs(trailingOnly = TRUE)
lib <- if (length(args) >= 1) args[[1]] else .libPaths()[1]
.libPaths(c(lib, .libPaths()))
options(genomicsemrs.threads = 2L)
Sys.setenv(NOT_CRAN = "true")
suppressPackageStartupMessages(library(testthat))
res <- testthat::test_dir(
  "tests/testthat", package = "genomicsemrs", load_package = "installed",
  reporter = testthat::ProgressReporter$new(show_praise = FALSE),
  stop_on_failure = FALSE, stop_on_warning = FALSE
)
df <- as.data.frame(res)
failed <- sum(df$failed) + sum(df$error)
passed <- sum(df$passed)
skipped <- sum(df$skipped)
cat(sprintf("\nR tests: %d passed, %d failed, %d skipped\n", passed, failed, skipped))
if (failed > 0) quit(status = 1)
