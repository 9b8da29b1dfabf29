#' Common-factor GWAS
#'
#' Drop-in replacement for GenomicSEM's `commonfactorGWAS()`: for every SNP, the model
#' `F1 =~ T1 + ... + Tk; F1 ~ SNP` (direct SNP effects on the traits fixed at 0; first loading
#' fixed at 1) is fitted to the genetic covariance matrix extended by the SNP, with
#' GenomicSEM's sandwich SE of the SNP effect (`se_c`) and its heterogeneity statistic Q: the
#' model refitted with the loadings, the SNP effect and the factor variance fixed and the
#' direct effects free, Q = direct effects' V^-1 direct effects with k - 1 degrees of freedom.
#'
#' @inheritParams userGWAS
#' @return A data frame with one row per SNP: the first six columns of `SNPs` (with their
#'   names), `i lhs op rhs est se_c Z_Estimate Pval_Estimate Q Q_df Q_pval fail warning`
#'   (`Z_smooth` with `smooth_check = TRUE`). With `TWAS = TRUE` the first columns are
#'   `Gene Panel HSQ` and `rhs` is `"Gene"`.
#'
#' @details SNPs run in batches of `batch_size` on `cores` threads, or as futures under a
#' non-sequential `future` plan (results identical under every plan); progress is reported
#' per batch through progressr.
#'
#' @section Differences from GenomicSEM:
#' * `estimation = "ML"`: GenomicSEM reuses the first SNP's lavaan model, in which the SNP
#'   variance (an exogenous, fixed.x variable under ML) is fixed at the first SNP's value, so
#'   the `se_c` and `Q` of every later SNP depend on which SNP came first (verified: SNP 2 of
#'   the reference set gets se_c 0.0031 after SNP 1 and 0.0269 after SNP 3). Here every SNP uses
#'   its own variance; estimates (which do not depend on it) and the first SNP's results match
#'   GenomicSEM's.
#' * The direct effects of the Q model start at the residual SNP-trait covariances divided by
#'   the SNP variance (GenomicSEM: the covariances themselves); the optimum is the same.
#' * Beta, SE and MAF (HSQ) columns must be numeric: a factor or text column is an error
#'   (GenomicSEM used a factor's level codes as numbers).
#' * The `warning` column holds `"0"` for a clean fit (GenomicSEM's held lavaan 0.6.14's
#'   notice about `se` and slotOptions for every DWLS SNP).
#' * A SNP whose fit fails gets `NA` estimates and the reason in `fail` instead of aborting
#'   the run; where the Q model cannot be fitted `Q` is `NA` (GenomicSEM wrote
#'   "Not Computed" and then failed computing its p-value).
#' * `i` is the SNP's row number also in parallel runs; `MPI = TRUE` is an error that points
#'   to `future` plans; an object called `Output` in the workspace does not stop the run.
#' * The order of variables used for V comes from the model itself (GenomicSEM derived it from
#'   a preliminary fit with `GC = "conserv"`; the order is the same).
#'
#' @examples
#' covstruc <- readRDS(genomicsemrs_example("ldsc_T1_T5.rds"))
#' snps <- readRDS(genomicsemrs_example("sumstats_T1_T5.rds"))[1:50, ]
#' out <- commonfactorGWAS(covstruc, snps, cores = 1)
#' head(out)
#' @export
commonfactorGWAS <- function(covstruc = NULL, SNPs = NULL, estimation = "DWLS", cores = NULL,
                             toler = FALSE, SNPSE = FALSE, parallel = TRUE, GC = "standard",
                             MPI = FALSE, TWAS = FALSE, smooth_check = FALSE,
                             batch_size = 20000, checkpoint = NULL) {
  call <- sys.call()
  gwas_check_mpi(MPI, call)
  check_flag(TWAS, "TWAS", call = call)
  cov <- gwas_covstruc(covstruc, call)
  snps <- gwas_snps(SNPs, length(cov$names), TWAS, call)
  threads <- gwas_threads(parallel, cores, call)
  opts <- gwas_options(estimation, GC, SNPSE, toler, smooth_check, FALSE, FALSE, FALSE, TWAS,
                       call)
  base <- gwas_snp_list(snps, snps$base)
  results <- gwas_batches(nrow(snps$data), batch_size, threads, function(rows, threads) {
    rs_value(rs_commonfactor_gwas(cov, base, gwas_snp_list(snps, rows), opts, threads),
             call = call)
  }, call, checkpoint, list("commonfactorGWAS", cov, snps[c("beta", "se", "var_snp", "base")],
                            opts))
  common_gwas_output(snps, results, opts)
}
