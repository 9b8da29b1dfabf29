# The R half of thread-count resolution: the `cores` argument, else the option
# `genomicsemrs.threads`. NA hands the decision to Rust (environment variable, then all cores).
resolve_cores <- function(cores = NULL, call = caller_call()) {
  force(call)
  if (is.null(cores)) cores <- getOption("genomicsemrs.threads", NULL)
  if (is.null(cores)) return(NA_integer_)
  ok <- is.numeric(cores) && length(cores) == 1L && !is.na(cores) &&
    cores >= 1 && cores == round(cores)
  if (!ok) {
    gsem_abort(
      paste0("`cores` (or option `genomicsemrs.threads`) must be a single positive whole number, ",
             "not ", deparse1(cores), "."),
      call = call
    )
  }
  as.integer(cores)
}
