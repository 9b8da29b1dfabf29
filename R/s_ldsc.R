#' Stratified LD-score regression for Stratified Genomic SEM
#'
#' Drop-in replacement for GenomicSEM's `s_ldsc()`: partitions the genetic covariance matrix
#' of the traits over the annotations of a baseline model (and any extra annotation sets),
#' with block-jackknife sampling covariances per annotation. Its output feeds [enrich()].
#' Reading, merging and the regressions run in Rust, in parallel over traits and cells.
#'
#' Files are found from path prefixes as GenomicSEM does: `ld` prefixes match
#' `<prefix>*l2.ldscore*`, `<prefix>*M_5_50` and `<prefix>*annot.gz`; `wld` matches
#' `<wld>*l2.ldscore*` and `frq` matches `<frq>*.frq`. Annotation files may be thick (with
#' `CHR BP SNP CM` columns) or thin (annotation columns only, one row per SNP of the
#' chromosome's LD-score file); gzip files with several members are read whole. A log file
#' `<name>_Partitioned.log` is written to the working directory, its lines also printed
#' (silence them with `options(genomicsemrs.verbose = FALSE)`).
#'
#' @section Differences from GenomicSEM:
#' * Per-chromosome files are paired by the chromosome in their names, not by their position
#'   in a text sort; a chromosome missing from one file set is an error naming the prefix
#'   and chromosome (class `genomicsemrs_error_sldsc_input`), as are annotation columns that
#'   differ between chromosomes, annotation, M_5_50 and LD-score files that disagree on the
#'   number of annotations, and thin annotation files whose rows do not match their
#'   LD-score file.
#' * Whether an annotation is continuous is decided over all chromosomes (GenomicSEM looked
#'   at chromosome 1 for `exclude_cont` and at the last file in text order, chromosome 9, for
#'   `Select`). The results are the same whenever an annotation's type does not change
#'   between chromosomes.
#' * `exclude_cont = TRUE` with no continuous annotation works (GenomicSEM failed with
#'   "invalid 'nrow' value").
#' * A single annotation, or no `base` annotation (LD-score column `baseL2`), stops with a
#'   classed error (`genomicsemrs_error_sldsc_annotation`) that says what is needed;
#'   GenomicSEM stopped with an empty message or an obscure subscript error.
#' * The log file is complete and closed (GenomicSEM never closed it, so it could end
#'   truncated and R later warned about an unused connection). On an error the log holds the
#'   error message. Lines are written once all regressions are done.
#' * Kept as in GenomicSEM: list names are the L2 column names (`baseL2`, ...); an extra
#'   `ld` prefix with a single annotation column is named by the prefix string itself (so
#'   names depend on the path given); `Select` flags as non-binary (2) the continuous
#'   annotations and those whose name contains "flanking"; the regression weights use the
#'   sum of all annotation LD scores; `Prop` may be negative for continuous annotations;
#'   more than 18 traits replace `n.blocks` by `(k + 1)(k + 2)/2 + 1`.
#' * The extra argument `cores` sets the number of threads; results do not depend on it.
#'
#' @param traits Paths of munged summary-statistics files (see [munge()]).
#' @param sample.prev,population.prev Sample and population prevalences, one per trait (`NA`
#'   for continuous traits); `NULL` (the default) for none.
#' @param ld Path prefixes of the annotation LD scores; the one ending in `baseline` (or the
#'   first) must contain the `base` annotation.
#' @param wld Path prefix of the weight LD scores.
#' @param frq Path prefix of the plink `.frq` files (SNPs with 0.05 < MAF < 0.95 count).
#' @param trait.names Column names of the `S` matrices (default `V1`, `V2`, ...).
#' @param n.blocks Number of jackknife blocks.
#' @param ldsc.log Stem of the log file name (default: the trait file names joined by `_`).
#' @param exclude_cont Drop continuous annotations.
#' @param cores Threads to use (default: see [genomicsemrs_sitrep()]).
#' @return A list as GenomicSEM returns it: `S`, `V`, `S_Tau`, `V_Tau` (lists with one matrix
#'   per annotation, named by its L2 column), `I` (intercepts), `N` (`1 x k(k+1)/2`), `m`
#'   (M_5_50 per annotation, a one-column matrix), `Prop` (a data frame: `m` relative to the
#'   base annotation) and `Select` (a data frame: annotation names after the base, `V2` 1 for
#'   binary non-flanking annotations and 2 otherwise).
#' @export
#' @examples
#' old <- setwd(tempdir())
#' d <- genomicsemrs_example("stratified")
#' s_covstruc <- s_ldsc(traits = file.path(d, paste0("T", 1:3, ".sumstats.gz")),
#'                      ld = file.path(d, "baseline."), wld = file.path(d, "weights."),
#'                      frq = file.path(d, "1000G.EUR.QC."), trait.names = c("T1", "T2", "T3"),
#'                      n.blocks = 20)
#' names(s_covstruc$S)
#' s_covstruc$Prop
#' setwd(old)
s_ldsc <- function(traits, sample.prev = NULL, population.prev = NULL, ld, wld, frq,
                   trait.names = NULL, n.blocks = 200, ldsc.log = NULL, exclude_cont = TRUE,
                   cores = NULL) {
  call <- sys.call()
  check_files_exist(traits, "traits", call = call)
  k <- length(traits)
  sample.prev <- sldsc_prevalence(sample.prev, "sample.prev", k, call)
  population.prev <- sldsc_prevalence(population.prev, "population.prev", k, call)
  check_strings(ld, "ld", call = call)
  check_string(wld, "wld", call = call)
  check_string(frq, "frq", call = call)
  check_strings(trait.names, "trait.names", len = k, allow_null = TRUE, call = call)
  check_number(n.blocks, "n.blocks", lower = 2, whole = TRUE, call = call)
  check_string(ldsc.log, "ldsc.log", allow_null = TRUE, call = call)
  check_flag(exclude_cont, "exclude_cont", call = call)
  threads <- resolve_cores(cores, call = call)

  log_file <- paste0(sldsc_log_stem(traits, ldsc.log), "_Partitioned.log")
  check_writable_file(log_file, "ldsc.log", call = call)
  begin <- Sys.time()
  log <- log_open(log_file)
  on.exit(log_close(log), add = TRUE)
  sldsc_log_header(log, begin, k, n.blocks, trait.names, ld)
  result <- tryCatch(
    rs_value(rs_s_ldsc(path.expand(traits), as.double(sample.prev), as.double(population.prev),
                       path.expand(ld), path.expand(wld), path.expand(frq), as.double(n.blocks),
                       exclude_cont, threads), call = call),
    genomicsemrs_error = function(e) {
      log_write(log, "ERROR: ", conditionMessage(e))
      stop(e)
    }
  )
  sldsc_log_body(log, result, traits, wld, sample.prev, population.prev)
  end <- Sys.time()
  log_write(log, paste("Analysis ended at", end))
  log_write(log, "Analysis took ", log_duration(begin, end))
  if (k > 18 && result$n_blocks > 1000) {
    gsem_warn(paste0("The number of blocks needed to estimate V is > 1000, which may result in ",
                     "sampling dependencies across the blocks used to estimate standard errors ",
                     "and can bias results."), class = "sldsc_blocks", call = call)
  }
  sldsc_shape(result, trait.names)
}

