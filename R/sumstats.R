#' Prepare GWAS summary statistics for the multivariate GWAS functions
#'
#' Drop-in replacement for GenomicSEM's `sumstats()`: aligns each trait's effects to the
#' reference panel, converts them to standardised betas and standard errors (on the
#' liability scale for binary traits), and joins the traits into one table in reference
#' order, the `SNPs` input of `userGWAS()` and `commonfactorGWAS()`. A log file
#' `<traits>_sumstats.log` is written to the working directory.
#'
#' Per trait, the transformation is chosen as in GenomicSEM: `OLS = TRUE` for continuous
#' traits (betas standardised from Z, N and the SNP variance), `linprob = TRUE` for binary
#' traits analysed with a linear probability model, `se.logit = TRUE` when the SE is on the
#' logistic scale, and otherwise the SE is taken to be that of the odds ratio. An effect whose
#' median rounds to 1 is taken to be an odds ratio and log-transformed first. The SNP
#' variance uses the file's MAF when it has one, else the reference MAF.
#'
#' @section Differences from GenomicSEM:
#' * P values below 1e-307 (including those below the double range, which R reads as 0) give
#'   exact Z values from log P; GenomicSEM used the approximation `sqrt(-2 log P)` (through the
#'   Rmpfr package, which it did not declare).
#' * Z is computed as the normal quantile of P/2, not `sqrt(qchisq(P, 1, lower = FALSE))`,
#'   whose inaccuracy near P = 1e-14 reaches 4e-10 relative.
#' * `betas`: an element counts as "already standardised" when it is a character value other
#'   than `"FALSE"`; GenomicSEM treated every element of any character vector as given.
#' * Values that are not numbers are treated as missing with a warning; a missing required
#'   column is an error naming the file and its columns.
#' * Files are processed in parallel whenever more than one thread is available; `parallel`
#'   only decides whether each file gets its own log file, as in GenomicSEM.
#' * `OLS = TRUE` (unless `betas` says the betas are standardised) and `linprob = TRUE` need a
#'   sample size: without an N column and without `N` this is an error (GenomicSEM only
#'   logged it and returned unscaled betas and SEs, several times too large). Rows whose N is
#'   missing, zero, negative or infinite are removed with a warning giving their count
#'   (GenomicSEM returned infinite or zero betas and SEs for them). `N` must be positive.
#' * A trait, or the merged table, left without SNPs is an error, not an empty result.
#'
#' @inheritParams munge
#' @param ref Path of the reference panel (`SNP CHR BP MAF A1 A2`), usually
#'   `reference.1000G.maf.0.005.txt`.
#' @param se.logit Logical per trait: the SE is on the logistic scale.
#' @param OLS Logical per trait: continuous trait (default all `FALSE`).
#' @param linprob Logical per trait: binary trait from a linear probability model.
#' @param N Sample sizes per trait (`NA` uses the file's N column); for `linprob` traits the
#'   sum of effective sample sizes.
#' @param betas Per trait, a character value for OLS traits whose betas are already
#'   standardised.
#' @param info.filter Minimum INFO score.
#' @param maf.filter Minimum MAF applied to the reference panel.
#' @param keep.indel Keep variants whose alleles are not single bases.
#' @param ambig Remove strand-ambiguous (A/T, C/G) SNPs.
#' @param direct.filter Remove SNPs missing in half or more of the cohorts according to a
#'   DIRECTION column.
#' @return A data frame: the reference columns (`SNP CHR BP MAF A1 A2`), then `beta.<trait>`
#'   and `se.<trait>` for each trait (`beta.1`, `se.1`, ... without `trait.names`).
#' @export
#' @examples
#' old <- setwd(tempdir())
#' snps <- sumstats(genomicsemrs_example(c("gwas/T1_gwas.txt.gz", "gwas/T4_gwas.txt.gz")),
#'                  ref = genomicsemrs_example("reference.1000G.maf.0.005.txt.gz"),
#'                  trait.names = c("T1", "T4"), se.logit = c(TRUE, FALSE),
#'                  OLS = c(FALSE, TRUE))
#' head(snps)
#' setwd(old)
sumstats <- function(files, ref, trait.names = NULL, se.logit, OLS = NULL, linprob = NULL,
                     N = NULL, betas = NULL, info.filter = .6, maf.filter = 0.01,
                     keep.indel = FALSE, parallel = FALSE, cores = NULL, ambig = FALSE,
                     direct.filter = FALSE) {
  call <- sys.call()
  files <- flatten_files(files)
  k <- length(files)
  if (missing(se.logit)) {
    gsem_abort("`se.logit` is required: TRUE per trait whose SE is on the logistic scale.", call = call)
  }
  if (is.null(N)) N <- rep(NA_real_, k)
  if (is.null(OLS)) OLS <- rep(FALSE, k)
  if (is.null(linprob)) linprob <- rep(FALSE, k)
  if (is.null(betas)) betas <- rep(FALSE, k)
  if (!is.atomic(betas) || !(is.logical(betas) || is.character(betas))) {
    argument_error("betas", "NULL, or one TRUE/FALSE or text value per file", betas, call = call)
  }
  check_files_exist(files, "files", call = call)
  check_string(ref, "ref", call = call)
  check_files_exist(ref, "ref", call = call)
  for (arg in c("trait.names", "se.logit", "OLS", "linprob", "N", "betas")) {
    check_same_length(get(arg), arg, k, "files", call = call)
  }
  check_strings(trait.names, "trait.names", len = k, unique = TRUE, allow_null = TRUE, call = call)
  for (arg in c("se.logit", "OLS", "linprob")) check_flags(get(arg), arg, k, call = call)
  check_number(info.filter, "info.filter", 0, 1, call = call)
  check_number(maf.filter, "maf.filter", 0, 0.5, call = call)
  check_number(N, "N", len = length(files), above = 0, allow_na = TRUE,
               hint = "Give a positive sample size per file, or NA to use the file's N column.", call = call)
  for (arg in c("keep.indel", "parallel", "ambig", "direct.filter")) check_flag(get(arg), arg, call = call)
  betas_given <- is.character(betas) & !is.na(betas) & betas != "FALSE"
  suffix <- if (is.null(trait.names)) seq_len(k) else trait.names
  # NA (no `cores`, no option) lets the Rust side apply GENOMICSEMRS_NUM_THREADS or use all
  # cores; it also caps the threads at the number of files.
  threads <- resolve_cores(cores, call = call)

  stem <- gsub("/", "", paste(trait.names, collapse = "_"), fixed = TRUE)
  if (utils::object.size(stem) > 200) stem <- substr(stem, 1, 100)
  log <- log_open(paste0(stem, "_sumstats.log"))
  on.exit(log_close(log), add = TRUE)
  begin <- Sys.time()
  log_write(log, "The preparation of ", length(trait.names), " summary statistics for use in Genomic SEM began at: ", begin)
  log_write(log, "Please note that the files should be in the same order that they were listed for the ldsc function")
  log_write(log, "Reading in reference file")
  log_write(log, "Applying MAF filer of ", maf.filter, " to the reference file.")
  if (ambig) log_write(log, "Removing strand ambiguous SNPs.")
  result <- rs_value(rs_sumstats_files(
    normalizePath(files), files, as.character(suffix), normalizePath(ref), ref, as.double(N),
    as.logical(se.logit), as.logical(OLS), as.logical(linprob), betas_given,
    as.double(info.filter), as.double(maf.filter), keep.indel, ambig, direct.filter, threads
  ), call = call)
  log_write(log, "All files loaded into R!")
  replay_file_reports(result$reports, log, if (parallel) paste0(suffix, "_sumstats.log"), files, call)
  out <- as.data.frame(result$columns, col.names = result$header, stringsAsFactors = FALSE,
                       check.names = FALSE)
  for (i in seq_len(k)) {
    out[[paste0("beta.", suffix[i])]] <- result$beta[[i]]
    out[[paste0("se.", suffix[i])]] <- result$se[[i]]
  }
  if (!nrow(out)) {
    gsem_abort(paste0("No SNP is left after merging the files with the reference and with each ",
                      "other (listwise deletion); check that they share SNP ids and see the log."),
               class = "no_rows", call = call)
  }
  end <- Sys.time()
  log_write(log, "     ", print = FALSE)
  log_write(log, "After merging across all summary statistics using listwise deletion, performing QC, and merging with the reference file, there are ",
            nrow(out), " SNPs left in the final multivariate summary statistics file")
  log_write(log, "Sumstats finished running at ", end)
  log_write(log, "Running sumstats for all files took ", log_duration(begin, end))
  log_write(log, "Please check the log file ", paste0(stem, "_sumstats.log"),
            " to ensure that all columns were interpreted correctly and no warnings were issued for any of the summary statistics files.")
  out
}
