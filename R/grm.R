#' Read a genetic relationship matrix (GRM)
#'
#' Reads a GRM written by GCTA or `plink --make-grm-bin` (`.grm.bin`, `.grm.id` and, when
#' present, `.grm.N.bin`), or a SAIGE-style sparse GRM (a Matrix Market `.mtx` file and a file
#' of sample ids, one per line, in the order of the matrix rows). The result is a dense
#' symmetric R matrix with the individual ids as row and column names, ready for
#' [fit_null_sc()].
#'
#' GCTA stores the lower triangle in single precision: the values are those floats promoted
#' to double, exactly. Entries absent from a sparse file are 0. For GCTA files the individual
#' ids (`IID`, the second column of `.grm.id`) name the rows; the family ids are kept in the
#' attribute `family_ids`.
#'
#' An individual id listed twice, a NUL byte in an id file and a truncated or oversized
#' `.grm.bin` are errors of class `genomicsemrs_error_grm` naming the file.
#'
#' @param path For GCTA: the prefix as GCTA's `--grm` takes it (`data/grm` for
#'   `data/grm.grm.bin`) or the path of the `.grm.bin` file. For a sparse GRM: the `.mtx`
#'   file.
#' @param ids For a sparse GRM, the file of sample ids (default: `<path>.sampleIDs.txt`, as
#'   SAIGE's `createSparseGRM.R` writes it, else the `.mtx` name with `.sampleIDs.txt`).
#'   Ignored for GCTA files.
#' @param format `"auto"` (a path ending in `.mtx` is sparse, anything else GCTA), `"gcta"`
#'   or `"sparse"`.
#' @return A numeric m x m matrix with dimnames = the individual ids.
#' @seealso [fit_null_sc()]
#' @export
#' @examples
#' grm <- read_grm(file.path(genomicsemrs_example("single_cell"), "grm"))
#' grm[1:3, 1:3]
read_grm <- function(path, ids = NULL, format = c("auto", "gcta", "sparse")) {
  call <- sys.call()
  if (identical(format, c("auto", "gcta", "sparse"))) format <- "auto"
  check_string(format, "format", choices = c("auto", "gcta", "sparse"), call = call)
  check_string(path, "path", call = call)
  if (!is.null(ids)) check_string(ids, "ids", call = call)
  if (format == "auto") format <- if (grepl("\\.mtx$", path)) "sparse" else "gcta"
  id_path <- ""
  if (format == "sparse") {
    check_files_exist(path, "path", call = call)
    if (is.null(ids)) {
      candidates <- c(paste0(path, ".sampleIDs.txt"), sub("\\.mtx$", ".sampleIDs.txt", path))
      ids <- candidates[file.exists(candidates)][1]
      if (is.na(ids)) {
        gsem_abort(paste0("No sample id file found for the sparse GRM '", path, "' (looked for ",
                          paste0("'", unique(candidates), "'", collapse = " and "),
                          "). Give it in `ids`."), class = "io", call = call)
      }
    }
    check_files_exist(ids, "ids", call = call)
    id_path <- ids
  }
  grm <- rs_value(rs_read_grm(path.expand(path), format, path.expand(id_path)), call = call)
  if (anyDuplicated(grm$individual_ids)) {
    repeated <- unique(grm$individual_ids[duplicated(grm$individual_ids)])
    gsem_abort(paste0("The GRM '", path, "' lists individual id(s) more than once: ",
                      list_ids(repeated), ". Each row must belong to a different individual; ",
                      "fix the id file."), class = "grm", call = call)
  }
  m <- length(grm$individual_ids)
  out <- matrix(grm$values, m, m, dimnames = list(grm$individual_ids, grm$individual_ids))
  if (format == "gcta") attr(out, "family_ids") <- grm$family_ids
  out
}

# A GRM argument as a checked numeric matrix: read files, require square, named, symmetric.
as_grm_matrix <- function(grm, call = caller_call()) {
  force(call)
  if (is.character(grm)) grm <- read_grm(grm)
  if (inherits(grm, "Matrix")) grm <- as.matrix(grm)
  if (!is.matrix(grm) || !is.numeric(grm) || nrow(grm) != ncol(grm)) {
    gsem_abort("`grm` must be a square numeric matrix, a GCTA GRM prefix or a sparse `.mtx` path.",
               class = "grm", call = call)
  }
  ids <- rownames(grm)
  if (is.null(ids) || is.null(colnames(grm)) || !identical(ids, colnames(grm))) {
    gsem_abort(paste0("`grm` must carry the donor ids as identical row and column names ",
                      "(read_grm() sets them)."), class = "grm", call = call)
  }
  if (anyDuplicated(ids)) {
    gsem_abort(paste0("`grm` has duplicated donor ids: ",
                      paste(unique(ids[duplicated(ids)]), collapse = ", "), "."),
               class = "grm", call = call)
  }
  storage.mode(grm) <- "double"
  # anyNA() and range() allocate nothing, unlike is.finite() on the whole matrix.
  if (anyNA(grm) || (length(grm) > 0L && any(is.infinite(range(grm))))) {
    gsem_abort("`grm` holds missing or infinite values.", class = "grm", call = call)
  }
  where <- rs_value(rs_first_asymmetry(grm, nrow(grm)), call = call)
  if (!is.null(where)) {
    gsem_abort(paste0("`grm` is not symmetric: entry [", ids[where[1]], ", ", ids[where[2]],
                      "] = ", format(grm[where[1], where[2]]), " but [", ids[where[2]], ", ",
                      ids[where[1]], "] = ", format(grm[where[2], where[1]]), "."),
               class = "grm", call = call)
  }
  grm
}
