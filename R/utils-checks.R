# The argument-checking layer every exported function goes through before any Rust call, so
# the Rust side only ever sees values of the right type, length and range. Each check raises a
# genomicsemrs_error_argument naming the argument, the value it got and what it needs,
# attributed to the exported function's call. Checks return the coerced value (invisibly)
# so a caller can write `x <- check_number(x, "x")`.

# A short description of a value for messages: the value itself when it is short, otherwise
# its type and length.
describe_value <- function(x) {
  if (is.null(x)) return("NULL")
  if (is.function(x)) return("a function")
  if (is.factor(x)) return(paste0("a factor (", length(x), " value", if (length(x) != 1) "s", ")"))
  if (is.data.frame(x)) return(paste0("a data frame (", nrow(x), " x ", ncol(x), ")"))
  if (is.matrix(x)) return(paste0("a ", typeof(x), " matrix (", nrow(x), " x ", ncol(x), ")"))
  if (is.list(x)) return(paste0("a list of length ", length(x)))
  if (!length(x)) return(paste0("an empty ", typeof(x), " vector"))
  if (length(x) > 4L) return(paste0("a ", typeof(x), " vector of length ", length(x)))
  shown <- if (is.character(x)) ifelse(is.na(x), "NA", paste0("\"", x, "\"")) else vapply(as.list(x), format, "")
  if (length(x) == 1L) shown else paste0("c(", paste(shown, collapse = ", "), ")")
}

argument_error <- function(arg, needs, x, hint = NULL, call) {
  gsem_abort(paste0("`", arg, "` must be ", needs, ", not ", describe_value(x), ".",
                    if (!is.null(hint)) paste0(" ", hint)), class = "argument", call = call)
}

# Numbers: `len` values (NULL: any positive length), within [lower, upper] (open bounds with
# `above`/`below`), whole when `whole` (and then within R's integer range, as counts are
# passed on as integers), finite unless `allow_inf`, NA only when `allow_na`.
check_number <- function(x, arg, lower = -Inf, upper = Inf, len = 1L, allow_na = FALSE,
                         allow_null = FALSE, allow_inf = FALSE, whole = FALSE, above = NULL,
                         below = NULL, hint = NULL, call = caller_call()) {
  force(call)
  if (is.null(x) && allow_null) return(invisible(x))
  count <- if (is.null(len)) "" else if (len == 1L) "a single " else paste0(len, " ")
  kind <- if (whole) "whole number" else "number"
  range <- c(
    if (!is.null(above)) paste0("> ", above) else if (lower > -Inf) paste0(">= ", lower),
    if (!is.null(below)) paste0("< ", below) else if (upper < Inf) paste0("<= ", upper)
  )
  needs <- paste0(count, if (allow_inf || !is.null(len) && len == 1L) "" else "finite ", kind,
                  if (!is.null(len) && len != 1L) "s", if (length(range)) paste0(" ", paste(range, collapse = " and ")),
                  if (allow_na) " (or NA)")
  all_na <- length(x) && is.logical(x) && all(is.na(x))
  if (!(is.numeric(x) && !is.factor(x) || allow_na && all_na) || is.object(x) && !is.numeric(x) ||
      is.null(len) && !length(x) || !is.null(len) && length(x) != len) {
    argument_error(arg, needs, x, hint, call)
  }
  values <- as.double(x)
  given <- values[!is.na(values)]
  bad <- (!allow_na && anyNA(values)) ||
    (!allow_inf && any(is.infinite(given))) ||
    any(given < lower | given > upper) ||
    (!is.null(above) && any(given <= above)) || (!is.null(below) && any(given >= below)) ||
    (whole && any(is.finite(given) & (given != round(given) | abs(given) > .Machine$integer.max)))
  if (bad) argument_error(arg, needs, x, hint, call)
  invisible(values)
}

# One TRUE or FALSE; `len` TRUE/FALSE values for per-trait switches.
check_flag <- function(x, arg, call = caller_call()) {
  force(call)
  if (!is.logical(x) || length(x) != 1L || is.na(x)) argument_error(arg, "TRUE or FALSE", x, call = call)
  invisible(x)
}

