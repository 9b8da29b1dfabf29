#' Multivariable LD-score regression
#'
#' Drop-in replacement for GenomicSEM's `ldsc()`: estimates the genetic covariance matrix `S`
#' of the traits, its sampling covariance matrix `V` (block jackknife) and the LD-score
#' regression intercepts `I` from munged summary statistics (see [munge()]) and LD scores.
#' The regressions run in Rust, in parallel over traits and pairs of traits; the numbers are
#' GenomicSEM's to rounding (1e-10 relative or better).
#'
#' As in GenomicSEM, a log file `<name>_ldsc.log` is written to the working directory, where
#' `<name>` is `ldsc.log` or, by default, the file names of `traits` (without folders) joined
#' by `_` (cut to 100 characters when long). Its lines are also printed to the console
#' (silence them with `options(genomicsemrs.verbose = FALSE)`). Heritabilities and genetic
#' covariances are reported there on the observed scale and, for traits with both
#' prevalences, on the liability scale.
#'
#' Rows of a trait file with a missing value in any column are dropped, as GenomicSEM does.
#' `NA` prevalences mark traits that are not converted to the liability scale.
#'
#' @section Differences from GenomicSEM:
#' * The log is printed when all regressions are done rather than line by line as they run.
#'   When `ldsc()` stops with an error, the log file holds that error instead of the lines
#'   GenomicSEM had written up to the failure.
#' * Bad arguments stop before any work with a classed error naming the argument (for
#'   example prevalences outside (0, 1), a `sample.prev` of the wrong length, `n.blocks`
#'   below 2); GenomicSEM failed later or returned `NaN`s. Missing LD-score files, a trait file
#'   without SNPs in common with the LD scores, and too few SNPs for the jackknife blocks
#'   are errors that name the file or trait (classes `genomicsemrs_error_ldsc_input` and
#'   `genomicsemrs_error_ldsc_data`).
#' * An `.l2.M_5_50` file that is empty, all zero or holds a negative or non-numeric count,
#'   and a trait file with an N that is zero, negative or infinite, are errors naming the
#'   file and line (GenomicSEM rescaled S silently or put `Inf` in it). S, V and I are
#'   checked before they are returned: a non-finite value (for example from a prevalence so
#'   extreme that the liability conversion overflows) is an error of class
#'   `genomicsemrs_error_result`, never a returned `Inf`.
#' * A single `NA` for `sample.prev` or `population.prev` applies to all traits
#'   (GenomicSEM accepted it too, silently, by indexing past its end); other lengths must
#'   match `traits`, as must the length of `trait.names` (GenomicSEM did not check it).
#' * `wld` may be omitted when `sep_weights = FALSE` (it is not read then, in either package).
#' * With `stand = TRUE` and a heritability that is not positive, GenomicSEM failed with
#'   "object 'V_Stand' not found" after writing its log; genomicsemrs also writes the log
#'   and then raises an error of class `genomicsemrs_error_ldsc_data` that says why.
#' * The extra argument `cores` sets the number of threads (see [genomicsemrs_sitrep()]);
#'   results do not depend on it.
#' * Everything else is reproduced, including the quirks: regressors of cross-trait cells
#'   weighted by the pair's weights, alignment of the two traits by A1 only, blocks
#'   contiguous in chromosome and position order, `n.blocks` replaced by
#'   `(k + 1)(k + 2)/2 + 1` for more than 18 traits, and `wld` read only with `sep_weights`.
#'
#' @param traits Paths of the munged summary-statistics files (`.sumstats.gz`, columns
#'   `SNP N Z A1`, as written by [munge()]).
#' @param sample.prev Proportion of cases in the sample, one per trait (`NA` for
#'   continuous traits or to stay on the observed scale).
#' @param population.prev Population prevalence, one per trait (`NA` as for `sample.prev`).
#' @param ld Folder of LD scores: `<chr>.l2.ldscore.gz` (columns `SNP CHR BP L2`) and
#'   `<chr>.l2.M_5_50` for every chromosome used.
#' @param wld Folder of weight LD scores (same layout), read only when `sep_weights = TRUE`;
#'   the last column of its `.l2.ldscore.gz` files is the weight.
#' @param trait.names Names of the traits: column names of `S` (default `V1`, `V2`, ...)
#'   and labels in the log.
#' @param sep_weights Use the weights in `wld` instead of the LD scores of `ld`.
#' @param chr Number of chromosomes (`1:chr` are read unless `select` says otherwise).
#' @param n.blocks Number of jackknife blocks.
#' @param ldsc.log Stem of the log file name.
#' @param stand Also return the standardized matrices `S_Stand` (genetic correlations) and
#'   `V_Stand`.
#' @param select `FALSE` (all chromosomes up to `chr`), `"ODD"`, `"EVEN"`, or the numbers of
#'   the chromosomes to use.
#' @param chisq.max SNPs with a chi-square above this are dropped; `NA` uses
#'   `max(0.001 * max(N), 80)` per trait.
#' @param cores Threads to use (default: the setting described in [genomicsemrs_sitrep()]).
#' @return A list, as GenomicSEM returns it: `V` (`k(k+1)/2` square, sampling covariance of
#'   the lower triangle of `S` taken column by column), `S` (`k x k`, column names only),
#'   `I` (`k x k` intercepts), `N` (`1 x k(k+1)/2` mean sample sizes per cell), `m` (number
#'   of SNPs behind the LD scores), and with `stand = TRUE` also `V_Stand` and `S_Stand`.
#' @export
#' @examples
#' old <- setwd(tempdir())
#' munge(genomicsemrs_example(paste0("gwas/T", 3:5, "_gwas.txt.gz")),
#'       hm3 = genomicsemrs_example("w_hm3.snplist"), trait.names = c("T3", "T4", "T5"))
#' covstruc <- ldsc(traits = c("T3.sumstats.gz", "T4.sumstats.gz", "T5.sumstats.gz"),
#'                  sample.prev = c(NA, NA, NA), population.prev = c(NA, NA, NA),
#'                  ld = genomicsemrs_example("eur_ld_chr"),
#'                  wld = genomicsemrs_example("eur_ld_chr"),
#'                  trait.names = c("T3", "T4", "T5"), stand = TRUE)
#' round(covstruc$S, 3)
#' round(covstruc$S_Stand, 3)
#' setwd(old)
ldsc <- function(traits, sample.prev, population.prev, ld, wld, trait.names = NULL,
                 sep_weights = FALSE, chr = 22, n.blocks = 200, ldsc.log = NULL, stand = FALSE,
                 select = FALSE, chisq.max = NA, cores = NULL) {
  call <- sys.call()
  if (!is.character(traits) || !length(traits)) {
    gsem_abort("`traits` must be the paths of one or more munged `.sumstats.gz` files.", call = call)
  }
  k <- length(traits)
  check_files_exist(traits, "traits", call = call)
  if (missing(sample.prev) || missing(population.prev)) {
    gsem_abort(paste0("`sample.prev` and `population.prev` are required: one value per trait ",
                      "(NA for continuous traits)."), call = call)
  }
  sample.prev <- check_prevalence(sample.prev, "sample.prev", k, call)
  population.prev <- check_prevalence(population.prev, "population.prev", k, call)
  check_string(ld, "ld", call = call)
  check_flag(sep_weights, "sep_weights", call = call)
  if (missing(wld)) {
    if (sep_weights) gsem_abort("`wld` is required with `sep_weights = TRUE`.", call = call)
    wld <- ld
  }
  check_string(wld, "wld", call = call)
  check_same_length(trait.names, "trait.names", k, "traits", call = call)
  check_strings(trait.names, "trait.names", len = k, unique = TRUE, allow_null = TRUE, call = call)
  check_number(chr, "chr", lower = 1, whole = TRUE, call = call)
  check_number(n.blocks, "n.blocks", lower = 2, whole = TRUE, call = call)
  check_string(ldsc.log, "ldsc.log", allow_null = TRUE, call = call)
  check_flag(stand, "stand", call = call)
  select_kind <- chromosome_selection(select, call)
  select_list <- if (select_kind == "list") as.double(select) else double()
  if (length(chisq.max) != 1L ||
      (!is.na(chisq.max) && (!is.numeric(chisq.max) || chisq.max <= 0))) {
    gsem_abort("`chisq.max` must be NA or a single positive number.", call = call)
  }
  chisq_max <- if (is.na(chisq.max)) double() else as.double(chisq.max)  # empty: per-trait default
  threads <- resolve_cores(cores, call = call)

  begin <- Sys.time()
  log <- log_open(paste0(ldsc_log_stem(traits, ldsc.log), "_ldsc.log"))
  on.exit(log_close(log), add = TRUE)
  result <- tryCatch(
    rs_value(rs_ldsc(
      path.expand(traits), traits, as.double(sample.prev), as.double(population.prev),
      path.expand(ld), path.expand(wld), as.character(trait.names %||% character()), sep_weights,
      as.double(chr), as.double(n.blocks), select_kind, select_list, chisq_max, stand,
      paste0(begin), threads
    ), call = call),
    genomicsemrs_error = function(e) {
      log_write(log, "ldsc stopped: ", conditionMessage(e), print = FALSE)
      stop(e)
    }
  )
  log_replay(log, result$log, call)
  ldsc_warnings(result, trait.names, call)
  end <- Sys.time()
  total <- difftime(time1 = end, time2 = begin, units = "sec")
  mins <- floor(floor(total) / 60)
  log_write(log, "     ", print = FALSE)
  log_write(log, "LDSC finished running at ", end)
  log_write(log, "Running LDSC for all files took ", mins, " minutes and ",
            floor(total - mins * 60), " seconds")
  log_write(log, "     ", print = FALSE)
  if (stand && is.null(result$S_Stand)) {
    gsem_abort(paste0("`stand = TRUE` needs positive heritabilities, but some are not; the ",
                      "standardized matrices are undefined. See the log, or use `stand = FALSE`."),
               class = "ldsc_data", call = call)
  }
  out <- ldsc_shape(result, trait.names, stand)
  for (part in c("S", "V", "I")) {
    check_finite_result(out[[part]], paste0("The ", part, " matrix of ldsc()"), paste0(
      "Extreme prevalences (`sample.prev`, `population.prev`) overflow the liability ",
      "conversion, and sample sizes or LD scores that are not positive make the regression ",
      "undefined; check them and the log."), call = call)
  }
  out
}

