# Argument checks shared by the exported functions. Each raises a genomicsemrs_error_argument
# naming the argument and what is expected, attributed to the exported function's call.

check_files_exist <- function(paths, arg, call = caller_call()) {
  force(call)
  missing <- paths[!file.exists(paths)]
  if (length(missing)) {
    gsem_abort(paste0("File(s) given in `", arg, "` do not exist: ",
                      paste0("'", missing, "'", collapse = ", "),
                      ". Check the paths and the working directory (", getwd(), ")."),
               class = "io", call = call)
  }
}

check_same_length <- function(x, arg, n, n_arg, call = caller_call()) {
  force(call)
  if (!is.null(x) && length(x) != n) {
    gsem_abort(paste0("`", arg, "` must have one value per element of `", n_arg, "` (", n,
                      "), not ", length(x), "."), call = call)
  }
}

check_number_in <- function(x, arg, lower = 0, upper = 1, allow_na = FALSE, call = caller_call()) {
  force(call)
  ok <- is.numeric(x) || (allow_na && all(is.na(x)))
  values <- suppressWarnings(as.numeric(x))
  if (!ok || (!allow_na && anyNA(values)) ||
      any(values[!is.na(values)] < lower | values[!is.na(values)] > upper)) {
    gsem_abort(paste0("`", arg, "` must be ", if (allow_na) "NA or " else "",
                      "a number between ", lower, " and ", upper, ", not ",
                      paste(format(x), collapse = ", "), "."), call = call)
  }
}

check_flag <- function(x, arg, call = caller_call()) {
  force(call)
  if (!is.logical(x) || length(x) != 1L || is.na(x)) {
    gsem_abort(paste0("`", arg, "` must be TRUE or FALSE."), call = call)
  }
}

# Trait names as GenomicSEM uses them in file names: spaces removed. Missing names come from
# the file names (GenomicSEM would write every file to ".sumstats.gz").
output_trait_names <- function(trait.names, files) {
  if (is.null(trait.names)) {
    trait.names <- sub("\\.(txt|tsv|csv)?(\\.gz)?$", "", basename(files))
  }
  gsub(" ", "", trait.names, fixed = TRUE)
}

flatten_files <- function(files) {
  if (is.list(files)) {
    gsem_warn(paste0("DeprecationWarning: In future versions a list of filenames will no longer ",
                     "be accepted.\n                    Please change files to a vector to ensure ",
                     "future compatibility."), class = "deprecated")
    files <- unlist(files, use.names = FALSE)
  }
  as.character(files)
}
