# rgmodel(): the genetic correlation matrix estimated as a structural model, with the
# sampling covariance of the correlations. The model is fitted by the Rust SEM engine.

#' Model-based genetic correlation matrix and its sampling covariance
#'
#' Fits, with the SEM engine of [usermodel()] (DWLS on S and V), the model in which every trait
#' is the only indicator of its own standardized latent variable
#' (`var_i =~ NA*T_i + start(.1)*T_i`, `var_i ~~ 1*var_i`, `T_i ~~ 0*T_i`) and all latent
#' variables correlate (`var_i ~~ var_j`). The latent correlations form the genetic correlation
#' matrix `R`; their sandwich sampling covariance matrix is `V_R`, in lower-triangle order
#' (the order of `indexS(..., R = TRUE)`), ready for [subSV()] with `TYPE = "R"`.
#'
#' @param LDSCoutput The list returned by [ldsc()].
#' @return `LDSCoutput` with two elements added: `R` (k x k, unit diagonal, the dimnames of
#'   `S_Stand`) and `V_R` (k(k-1)/2 square, unnamed).
#' @section Differences from GenomicSEM:
#' * No packages are attached or required (GenomicSEM stopped unless data.table, dplyr,
#'   stringr, simsalapar, gdata, Matrix and lavaan were installed, then attached them all).
#' * Without `S_Stand` in `LDSCoutput`, `R` takes the column names of `S` (GenomicSEM left it
#'   unnamed).
#' * Bad input is a classed error (`genomicsemrs_error_argument`); a model the engine cannot
#'   fit raises the engine's classed error.
#' @seealso [subSV()], [summaryGLS()], [usermodel()]
#' @examples
#' covstruc <- readRDS(genomicsemrs_example("ldsc_T1_T5.rds"))
#' rg <- rgmodel(covstruc)
#' round(rg$R, 3)
#' dim(rg$V_R)
#' @export
rgmodel <- function(LDSCoutput) {
  call <- sys.call()
  cs <- check_ldsc_output(LDSCoutput, "LDSCoutput", call = call)
  if (length(cs$traits) < 2) {
    gsem_abort("`LDSCoutput` must hold at least 2 traits for a genetic correlation matrix.", call = call)
  }
  sem_print("Running primary model")
  out <- rs_value(rs_rgmodel(unname(cs$S), cs$traits, unname(cs$V)), call = call)
  R <- out$R
  dimnames(R) <- if (!is.null(LDSCoutput$S_Stand)) dimnames(LDSCoutput$S_Stand) else list(NULL, cs$traits)
  check_finite_result(out$V_R, "V_R", "The model did not give standard errors; check S and V.", call = call)
  LDSCoutput$R <- R
  LDSCoutput$V_R <- out$V_R
  LDSCoutput
}