# The list GenomicSEM returns, with its dimensions and names.
ldsc_shape <- function(result, trait.names, stand) {
  k <- as.integer(result$k)
  kst <- (k * (k + 1L)) %/% 2L
  names_s <- list(NULL, if (is.null(trait.names)) paste0("V", seq_len(k)) else trait.names)
  out <- list(
    V = matrix(result$V, kst, kst),
    S = matrix(result$S, k, k, dimnames = names_s),
    I = matrix(result$I, k, k),
    N = matrix(result$N, 1L, kst),
    m = result$m
  )
  if (stand) {
    out$V_Stand <- matrix(result$V_Stand, kst, kst)
    out$S_Stand <- matrix(result$S_Stand, k, k, dimnames = names_s)
  }
  out
}

# GenomicSEM's warnings, in its order.
ldsc_warnings <- function(result, trait.names, call) {
  raise <- function(kind) {
    for (msg in result$warning_messages[result$warning_kinds == kind]) {
      gsem_warn(msg, class = paste0("ldsc_", kind), call = call)
    }
  }
  raise("many_blocks")
  if (!is.null(trait.names) && any(grepl("[-+*/^]", trait.names))) {
    gsem_warn(paste0("Your trait names specified include mathematical arguments (e.g., +, -, *, /) ",
                     "that will be misread by lavaan. Please rename the traits using the ",
                     "trait.names argument."), class = "ldsc_trait_names", call = call)
  }
  raise("single_trait")
  raise("negative_h2")
}

