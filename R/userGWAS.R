#' Multivariate GWAS with a user-specified model
#'
#' Drop-in replacement for GenomicSEM's `userGWAS()`: for every SNP of `SNPs` (the output of
#' [sumstats()]), the model is fitted to the genetic covariance matrix extended by the SNP
#' (S_Full) with GenomicSEM's sandwich standard errors from the extended sampling covariance
#' matrix (V_Full), and the model chi-square is computed from the residuals. The per-SNP fits
#' run in genomicsemrs' Rust SEM engine; everything that does not depend on the SNP (the
#' parsed model, the measurement model under `fix_measurement`, the LD blocks of V) is
#' prepared once.
#'
#' The model refers to the SNP as `SNP` (`Gene` when `TWAS = TRUE`). With
#' `fix_measurement = TRUE` (the default, as in GenomicSEM since September 2023) the model
#' without its SNP lines is first fitted to the LD matrices, and its loadings, regressions and
#' covariances are fixed at those estimates for every SNP; only (residual) variances and the
#' SNP's paths are estimated per SNP.
#'
#' @param covstruc Output of [ldsc()] (used by position: V, S, I).
#' @param SNPs Output of [sumstats()]: SNP, CHR, BP, MAF, A1, A2, then `beta.` and `se.`
#'   columns, one pair per trait in the order of covstruc's traits.
#' @param estimation `"DWLS"` (default) or `"ML"`.
#' @param model Model in lavaan syntax that includes the SNP.
#' @param printwarn Keep the `warning` column (see Differences).
#' @param sub `FALSE`, or parameters to keep, written as `lhs op rhs` (e.g. `"F1~SNP"`);
#'   spaces are ignored. With `sub = FALSE` a genome-wide run returns about 15 R objects per
#'   SNP, and R's garbage collector then costs about as much as the fits; starting R with
#'   the environment variable `R_GC_MEM_GROW=3` (larger heap steps) roughly halves that.
#' @param cores Threads to use (default: option `genomicsemrs.threads`, else all cores).
#' @param toler Tolerance of the matrix inversions (`FALSE`: machine precision).
#' @param SNPSE Standard error of the SNP variance (`FALSE`: 0.0005).
#' @param parallel `FALSE` runs on one thread.
#' @param GC Genomic control of the SNP standard errors by the LDSC intercepts:
#'   `"standard"` (SE x sqrt(intercept)), `"conserv"` (SE x intercept) or `"none"`.
#' @param MPI Not supported: set a `future` plan instead (see Details).
#' @param smooth_check Add `Z_smooth`, the largest change of a SNP-trait Z statistic caused by
#'   smoothing S_Full or V_Full to positive definiteness (0 when nothing was smoothed).
#' @param TWAS Genes instead of SNPs: `SNPs` then starts with Gene, Panel and HSQ columns (the
#'   layout of GenomicSEM's `read_fusion()` output).
#' @param std.lv Identify factors by fixing their (residual) variances to 1.
#' @param fix_measurement Fix the measurement model at its no-SNP estimates.
#' @param Q_SNP Add the heterogeneity statistic Q_SNP of each factor the SNP predicts.
#' @param analytic `TRUE` estimates the SNP's effects on the factors in closed form instead of
#'   refitting the model per SNP (see Details; needs `fix_measurement = TRUE`).
#' @param batch_size SNPs per batch: the unit of progress reports and of `future` tasks.
#' @param usermod For `analytic = TRUE`: a [usermodel()] result for the model without the SNP
#'   (fitted here when `NULL`).
#' @param checkpoint A folder (created if needed) to which every finished batch is written
#'   at once, or `NULL` (off). Calling the function again with the same inputs and folder
#'   skips the finished batches and returns a result identical to an uninterrupted run (a
#'   message says how many batches were resumed); a call whose inputs or options differ is
#'   refused with an error of class `genomicsemrs_error_checkpoint_mismatch`. Batches are
#'   written under temporary names and renamed, so a killed run never leaves a half-written
#'   batch, and workers of a `future` plan (e.g. Slurm jobs) can share the folder. Not used
#'   with `analytic = TRUE`, which computes all SNPs in one pass.
#' @return With `sub = FALSE`, a list with one data frame per SNP (the model's parameters,
#'   in lavaan's parameter-table order); with `sub`, a list with one data frame per selected
#'   parameter and one row per SNP. Columns: `SNP CHR BP MAF A1 A2 lhs op rhs free label est
#'   SE Z_Estimate Pval_Estimate chisq chisq_df chisq_pval AIC` (`Q_SNP Q_SNP_df Q_SNP_pval`
#'   with `Q_SNP = TRUE`) `error warning` (`Z_smooth` with `smooth_check = TRUE`).
#'   `analytic = TRUE` returns one data frame (see Details).
#'
#' @details
#' **Spreading the work.** SNPs are run in batches of `batch_size` on `cores` threads. When a
#' non-sequential `future` plan is set (e.g. `future::plan("multisession", workers = 4)`, a
#' cluster plan, or `future.batchtools` on Slurm), the batches are run as futures, so a
#' genome-wide run can be spread over machines; every SNP starts from the same solution (the
#' fit of the first SNP), so results are identical under every plan. Progress is reported per
#' batch through progressr (wrap the call in `progressr::with_progress()`). Ctrl-C stops a
#' running batch.
#'
#' **Analytic estimation.** With `analytic = TRUE` the loadings `L` (traits x factors) of the
#' no-SNP model are fixed and each SNP's effects on the factors are the diagonally weighted
#' least-squares solution `b = (L'D^-1 L)^-1 L'D^-1 beta` with `D` the diagonal of the SNP's
#' sampling covariance `V = diag(se) I diag(se)` (I: the LDSC intercepts, diagonal at least 1),
#' and sandwich standard errors `(L'D^-1 L)^-1 L'D^-1 V D^-1 L (L'D^-1 L)^-1`. The output has
#' one row per SNP with `beta_<factor>`, `SE_<factor>`, `Z_beta_<factor>`, `p_val_<factor>`,
#' `Q_<factor>` (heterogeneity of the SNP's residual effects on that factor's indicators),
#' `Q_df_<factor>`, `Qpval_<factor>` per factor and `Q_omnibus`, `Q_omnibus_df`,
#' `Q_omnibus_pval`. It is the closed form of the diagonal GLS variant of userGWAS, not an
#' approximation of the iterative fit.
#'
#' @section Differences from GenomicSEM:
#' Reproduced: the model construction under `fix_measurement` (model lines containing the
#' text "SNP" are left out of the measurement model, only parameter rows whose lhs or rhs is
#' the SNP are added back), the row order, `SNP ~~ SNP` reported as a free parameter with SE
#' `SNPSE`, df and npar of the full model, GC and smoothing rules, the `error` column (numeric
#' 0, or the reason as text).
#' Fixed, deliberately:
#' * The `warning` column holds `"0"` for a clean fit. GenomicSEM's holds, for every DWLS
#'   SNP, lavaan 0.6.14's notice that `se` overrides slotOptions, which says nothing about
#'   the SNP.
#' * `printwarn = FALSE` drops the `warning` column (GenomicSEM failed with a column-count
#'   error).
#' * An object called `Output` in the workspace does not stop the run; no banner is printed
#'   and no "model listed in quotes" warning is given for models without `+`.
#' * `MPI = TRUE` is an error that points to `future` plans (above).
#' * Every SNP, also in parallel runs, gives exactly one list element (GenomicSEM's parallel
#'   run merged SNPs with the same rsID). With `sub`, a failed SNP keeps its identifiers in
#'   every element.
#' * A SNP with a missing beta, SE or MAF is reported as failed instead of stopping the run;
#'   the base solution comes from the first complete SNP.
#' * Constraint rows are not duplicated under `fix_measurement`.
#' * Beta, SE and MAF (HSQ) columns must be numeric: a factor or text column is an error
#'   (GenomicSEM used a factor's level codes as numbers). With `analytic = TRUE`, a `usermod`
#'   whose loadings are not those of `model` is an error.
#' * Every trait of covstruc must be in the model: an error names the unused traits
#'   (GenomicSEM failed inside lavaan with "non-conformable arguments").
#' * Estimates are converged fully; GenomicSEM's lavaan stops earlier, so estimates differ by
#'   well under 0.001 standard errors.
#'
#' @section GenomicSEM's quirks, one by one:
#' Reproduced: covstruc used by position and beta/SE columns found by substring and matched to
#' traits by position (G2; a count mismatch is an error here); the first six SNP columns renamed
#' `SNP CHR BP MAF A1 A2` and the SNP variance from `MAF` (G3); the fixed measurement model built
#' from model lines without the text "SNP" (G8: so `F1 ~ SNP + T4` loses `F1 ~ T4`, as in
#' GenomicSEM); lavaan's row order with `da` rows removed, inequality rows with `NA` estimates
#' and `SNP ~~ SNP` free with SE `SNPSE` (G10); equality constraints ignored by the sandwich
#' (G14); GC `"none"` still using cross-trait intercepts and intercepts floored at 1 (G16);
#' `SNPSE = 0` meaning 0.0005 (G17); TWAS reading Gene, Panel, HSQ from the first three columns
#' (G18); `std.lv` semantics (G20).
#' Fixed: `Output` in the workspace (G1), the constant lavaan warning text (G4), failure
#' detection by warning text (G5; here a SNP fails when the fit does not converge or its
#' information matrix fails `toler`, with the reason in `error`), `printwarn = FALSE` (G6),
#' errors that aborted the whole run (G7), duplicated constraint rows and `:=` over measurement
#' parameters (G8: they are evaluated at the fixed values), unused traits (G9: a clear error),
#' `sub` element order and failed-SNP identifiers (G11), `exists("S_smooth")` leaking between
#' SNPs (G15: `Z_smooth` is per SNP), the spurious "listed in quotes" warning and the banner
#' (G19). G12 (commonfactorGWAS keeps `i`) and G13 (order from a GC = "conserv" fit) do not
#' change results.
#'
#' @examples
#' covstruc <- readRDS(genomicsemrs_example("ldsc_T1_T5.rds"))
#' snps <- readRDS(genomicsemrs_example("sumstats_T1_T5.rds"))[1:50, ]
#' model <- "F1 =~ NA*T1 + T2 + T3 + T4 + T5\nF1 ~ SNP\nF1 ~~ 1*F1\nSNP ~~ SNP"
#' out <- userGWAS(covstruc, snps, model = model, sub = "F1~SNP", cores = 1)
#' head(out[[1]])
#' @export
userGWAS <- function(covstruc = NULL, SNPs = NULL, estimation = "DWLS", model = "",
                     printwarn = TRUE, sub = FALSE, cores = NULL, toler = FALSE, SNPSE = FALSE,
                     parallel = TRUE, GC = "standard", MPI = FALSE, smooth_check = FALSE,
                     TWAS = FALSE, std.lv = FALSE, fix_measurement = TRUE, Q_SNP = FALSE,
                     analytic = FALSE, batch_size = 20000, usermod = NULL, checkpoint = NULL) {
  call <- sys.call()
  gwas_check_mpi(MPI, call)
  check_flag(printwarn, "printwarn", call = call)
  check_flag(TWAS, "TWAS", call = call)
  check_flag(analytic, "analytic", call = call)
  check_string(model, "model", call = call)
  cov <- gwas_covstruc(covstruc, call)
  snps <- gwas_snps(SNPs, length(cov$names), TWAS, call)
  threads <- gwas_threads(parallel, cores, call)
  if (analytic) {
    return(analytic_gwas(cov, snps, model, usermod, fix_measurement, estimation, TWAS,
                         threads, covstruc, call))
  }
  opts <- gwas_options(estimation, GC, SNPSE, toler, smooth_check, std.lv, fix_measurement,
                       Q_SNP, TWAS, call)
  base <- gwas_snp_list(snps, snps$base)
  prepared <- rs_value(rs_user_gwas_table(cov, base, model, opts), call = call)
  table <- as.data.frame(prepared$table, stringsAsFactors = FALSE)
  keep <- seq_len(nrow(table))
  if (!isFALSE(sub)) {
    check_strings(sub, "sub", call = call)
    sub <- gsub(" ", "", sub, fixed = TRUE)
    keep <- which(paste0(table$lhs, table$op, table$rhs) %in% sub)
    if (!length(keep)) {
      gsem_abort(paste0("None of `sub` (", paste(sub, collapse = ", "), ") is a parameter of the ",
                        "model; parameters are written as lhs op rhs without spaces, e.g. ",
                        paste0(table$lhs[1], table$op[1], table$rhs[1]), "."), call = call)
    }
  }
  results <- gwas_batches(nrow(snps$data), batch_size, threads, function(rows, threads) {
    rs_value(rs_user_gwas(cov, base, gwas_snp_list(snps, rows), model, opts, keep, threads),
             call = call)
  }, call, checkpoint, list("userGWAS", cov, snps[c("beta", "se", "var_snp", "base")], model,
                            opts, keep))
  user_gwas_output(snps, table[keep, , drop = FALSE], results, prepared, opts,
                   printwarn = printwarn, sub = !isFALSE(sub), TWAS = TWAS)
}
