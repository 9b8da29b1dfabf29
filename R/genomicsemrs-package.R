#' genomicsemrs: Genomic SEM with a fast Rust core
#'
#' A drop-in replacement for GenomicSEM. Scripts written for GenomicSEM run after replacing
#' `library(GenomicSEM)` with `library(genomicsemrs)`; the numbers agree with GenomicSEM 0.0.5
#' within the tolerances stated in each help page. All numerical and file-reading work is done
#' by an R-free Rust core.
#'
#' @section Threads:
#' Functions that run in parallel take a `cores` argument. When it is `NULL` the package uses
#' `getOption("genomicsemrs.threads")`, then the environment variable
#' `GENOMICSEMRS_NUM_THREADS`, then all available cores. See [genomicsemrs_sitrep()].
#'
#' @section Errors:
#' Errors are conditions of class `genomicsemrs_error` plus a specific class such as
#' `genomicsemrs_error_io` or `genomicsemrs_error_argument`, so they can be caught
#' selectively with [tryCatch()]. Long computations stop within about a second on Ctrl-C
#' (class `genomicsemrs_error_interrupted`).
#'
#' @keywords internal
#' @useDynLib genomicsemrs, .registration = TRUE
"_PACKAGE"