# The log name GenomicSEM uses: the file names without folders joined by "_", cut to 100
# characters when the string's object size exceeds 200 bytes (quirk L8).
ldsc_log_stem <- function(traits, ldsc.log) {
  if (!is.null(ldsc.log)) return(ldsc.log)
  stem <- paste(gsub(".*/", "", traits), collapse = "_")
  if (utils::object.size(stem) > 200) stem <- substr(stem, 1, 100)
  stem
}

check_prevalence <- function(x, arg, k, call) {
  if (!(is.numeric(x) && !is.factor(x) || is.logical(x) && all(is.na(x))) || !length(x)) {
    gsem_abort(paste0("`", arg, "` must be numbers or NA, one per trait."), call = call)
  }
  if (length(x) == 1L && is.na(x)) x <- rep(NA_real_, k)
  check_same_length(x, arg, k, "traits", call = call)
  bad <- !is.na(x) & (x <= 0 | x >= 1)
  if (any(bad)) {
    gsem_abort(paste0("`", arg, "` must lie strictly between 0 and 1 (NA for continuous traits); ",
                      "trait ", which(bad)[1], " has ", x[bad][1], "."), call = call)
  }
  as.double(x)
}


chromosome_selection <- function(select, call) {
  if (isFALSE(select)) return("all")
  if (identical(select, "ODD")) return("odd")
  if (identical(select, "EVEN")) return("even")
  if (is.numeric(select) && length(select) && !anyNA(select) && all(select >= 1) &&
      all(select == round(select))) {
    return("list")
  }
  gsem_abort(paste0("`select` must be one of the following values: FALSE, 'ODD', 'EVEN', or a ",
                    "numeric vector of chromosome numbers."), call = call)
}
