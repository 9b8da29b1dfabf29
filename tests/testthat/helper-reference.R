# Locating the shared reference set (inputs and the original GenomicSEM's outputs). It sits
# beside the repository in development and CI (../shared/reference); tests that need the full
# set skip when it is absent (for example under R CMD check).
reference_dir <- function(...) {
  candidates <- c(Sys.getenv("GENOMICSEMRS_REFERENCE", ""),
                  file.path(testthat::test_path(), "..", "..", "..", "shared", "reference"))
  found <- candidates[nzchar(candidates) & dir.exists(candidates)]
  if (!length(found)) testthat::skip("The shared GenomicSEM reference set is not available.")
  file.path(normalizePath(found[[1]]), ...)
}

fixture <- function(name) normalizePath(testthat::test_path("fixtures", name))

# Evaluate `expr`, silencing warnings of the given genomicsemrs class (and only those).
muffle <- function(expr, class) {
  withCallingHandlers(expr, warning = function(w) {
    if (inherits(w, paste0("genomicsemrs_warning_", class))) invokeRestart("muffleWarning")
  })
}

# Log lines without the time stamps and durations that differ between runs.
log_without_times <- function(path) {
  grep("started at|completed at|took|began at|finished running at", readLines(path),
       value = TRUE, invert = TRUE)
}

# Write a small raw GWAS file from a data frame (tab-separated unless `sep` says otherwise).
write_raw <- function(df, path, sep = "\t") {
  utils::write.table(df, path, sep = sep, quote = FALSE, row.names = FALSE, na = "NA")
  path
}

example_files <- function() {
  genomicsemrs_example(file.path("gwas", paste0("T", 1:5, "_gwas.txt.gz")))
}
