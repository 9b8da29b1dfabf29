# Shared by addSNPs(), addGenes(), multiSNP() and multiGene(): the beta and SE blocks and the
# variances of a set of SNPs or genes, checked before any Rust call.
snp_set_columns <- function(x, k, var_col, arg, call) {
  if (is.matrix(x)) x <- as.data.frame(x, stringsAsFactors = FALSE)
  check_data_frame(x, arg, columns = var_col, call = call)
  if (!nrow(x)) gsem_abort(paste0("`", arg, "` has no rows."), class = "input", call = call)
  beta_cols <- grep("beta.", names(x), fixed = TRUE)
  se_cols <- grep("se.", names(x), fixed = TRUE)
  if (length(beta_cols) != k || length(se_cols) != k) {
    gsem_abort(paste0("`", arg, "` must have one 'beta.' and one 'se.' column per trait of ",
                      "`covstruc` (", k, "); found ", length(beta_cols), " and ",
                      length(se_cols), "."), class = "input", call = call)
  }
  check_numeric_columns(x, c(var_col, names(x)[c(beta_cols, se_cols)]), arg, call = call)
  freq <- as.double(x[[var_col]])
  var <- if (var_col == "MAF") 2 * freq * (1 - freq) else freq
  beta <- matrix(as.double(unlist(x[beta_cols], use.names = FALSE)), nrow(x))
  se <- matrix(as.double(unlist(x[se_cols], use.names = FALSE)), nrow(x))
  bad <- which(!is.finite(var) | rowSums(!is.finite(beta) | !is.finite(se)) > 0)
  if (length(bad)) {
    gsem_abort(paste0(length(bad), " row(s) of `", arg, "` (first: row ", bad[1],
                      ") have a missing or infinite ", var_col, ", beta or SE. Remove them ",
                      "first, e.g. with ", arg, "[complete.cases(", arg, "), ]."),
               class = "input", call = call)
  }
  list(data = x, var = var, beta = beta, se = se)
}

# Each SNP's S_Full (named) and V_Full (unnamed) as two lists, built by the Rust side.
full_lists <- function(cov, cols, GC, var_se2, threads, names, call) {
  rs_value(rs_add_snps(cov, list(beta = as.vector(cols$beta), se = as.vector(cols$se),
                                 var_snp = cols$var), GC, var_se2, as.character(names), threads),
           call = call)
}

legacy_snpse <- function(SNPSE, call) {
  if (isFALSE(SNPSE)) return(0.0005^2)
  check_number(SNPSE, "SNPSE", above = 0, upper = 1e100,
               hint = "Use FALSE for the default 0.0005.", call = call)
  as.double(SNPSE)^2
}

