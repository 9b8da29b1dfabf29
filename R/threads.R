# The R half of thread-count resolution: the `cores` argument, else the option
# `genomicsemrs.threads`. NA hands the decision to Rust (environment variable, then all cores).
resolve_cores <- function(cores = NULL, call = caller_call()) {
  force(call)
  if (is.null(cores)) cores <- getOption("genomicsemrs.threads", NULL)
  if (is.null(cores)) return(NA_integer_)
  check_number(cores, "cores", lower = 1, whole = TRUE,
               hint = "The option `genomicsemrs.threads` must be such a number too.", call = call)
  as.integer(cores)
}