check_flags <- function(x, arg, len, call = caller_call()) {
  force(call)
  if (!is.logical(x) || length(x) != len || anyNA(x)) {
    argument_error(arg, paste0(len, " TRUE/FALSE value", if (len != 1) "s", " without NA"), x,
                   call = call)
  }
  invisible(x)
}

# One string; with `choices`, one of them.
check_string <- function(x, arg, choices = NULL, allow_null = FALSE, allow_empty = FALSE,
                         call = caller_call()) {
  force(call)
  if (is.null(x) && allow_null) return(invisible(x))
  if (!is.character(x) || length(x) != 1L || is.na(x) || !allow_empty && !nzchar(x)) {
    argument_error(arg, if (is.null(choices)) "a single non-empty string" else
      paste0("one of ", paste0("\"", choices, "\"", collapse = ", ")), x, call = call)
  }
  if (!is.null(choices) && !x %in% choices) {
    argument_error(arg, paste0("one of ", paste0("\"", choices, "\"", collapse = ", ")), x,
                   call = call)
  }
  invisible(x)
}

# Strings without NA or empty ones: `len` of them (NULL: at least one), unique when `unique`.
check_strings <- function(x, arg, len = NULL, unique = FALSE, allow_null = FALSE,
                          call = caller_call()) {
  force(call)
  if (is.null(x) && allow_null) return(invisible(x))
  count <- if (is.null(len)) "" else paste0(len, " ")
  needs <- paste0(count, "non-empty string", if (is.null(len) || len != 1L) "s", " without NA")
  if (!is.character(x) || is.null(len) && !length(x) || !is.null(len) && length(x) != len ||
      anyNA(x) || any(!nzchar(x))) {
    argument_error(arg, needs, x, call = call)
  }
  if (unique && anyDuplicated(x)) {
    gsem_abort(paste0("`", arg, "` must not repeat a value; ",
                      paste0("\"", unique(x[duplicated(x)]), "\"", collapse = ", "),
                      " appear", if (sum(duplicated(x)) == 1) "s", " more than once."),
               class = "argument", call = call)
  }
  invisible(x)
}

# One value per element of another argument.
check_same_length <- function(x, arg, n, n_arg, call = caller_call()) {
  force(call)
  if (!is.null(x) && length(x) != n) {
    gsem_abort(paste0("`", arg, "` must have one value per element of `", n_arg, "` (", n,
                      "), not ", length(x), "."), call = call)
  }
  invisible(x)
}

# A numeric matrix (a data frame of numbers is accepted and converted), optionally of given
# dimensions, square and symmetric, without NA or infinite values unless allowed.
check_matrix <- function(x, arg, nrow = NULL, ncol = NULL, square = FALSE, symmetric = FALSE,
                         allow_na = FALSE, call = caller_call()) {
  force(call)
  if (is.data.frame(x) && all(vapply(x, is.numeric, TRUE))) x <- as.matrix(x)
  shape <- paste0(if (symmetric) "a symmetric " else if (square) "a square " else "a ",
                  "numeric matrix",
                  if (!is.null(nrow) || !is.null(ncol)) paste0(" of ", nrow %||% "any", " x ", ncol %||% "any"),
                  if (!allow_na) " without NA or infinite values")
  if (!is.matrix(x) || !is.numeric(x) ||
      !is.null(nrow) && nrow(x) != nrow || !is.null(ncol) && ncol(x) != ncol ||
      (square || symmetric) && nrow(x) != ncol(x)) {
    argument_error(arg, shape, x, call = call)
  }
  storage.mode(x) <- "double"
  if (!allow_na && any(!is.finite(x))) argument_error(arg, shape, x, call = call)
  if (symmetric && !isTRUE(all.equal(unname(x), unname(t(x)), tolerance = 1e-8))) {
    gsem_abort(paste0("`", arg, "` must be symmetric; its largest asymmetry is ",
                      signif(max(abs(x - t(x)), na.rm = TRUE), 3), "."), call = call)
  }
  invisible(x)
}

