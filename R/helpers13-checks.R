# Checks shared by the covariance helpers (rgmodel, QTrait, paLDSC): an ldsc() result given
# under another argument name.

# The ldsc() list in `x` (argument `arg`): S (k x k, named columns) and V (k(k+1)/2 square),
# and S_Stand/V_Stand when `stand`. Returns list(S, V, S_Stand, V_Stand, traits).
check_ldsc_output <- function(x, arg, stand = FALSE, call = caller_call()) {
  force(call)
  if (!is.list(x) || is.null(x$S) || is.null(x$V)) {
    argument_error(arg, "the list returned by `ldsc()` (with elements `S` and `V`)", x, call = call)
  }
  S <- check_matrix(x$S, paste0(arg, "$S"), square = TRUE, call = call)
  k <- nrow(S)
  V <- check_matrix(x$V, paste0(arg, "$V"), nrow = k * (k + 1) / 2, ncol = k * (k + 1) / 2, call = call)
  traits <- colnames(S)
  if (is.null(traits) || anyNA(traits) || any(!nzchar(traits)) || anyDuplicated(traits)) {
    gsem_abort(paste0("The columns of `", arg, "$S` must be named after the traits (unique names), ",
                      "as `ldsc()` names them."), call = call)
  }
  out <- list(S = S, V = V, S_Stand = NULL, V_Stand = NULL, traits = traits)
  if (stand) {
    if (is.null(x$S_Stand) || is.null(x$V_Stand)) {
      gsem_abort(paste0("`", arg, "` has no `S_Stand`/`V_Stand`; run `ldsc()` with `stand = TRUE`."),
                 call = call)
    }
    out$S_Stand <- check_matrix(x$S_Stand, paste0(arg, "$S_Stand"), nrow = k, ncol = k, call = call)
    out$V_Stand <- check_matrix(x$V_Stand, paste0(arg, "$V_Stand"), nrow = nrow(V), ncol = nrow(V), call = call)
  }
  out
}
