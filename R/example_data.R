#' Paths to the bundled example data
#'
#' The package ships a compact version of the synthetic reference data set used to test it
#' against the original GenomicSEM: five raw GWAS files (traits T1-T5, about 20,000 SNPs
#' each, with deliberate bad rows), the matching LD-score folder, the HapMap3 SNP list and the
#' reference MAF file. See `system.file("extdata", "README.md", package = "genomicsemrs")`.
#'
#' @param path Files or folders inside `inst/extdata`; `NULL` lists what is there.
#' @return The full path (or, with `path = NULL`, the names of the files and folders).
#' @export
#' @examples
#' genomicsemrs_example()
#' genomicsemrs_example("w_hm3.snplist")
genomicsemrs_example <- function(path = NULL) {
  root <- system.file("extdata", package = "genomicsemrs", mustWork = TRUE)
  if (is.null(path)) return(list.files(root))
  full <- file.path(root, path)
  if (!all(file.exists(full))) {
    gsem_abort(paste0("There is no example file '", path[!file.exists(full)][1], "'. Available: ",
                      paste(list.files(root), collapse = ", "), "."))
  }
  full
}
