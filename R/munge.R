#' Prepare GWAS summary statistics for LD score regression
#'
#' Drop-in replacement for GenomicSEM's `munge()`: reads raw GWAS summary statistics, keeps
#' the SNPs of the HapMap3 list, aligns alleles to it, computes Z from P and the sign of the
#' effect, applies INFO and MAF filters and writes one `<trait>.sumstats.gz` file per trait
#' (tab-separated `SNP N Z A1 A2`) to the working directory, with a log file.
#'
#' Column names are recognised as GenomicSEM recognises them (case-insensitive synonyms such
#' as `rsid`, `MarkerName`, `effect_allele`, `OR`, `BETA`, `PVAL`, `NEFF`; see the log for how
#' each column was interpreted); `column.names` overrides that. An effect whose median rounds
#' to 1 is taken to be an odds ratio and log-transformed.
#'
#' @section Differences from GenomicSEM:
#' * P values too small for a double (for example `1e-400`, which R reads as 0 and GenomicSEM
#'   turns into an infinite Z) keep their size: Z is computed from log P, exactly.
#' * Z is computed as the normal quantile of P/2 instead of `sqrt(qchisq(P, 1, lower = FALSE))`;
#'   the two agree to 5e-11 relative.
#' * A value that is not a number (for example `abc` in the P column) is treated as missing
#'   and counted in a warning; GenomicSEM read such a column as text and failed later.
#' * `trait.names = NULL` names the outputs after the input files (GenomicSEM wrote every
#'   trait to `.sumstats.gz`).
#' * A missing required column (P, A1, A2, effect) is an error naming the file and its
#'   columns; GenomicSEM failed later with an unrelated message.
#' * Files are processed in parallel whenever more than one thread is available (see `cores`);
#'   `parallel` only decides whether each file gets its own log file, as in GenomicSEM.
#' * A file without a sample-size column and without `N` is an error (GenomicSEM wrote
#'   `N = NA` for every SNP, which ldsc() cannot use). Rows whose N is missing, zero, negative
#'   or infinite are removed, counted in a warning and in the log (GenomicSEM wrote them).
#' * Rows with a P value of exactly 0 are removed with a warning: their Z would be infinite
#'   (GenomicSEM wrote `Z = Inf`). P values given with their exponent (`1e-400`) are kept.
#' * When the filters or the allele matching leave no SNP, munge() stops with an error and
#'   writes no output (GenomicSEM wrote an empty `.sumstats.gz`). Repeated `trait.names`
#'   (which would overwrite each other's output) are an error.
#' * `overwrite = FALSE` also protects the log files.
#' * Files compressed with bzip2, xz or zstd, zip archives and UTF-16 text are recognised and
#'   named in the error; a UTF-8 byte-order mark is skipped; a line that is not UTF-8
#'   (Latin-1) is an error naming the line.
#' * Everything else, including the quirks (rows with a missing INFO value written as `NA`
#'   lines when there is no MAF column, every duplicated SNP row kept, REF/ALT read as A1/A2),
#'   is reproduced.
#'
#' @param files Paths of the raw summary statistics files (plain or gzip; tab-, comma- or
#'   white-space-separated).
#' @param hm3 Path of the SNP list (`SNP A1 A2`), usually `w_hm3.snplist`.
#' @param trait.names Names of the traits, used for the output file names.
#' @param N Sample sizes, one per file (`NA` uses the file's N column). For binary traits
#'   give the sum of effective sample sizes.
#' @param info.filter Minimum INFO score.
#' @param maf.filter Minimum minor allele frequency.
#' @param log.name Stem of the log file name (default: the trait names joined by `_`).
#' @param column.names Named list mapping `SNP`, `A1`, `A2`, `effect`, `INFO`, `P`, `N`, `MAF`
#'   or `Z` to the name of a column in the files.
#' @param parallel Write one log file per input file, as GenomicSEM's parallel mode does.
#'   Files are read in parallel either way.
#' @param cores Threads to use, at most one per file (default: the setting described in
#'   [genomicsemrs_sitrep()]).
#' @param overwrite Overwrite existing output files.
#' @return `NULL`, invisibly. The results are the files written.
#' @export
#' @examples
#' old <- setwd(tempdir())
#' munge(genomicsemrs_example(c("gwas/T1_gwas.txt.gz", "gwas/T3_gwas.txt.gz")),
#'       hm3 = genomicsemrs_example("w_hm3.snplist"), trait.names = c("T1", "T3"))
#' head(read.delim("T1.sumstats.gz"))
#' setwd(old)
munge <- function(files, hm3, trait.names = NULL, N = NULL, info.filter = .9, maf.filter = 0.01,
                  log.name = NULL, column.names = list(), parallel = FALSE, cores = NULL,
                  overwrite = TRUE) {
  call <- sys.call()
  files <- flatten_files(files)
  if (is.null(N)) N <- rep(NA_real_, length(files))
  check_files_exist(files, "files", call = call)
  check_string(hm3, "hm3", call = call)
  check_files_exist(hm3, "hm3", call = call)
  check_same_length(trait.names, "trait.names", length(files), "files", call = call)
  check_strings(trait.names, "trait.names", len = length(files), unique = TRUE, allow_null = TRUE,
                call = call)
  check_same_length(N, "N", length(files), "files", call = call)
  check_number(N, "N", len = length(files), above = 0, allow_na = TRUE,
               hint = "Give a positive sample size per file, or NA to use the file's N column.", call = call)
  check_number(info.filter, "info.filter", 0, 1, call = call)
  check_number(maf.filter, "maf.filter", 0, 0.5, call = call)
  check_column_names(column.names, call)
  check_flag(parallel, "parallel", call = call)
  check_flag(overwrite, "overwrite", call = call)
  if (!is.null(log.name)) check_string(log.name, "log.name", call = call)
  traits <- output_trait_names(trait.names, files)
  check_strings(traits, "trait.names (or the file names)", unique = TRUE, call = call)
  outputs <- paste0(traits, ".sumstats.gz")
  log_path <- paste0(log_stem(trait.names, log.name), "_munge.log")
  check_writable_file(log_path, "log.name", call = call)
  written <- c(outputs, log_path, if (parallel) paste0(traits, "_munge.log"))
  if (!overwrite && any(file.exists(written))) {
    gsem_abort(paste0("Output file(s) ", paste(written[file.exists(written)], collapse = ", "),
                      " exist and `overwrite = FALSE`."), class = "io", call = call)
  }
  # NA (no `cores`, no option) lets the Rust side apply GENOMICSEMRS_NUM_THREADS or use all
  # cores; it also caps the threads at the number of files.
  threads <- resolve_cores(cores, call = call)

  log <- log_open(log_path)
  on.exit(log_close(log), add = TRUE)
  begin <- Sys.time()
  log_write(log, "The munging of ", length(trait.names), " summary statistics started at ", begin)
  if (overwrite && any(file.exists(sub("\\.gz$", "", outputs)))) {
    log_write(log, "File(s) ", paste0(sub("\\.gz$", "", outputs)[file.exists(sub("\\.gz$", "", outputs))],
                                      collapse = ", "), " already exist and will be overwritten")
  }
  log_write(log, "Reading in reference file")
  log_write(log, "Reading summary statistics for ", paste(files, collapse = " "),
            ". Please note that this step usually takes a few minutes due to the size of summary statistic files.")
  column_names <- vapply(column.names, as.character, "")
  reports <- rs_value(rs_munge_files(
    normalizePath(files), files, file.path(getwd(), outputs), normalizePath(hm3), hm3,
    as.double(N), as.double(info.filter), as.double(maf.filter),
    names(column_names) %||% character(), unname(column_names), threads
  ), call = call)
  log_write(log, "All files loaded into R!")
  replay_file_reports(
    reports, log, if (parallel) paste0(traits, "_munge.log"), files, call,
    after = function(i, report, file_log) {
      if (report$repeated_snps > 0) {
        gsem_warn(paste0(report$repeated_snps, " SNP id(s) appear more than once in ", outputs[i],
                         " because '", files[i], "' repeats them; they are kept, as GenomicSEM ",
                         "keeps them (remove duplicates from the input to avoid this)."),
                  class = "duplicates", call = call)
      }
      log_write(file_log, "I am done munging file: ", files[i])
      log_write(file_log, "The file is saved as ", outputs[i], " in the current working directory.")
    }
  )
  end <- Sys.time()
  log_write(log, "     ")
  log_write(log, "Munging was completed at ", end)
  log_write(log, "The munging of all files took ", log_duration(begin, end))
  log_write(log, "Please check the .log file(s) to ensure that all columns were interpreted correctly and no warnings were issued for any of the summary statistics files")
  invisible(NULL)
}


# `column.names`: a named list (or vector) of single column names, keyed by the fields munge
# recognises.
check_column_names <- function(column.names, call) {
  keys <- c("SNP", "A1", "A2", "effect", "INFO", "P", "N", "MAF", "Z")
  if (!length(column.names)) return(invisible())
  if (!is.list(column.names) && !is.character(column.names) || is.null(names(column.names)) ||
      !all(names(column.names) %in% keys)) {
    gsem_abort(paste0("`column.names` must be a named list whose names are among ",
                      paste(keys, collapse = ", "), ", not ", describe_value(column.names), "."),
               call = call)
  }
  for (key in names(column.names)) {
    check_string(column.names[[key]], paste0("column.names$", key), call = call)
  }
  invisible()
}
