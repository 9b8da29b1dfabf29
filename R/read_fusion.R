#' Read FUSION TWAS results for the GWAS functions
#'
#' Drop-in replacement for GenomicSEM's `read_fusion()`: turns the `.dat` output of FUSION's
#' `FUSION.assoc_test.R` (one file per trait, in the order of the traits in [ldsc()]) into
#' gene-level effects and standard errors that [userGWAS()] and [commonfactorGWAS()] analyse
#' with `TWAS = TRUE`. The files are read in Rust.
#'
#' For each gene and trait, with Z the `TWAS.Z` column (or, with `perm = TRUE`, the Z backed
#' out of the permutation p value `PERM.PV`, whose values 1 and 0 are first replaced by
#' (PERM.N - 1) / PERM.N and 1 / PERM.N):
#' * continuous trait: effect = Z / sqrt(N HSQ), SE = |effect / Z|;
#' * binary trait: effect = Z / sqrt(N / 4 HSQ) and SE = 1 / sqrt(N / 4 HSQ) (with `perm`,
#'   |effect / Z|), both divided by sqrt(effect^2 HSQ + pi^2 / 3).
#'
#' The panel is the last two components of the weight file path (`FILE`), so the same gene and
#' panel match across files whatever the folder the weights were in. Rows with a missing value
#' in any column are dropped (`na.omit()`), the files are joined on `Gene` and `Panel` (genes
#' missing from any file are dropped) and duplicated rows are removed.
#'
#' @param files Paths of the FUSION `.dat` files (tab or white-space separated, with a header
#'   holding `FILE`, `ID`, `HSQ` and `TWAS.Z`; `PERM.PV` and `PERM.N` when `perm = TRUE`).
#'   Missing values may be written `NA`, `.` or left empty.
#' @param trait.names Names of the traits, used in the `beta.` and `se.` columns (default
#'   `1, 2, ...`).
#' @param binary One `TRUE`/`FALSE` per file: is the trait binary? `NULL` treats every trait as
#'   binary, as GenomicSEM does.
#' @param N Sample size of each trait's GWAS (for binary traits the total of cases and
#'   controls; GenomicSEM's tutorials use the effective sample size).
#' @param perm Use the permutation p values (`PERM.PV`, `PERM.N`) instead of `TWAS.Z`.
#' @return A data frame. With one file the columns are `HSQ, Panel, Gene, beta.<trait>,
#'   se.<trait>`; with several, `Gene, Panel, HSQ`, then `beta.<trait>, se.<trait>` per file,
#'   sorted by Gene and Panel. `HSQ` is that of the first file. Like GenomicSEM's, the result
#'   keeps the `na.action` attribute of the last `na.omit()` and the row names of the rows
#'   kept.
#'
#' @section Differences from GenomicSEM:
#' * Bad input is an error before anything is read: files that do not exist, a `binary`, `N`
#'   or `trait.names` whose length differs from `files`, a missing `N` (GenomicSEM fails later
#'   with an unrelated message), FUSION files without the needed columns (class
#'   `genomicsemrs_error_missing_column`) or with text in a numeric column.
#' * GenomicSEM prints three notes with `print()`; only the one about `binary = NULL` is kept,
#'   as a message.
#' * Everything else is reproduced, including the quirks: `HSQ` comes from the first file
#'   only, one file gives the column order `HSQ, Panel, Gene`, and `binary = NULL` means
#'   binary.
#'
#' @examples
#' fusion <- system.file("extdata", "fusion", package = "genomicsemrs")
#' files <- file.path(fusion, paste0(c("T1", "T3"), ".dat"))
#' genes <- read_fusion(files, trait.names = c("T1", "T3"), binary = c(TRUE, FALSE),
#'                      N = c(168000, 300000))
#' head(genes)
#' @export
read_fusion <- function(files, trait.names = NULL, binary = NULL, N = NULL, perm = FALSE) {
  call <- sys.call()
  files <- if (is.list(files)) unlist(files, use.names = FALSE) else files
  check_files_exist(files, "files", call = call)
  n <- length(files)
  check_strings(trait.names, "trait.names", len = n, allow_null = TRUE, call = call)
  if (is.null(binary)) {
    gsem_inform("`binary` is NULL: every trait is treated as binary. Give one TRUE/FALSE per ",
                "file if some traits are continuous.")
    binary <- rep(TRUE, n)
  }
  check_flags(binary, "binary", n, call = call)
  if (is.null(N)) {
    gsem_abort("`N` must give the sample size of each trait's GWAS (one per file).",
               call = call)
  }
  check_number(N, "N", len = n, above = 0, call = call)
  check_flag(perm, "perm", call = call)
  labels <- if (is.null(trait.names)) seq_len(n) else trait.names
  beta_names <- paste0("beta.", labels)
  se_names <- paste0("se.", labels)
  out <- NULL
  for (i in seq_len(n)) {
    raw <- rs_value(rs_read_fusion(path.expand(files[i]), binary[i], as.double(N[i]), perm),
                    call = call)
    if (i == 1L) {
      out <- data.frame(raw$hsq, raw$panel, raw$gene, raw$beta, raw$se,
                        stringsAsFactors = FALSE)
      names(out) <- c("HSQ", "Panel", "Gene", beta_names[i], se_names[i])
    } else {
      part <- data.frame(raw$panel, raw$gene, raw$beta, raw$se, stringsAsFactors = FALSE)
      names(part) <- c("Panel", "Gene", beta_names[i], se_names[i])
      out <- merge(out, part, by = c("Gene", "Panel"), all.x = FALSE, all.y = FALSE)
    }
    out <- stats::na.omit(out)
  }
  check_nonempty_result(nrow(out), "The merged FUSION table",
                        "No gene has complete values in every file; check that the files come from the same weights.",
                        call = call)
  unique(out)
}
