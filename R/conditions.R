# All user-facing messages go through these helpers, and every Rust call goes through
# rs_value(), which turns the error marker returned by the Rust side into a classed condition
# raised with the user's call.

gsem_abort <- function(message, class = "argument", call = caller_call(), data = list()) {
  force(call)
  cond <- structure(
    c(list(message = message, call = call), data),
    class = c(paste0("genomicsemrs_error_", class), "genomicsemrs_error", "error", "condition")
  )
  stop(cond)
}

gsem_warn <- function(message, class = "warning", call = caller_call()) {
  force(call)
  cond <- structure(
    list(message = message, call = call),
    class = c(paste0("genomicsemrs_warning_", class), "genomicsemrs_warning", "warning", "condition")
  )
  warning(cond)
}

gsem_inform <- function(...) {
  message(...)
}

# The call of the function `n` levels up the calling chain from the helper that asks
# (n = 2: whoever called that helper). sys.parent() follows callers, not the evaluation stack,
# so this also works when it is a default argument forced later.
caller_call <- function(n = 2) {
  frame <- sys.parent(n)
  if (frame == 0) NULL else sys.call(frame)
}

# Evaluate a Rust call: return its value, or raise the error it reported as a classed
# condition attributed to `call` (by default the exported function that made the Rust call).
rs_value <- function(expr, call = caller_call()) {
  force(call)
  value <- tryCatch(expr, error = function(e) {
    if (inherits(e, "genomicsemrs_error")) stop(e)
    gsem_abort(
      paste0("Internal error in genomicsemrs (", conditionMessage(e),
             "). Please report it with a reproducible example."),
      class = "internal", call = call
    )
  })
  if (inherits(value, "genomicsemrs_rs_error")) {
    gsem_abort(value$message, class = value$class, call = call)
  }
  value
}
