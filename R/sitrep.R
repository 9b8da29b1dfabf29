#' Report the versions and threads genomicsemrs will use
#'
#' Prints the package, Rust core and toolchain versions and the number of threads that
#' parallel functions will use, with where that number comes from (`cores` argument,
#' option `genomicsemrs.threads`, environment variable `GENOMICSEMRS_NUM_THREADS`, or all
#' cores).
#'
#' @param cores Number of threads to resolve, as for the package's parallel functions;
#'   `NULL` uses the option, then the environment variable, then all cores.
#' @return Invisibly, a list with elements `package_version`, `core_version`,
#'   `bindings_version`, `rustc_version`, `extendr_version`, `threads`, `threads_source` and
#'   `pool_threads` (threads measured inside a pool built with that setting).
#' @export
#' @examples
#' genomicsemrs_sitrep()
#' genomicsemrs_sitrep(cores = 1)
genomicsemrs_sitrep <- function(cores = NULL) {
  threads <- resolve_cores(cores)
  info <- rs_value(rs_sitrep(threads))
  info <- c(list(package_version = as.character(utils::packageVersion("genomicsemrs"))), info)
  class(info) <- "genomicsemrs_sitrep"
  print(info)
  invisible(info)
}

#' @export
print.genomicsemrs_sitrep <- function(x, ...) {
  cat("genomicsemrs ", x$package_version, "\n",
      "  Rust core:   ", x$core_version, " (bindings ", x$bindings_version,
      ", extendr-api ", x$extendr_version, ")\n",
      "  Built with:  ", x$rustc_version, "\n",
      "  Threads:     ", x$threads, " (", x$threads_source, ")\n",
      sep = "")
  invisible(x)
}