#' Per-SNP S and V matrices (legacy)
#'
#' Drop-in replacement for GenomicSEM's `addSNPs()`, kept for old scripts: [userGWAS()] and
#' [commonfactorGWAS()] build these matrices themselves. For every SNP it returns S_Full, the
#' genetic covariance matrix of [ldsc()] extended by the SNP (SNP variance 2 MAF (1 - MAF) and
#' its covariances MAF-variance x beta with the traits), and V_Full, the sampling covariance
#' of vech(S_Full): the SNP variance's (`SNPSE`^2), the SNP-trait block from the SEs scaled
#' by the LDSC intercepts (`GC`), and ldsc's V. A matrix whose smallest eigenvalue is not
#' positive is replaced by `Matrix::nearPD()`'s result, as in GenomicSEM. The matrices are
#' built in Rust by the code the GWAS functions use.
#'
#' @param covstruc Output of [ldsc()] (used by position: V, S, I).
#' @param SNPs Output of [sumstats()] (SNP, CHR, BP, MAF, A1, A2, then `beta.`/`se.` per trait).
#' @param SNPSE Standard error of the SNP variance (`FALSE`: 0.0005).
#' @param parallel `TRUE` builds the matrices on `cores` threads (same result).
#' @param cores Threads for `parallel = TRUE` (default: option `genomicsemrs.threads`, else
#'   all cores).
#' @param GC `"standard"` (SE x sqrt(intercept)), `"conserv"` (SE x intercept) or `"none"`.
#' @return `list(V_Full, S_Full, RS)`: lists with one matrix per SNP, and `SNPs[, 1:6]`.
#'   S_Full has the dimnames `SNP` and the trait names; V_Full has none.
#'
#' @section Differences from GenomicSEM:
#' * A row with a missing MAF, beta or SE is an error naming the row (GenomicSEM fails inside
#'   `eigen()`).
#' * `parallel = TRUE` uses threads, not forked processes, and gives identical results; the
#'   deprecation note is a warning only (GenomicSEM also prints it and the elapsed time).
#'
#' @examples
#' covstruc <- readRDS(genomicsemrs_example("ldsc_T1_T5.rds"))
#' snps <- readRDS(genomicsemrs_example("sumstats_T1_T5.rds"))[1:5, ]
#' full <- suppressWarnings(addSNPs(covstruc, snps))
#' full$S_Full[[1]]
#' @export
addSNPs <- function(covstruc, SNPs, SNPSE = FALSE, parallel = FALSE, cores = NULL,
                    GC = "standard") {
  call <- sys.call()
  gsem_warn(paste0("addSNPs() is no longer needed: userGWAS() and commonfactorGWAS() build ",
                   "the per-SNP matrices themselves (GenomicSEM changed this on 11/21/19)."),
            class = "deprecated", call = call)
  cov <- gwas_covstruc(covstruc, call)
  check_string(GC, "GC", choices = c("standard", "conserv", "none"), call = call)
  var_se2 <- legacy_snpse(SNPSE, call)
  threads <- gwas_threads(parallel, cores, call)
  cols <- snp_set_columns(SNPs, length(cov$names), "MAF", "SNPs", call)
  if (ncol(cols$data) < 6L) {
    gsem_abort("`SNPs` must start with the 6 columns SNP, CHR, BP, MAF, A1, A2 of sumstats().",
               class = "input", call = call)
  }
  out <- full_lists(cov, cols, GC, var_se2, threads, c("SNP", cov$names), call)
  c(out, list(RS = cols$data[, 1:6]))
}

#' Per-gene S and V matrices (legacy)
#'
#' Drop-in replacement for GenomicSEM's undocumented `addGenes()`: [addSNPs()] for the genes
#' of [read_fusion()], with the gene's heritability `HSQ` as its variance and a fixed 0.0005
#' as the SE of that variance.
#'
#' @inheritParams addSNPs
#' @param Genes Output of [read_fusion()] (Gene, Panel, HSQ, then `beta.`/`se.` per trait).
#' @return `list(V_Full, S_Full, ID)`: lists with one matrix per gene, and `Genes[, 1:2]`.
#'   S_Full's dimnames are `Gene, V1, ..., Vk`, as in GenomicSEM (not the trait names).
#'
#' @section Differences from GenomicSEM:
#' * A row with a missing HSQ, beta or SE is an error naming the row.
#' * GenomicSEM prints the number of every gene; nothing is printed.
#'
#' @examples
#' covstruc <- readRDS(genomicsemrs_example("ldsc_T1_T5.rds"))
#' fusion <- system.file("extdata", "fusion", package = "genomicsemrs")
#' genes <- read_fusion(file.path(fusion, paste0("T", 1:5, ".dat")),
#'                      trait.names = paste0("T", 1:5), binary = c(TRUE, TRUE, FALSE, FALSE, FALSE),
#'                      N = c(168000, 58333, 300000, 150000, 80000))
#' full <- addGenes(covstruc, genes[1:3, ])
#' full$S_Full[[1]]
#' @export
addGenes <- function(covstruc, Genes, GC = "standard") {
  call <- sys.call()
  cov <- gwas_covstruc(covstruc, call)
  check_string(GC, "GC", choices = c("standard", "conserv", "none"), call = call)
  cols <- snp_set_columns(Genes, length(cov$names), "HSQ", "Genes", call)
  if (ncol(cols$data) < 2L) {
    gsem_abort("`Genes` must start with the Gene and Panel columns of read_fusion().",
               class = "input", call = call)
  }
  threads <- resolve_cores(NULL, call = call)
  k <- length(cov$names)
  out <- full_lists(cov, cols, GC, 0.0005^2, threads, c("Gene", paste0("V", seq_len(k))), call)
  c(out, list(ID = cols$data[, 1:2]))
}