# A data frame holding `columns`.
check_data_frame <- function(x, arg, columns = character(), what = "a data frame",
                             call = caller_call()) {
  force(call)
  if (!is.data.frame(x)) argument_error(arg, what, x, call = call)
  missing <- setdiff(columns, names(x))
  if (length(missing)) {
    gsem_abort(paste0("`", arg, "` has no column", if (length(missing) > 1) "s", " ",
                      paste0("'", missing, "'", collapse = ", "), "; its columns are ",
                      paste0("'", names(x), "'", collapse = ", "), "."), call = call)
  }
  invisible(x)
}

# Columns that hold numbers: a factor or text column is an error (as.double() of a factor
# gives its level codes, of text NA), never a silent conversion.
check_numeric_columns <- function(x, columns, arg, call = caller_call()) {
  force(call)
  for (column in columns) {
    value <- x[[column]]
    if (!is.numeric(value) || is.factor(value)) {
      gsem_abort(paste0("Column '", column, "' of `", arg, "` must be numeric, not ",
                        if (is.factor(value)) "a factor" else typeof(value),
                        ". Convert it with as.numeric(as.character(...)) and check for values ",
                        "that are not numbers."), class = "argument", call = call)
    }
  }
  invisible(x)
}

check_files_exist <- function(paths, arg, call = caller_call()) {
  force(call)
  if (!is.character(paths) || !length(paths) || anyNA(paths)) {
    argument_error(arg, "file paths (a character vector without NA)", paths, call = call)
  }
  missing <- paths[!file.exists(paths)]
  if (length(missing)) {
    gsem_abort(paste0("File(s) given in `", arg, "` do not exist: ",
                      paste0("'", missing, "'", collapse = ", "),
                      ". Check the paths and the working directory (", getwd(), ")."),
               class = "io", call = call)
  }
  invisible(paths)
}

# A file the function will write: its folder must exist and be writable.
check_writable_file <- function(path, arg, call = caller_call()) {
  force(call)
  check_string(path, arg, call = call)
  folder <- dirname(path)
  if (!dir.exists(folder)) {
    gsem_abort(paste0("Cannot write '", path, "' (`", arg, "`): the folder '", folder,
                      "' does not exist. Create it or choose another path."), class = "io",
               call = call)
  }
  if (file.access(folder, 2L) != 0L) {
    gsem_abort(paste0("Cannot write '", path, "' (`", arg, "`): the folder '", folder,
                      "' is not writable."), class = "io", call = call)
  }
  invisible(path)
}

# Results, checked before they are returned: a computation that produced non-finite values
# where finite ones are expected, or nothing at all, is an error, never a plausible output.
check_finite_result <- function(x, what, hint, call = caller_call()) {
  force(call)
  bad <- !is.finite(as.double(x))
  if (any(bad)) {
    gsem_abort(paste0(what, " contains ", sum(bad), " non-finite value",
                      if (sum(bad) > 1) "s", " (NA, NaN or Inf). ", hint), class = "result",
               call = call)
  }
  invisible(x)
}

check_nonempty_result <- function(n, what, hint, call = caller_call()) {
  force(call)
  if (!n) gsem_abort(paste0(what, " is empty. ", hint), class = "no_rows", call = call)
  invisible(n)
}

# Trait names as GenomicSEM uses them in file names: spaces removed. Missing names come from
# the file names (GenomicSEM would write every file to ".sumstats.gz").
output_trait_names <- function(trait.names, files) {
  if (is.null(trait.names)) {
    trait.names <- sub("\\.(txt|tsv|csv)?(\\.gz)?$", "", basename(files))
  }
  gsub(" ", "", trait.names, fixed = TRUE)
}

flatten_files <- function(files, call = caller_call()) {
  force(call)
  if (!is.character(files) && !is.list(files)) {
    argument_error("files", "file paths (a character vector)", files, call = call)
  }
  if (is.list(files)) {
    gsem_warn(paste0("DeprecationWarning: In future versions a list of filenames will no longer ",
                     "be accepted.\n                    Please change files to a vector to ensure ",
                     "future compatibility."), class = "deprecated")
    files <- unlist(files, use.names = FALSE)
    if (!is.character(files)) argument_error("files", "file paths (a character vector)", files, call = call)
  }
  files
}

`%||%` <- function(x, y) if (is.null(x)) y else x