# The list GenomicSEM returns.
sldsc_shape <- function(result, trait.names) {
  k <- as.integer(result$k)
  kst <- (k * (k + 1L)) %/% 2L
  names_s <- list(NULL, trait.names %||% paste0("V", seq_len(k)))
  l2 <- result$l2_names
  square <- function(v, n, dn = NULL) matrix(v, n, n, dimnames = dn)
  named <- function(x) stats::setNames(x, l2)
  m <- matrix(result$m, ncol = 1L, dimnames = list(l2, NULL))
  annot <- result$annot_names[-1L]
  binary <- result$binary[-1L]
  list(
    S = named(lapply(result$S, square, k, names_s)),
    V = named(lapply(result$V, square, kst)),
    S_Tau = named(lapply(result$S_Tau, square, k, names_s)),
    V_Tau = named(lapply(result$V_Tau, square, kst)),
    I = matrix(result$I, k, k),
    N = matrix(result$N, 1L, kst),
    m = m,
    Prop = data.frame(Prop = m[, 1] / m[1, 1], row.names = l2),
    Select = data.frame(V1 = annot, V2 = ifelse(binary & !grepl("flanking", annot), 1, 2))
  )
}

sldsc_prevalence <- function(x, arg, k, call) {
  if (is.null(x)) return(rep(NA_real_, k))
  if (length(x) == 1L && is.na(x)) x <- rep(NA_real_, k)
  check_number(x, arg, len = k, allow_na = TRUE, above = 0, below = 1, call = call)
  as.double(x)
}

# GenomicSEM's stem: trait file names without folders joined by "_", cut to 80 characters
# when the string's object size exceeds 200 bytes.
sldsc_log_stem <- function(traits, ldsc.log) {
  if (!is.null(ldsc.log)) return(ldsc.log)
  stem <- paste(gsub(".*/", "", traits), collapse = "_")
  if (utils::object.size(stem) > 200) stem <- substr(stem, 1, 80)
  stem
}
