# Read a delimited text file (plain or gzip; tab, comma or white space separated, quoted
# fields allowed) through the Rust reader. All columns are character; short rows are filled
# with NA. Internal: the user-facing readers build on it.
read_text_table <- function(path, n_max = Inf) {
  if (!is.character(path) || length(path) != 1L || is.na(path)) {
    gsem_abort("`path` must be a single file name.")
  }
  path <- path.expand(path)
  raw <- rs_value(rs_read_delim(path, if (is.finite(n_max)) as.double(n_max) else -1))
  if (raw$n_overlong_rows > 0) {
    gsem_warn(paste0(raw$n_overlong_rows, " row(s) of '", basename(path),
                     "' have more fields than the header; the extra fields were ignored."))
  }
  names(raw$columns) <- raw$header
  as.data.frame(raw$columns, stringsAsFactors = FALSE, check.names = FALSE)
}
