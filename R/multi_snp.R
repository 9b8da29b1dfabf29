# The joint S_Full/V_Full of several SNPs or genes, from checked inputs.
multi_full <- function(cov, LD, cols, var_se2, gene, var_names, call) {
  rs <- rs_value(rs_multi_snp(cov, LD, cols$var, cols$beta, cols$se, var_se2, gene), call = call)
  names <- c(as.character(var_names), cov$names)
  S <- rs$S_Full
  dimnames(S) <- list(names, names)
  list(V_Full = rs$V_Full, S_Full = S)
}

multi_covstruc <- function(covstruc, call) {
  cov <- gwas_covstruc(covstruc, call)
  if (any(!is.finite(cov$I))) {
    gsem_abort("covstruc's intercept matrix I (third element) must not contain missing values; re-run ldsc().",
               class = "input", call = call)
  }
  cov
}

multi_ld <- function(LD, n, what, call) {
  LD <- check_matrix(LD, "LD", symmetric = TRUE, call = call)
  if (nrow(LD) != n) {
    gsem_abort(paste0("`LD` is ", nrow(LD), " x ", nrow(LD), " but there are ", n, " ", what,
                      "; give one row and column per ", sub("s$", "", what), "."),
               class = "ld_names", call = call)
  }
  LD
}

#' Joint S and V matrices for SNPs in LD
#'
#' Drop-in replacement for GenomicSEM's `multiSNP()`: one S_Full holding several SNPs (in LD
#' with each other) and the traits of [ldsc()], and its sampling covariance V_Full, for
#' [usermodel()] (e.g. a model in which several SNPs predict a factor). The matrices are
#' built in Rust.
#'
#' The SNPs are put in the order of the LD matrix's row names, which are `rsID_A1_A2` (the
#' `rsID` before the first `_`; the first character after it is the allele the LD is coded
#' for). Where that allele differs from the SNP's `A1` for exactly one SNP of a pair, the sign
#' of their LD is flipped. SNP-SNP covariances are LD x sqrt(var_a var_b) with
#' var = 2 MAF (1 - MAF), fixed (sampling variance `SNPSE`^2). SNP-trait sampling covariances
#' use the SEs times the univariate intercepts (GC "conserv") times the SNP variance, with the
#' cross-trait intercepts within a SNP and the LD across SNPs within a trait. S_Full and
#' V_Full are replaced by `Matrix::nearPD()`'s result when not positive definite.
#'
#' @param covstruc Output of [ldsc()].
#' @param SNPs Output of [sumstats()] for (at least) the SNPs in `LD`.
#' @param LD Correlation (LD) matrix of the SNPs, with row names `rsID_A1_A2`; without row
#'   names the SNPs are taken in the order of `SNPs` and no sign is flipped.
#' @param SNPSE Standard error of the SNP variances and covariances (`FALSE`: 0.0005).
#' @param SNPlist `NA`, or the rsIDs of the SNPs of `SNPs` to use.
#' @return `list(V_Full, S_Full, RS)`: S_Full is (f + k) x (f + k) with the SNP and trait
#'   names, V_Full the (unnamed) sampling covariance of vech(S_Full), RS the SNPs' first 6
#'   columns (in LD order).
#'
#' @section Differences from GenomicSEM:
#' * `SNPlist` with more than one SNP works (GenomicSEM stops with "the condition has
#'   length > 1"); SNPs of `LD` that are not in `SNPs` (after `SNPlist`) are an error of class
#'   `genomicsemrs_error_ld_names` naming them, as is an `LD` of the wrong size (GenomicSEM
#'   only prints "ERROR" and continues).
#' * An `LD` that is not symmetric positive definite is an error (class
#'   `genomicsemrs_error_not_positive_definite`).
#' * `LD` without row names is accepted (GenomicSEM needs them).
#' * Reproduced as is: the covariances across SNPs and across traits use the last
#'   lower-triangle LD value for every pair of SNPs and cycle through the cross-trait
#'   intercepts in GenomicSEM's fill order.
#'
#' @examples
#' covstruc <- readRDS(genomicsemrs_example("ldsc_T1_T5.rds"))
#' snps <- readRDS(genomicsemrs_example("sumstats_T1_T5.rds"))[11:13, ]
#' LD <- matrix(c(1, .6, .3, .6, 1, .4, .3, .4, 1), 3)
#' rownames(LD) <- colnames(LD) <- paste(snps$SNP, snps$A1, snps$A2, sep = "_")
#' joint <- multiSNP(covstruc, snps, LD)
#' round(joint$S_Full, 4)
#' @export
multiSNP <- function(covstruc, SNPs, LD, SNPSE = FALSE, SNPlist = NA) {
  call <- sys.call()
  cov <- multi_covstruc(covstruc, call)
  if (is.matrix(SNPs)) SNPs <- as.data.frame(SNPs, stringsAsFactors = FALSE)
  check_data_frame(SNPs, "SNPs", columns = c("SNP", "MAF", "A1"), call = call)
  if (!(length(SNPlist) == 1L && is.na(SNPlist))) {
    check_strings(SNPlist, "SNPlist", call = call)
    SNPs <- SNPs[SNPs$SNP %in% SNPlist, , drop = FALSE]
  }
  var_se2 <- legacy_snpse(SNPSE, call)
  LD <- check_matrix(LD, "LD", symmetric = TRUE, call = call)
  ld_names <- rownames(LD)
  if (!is.null(ld_names)) {
    ids <- sub("_.*", "", ld_names)
    at <- match(ids, SNPs$SNP)
    if (anyNA(at)) {
      gsem_abort(paste0("SNP(s) of the LD matrix not found in `SNPs`",
                        if (!(length(SNPlist) == 1L && is.na(SNPlist))) " (after `SNPlist`)",
                        ": ", paste0("'", ids[is.na(at)], "'", collapse = ", "),
                        ". LD row names must be rsID_A1_A2 with the rsIDs of `SNPs$SNP`."),
                 class = "ld_names", call = call)
    }
    SNPs <- SNPs[at, , drop = FALSE]
    ld_a1 <- substr(sub("^[^_]*_", "", ld_names), 1L, 1L)
    flip <- ifelse(ld_a1 != as.character(SNPs$A1), -1, 1)
    flip[is.na(flip)] <- 1
    LD <- LD * outer(flip, flip)
  }
  multi_ld(LD, nrow(SNPs), "SNPs", call)
  cols <- snp_set_columns(SNPs, length(cov$names), "MAF", "SNPs", call)
  out <- multi_full(cov, LD, cols, var_se2, FALSE, SNPs$SNP, call)
  c(out, list(RS = SNPs[, seq_len(min(6L, ncol(SNPs))), drop = FALSE]))
}

#' Joint S and V matrices for genes (legacy)
#'
#' Drop-in replacement for GenomicSEM's undocumented `multiGene()`: [multiSNP()] for genes
#' from [read_fusion()], with the gene's `HSQ` as its variance and `LD` the correlation of
#' the genes' predicted expression (in the order of `Genes`).
#'
#' @param covstruc Output of [ldsc()].
#' @param Genes Output of [read_fusion()] (Gene, Panel, HSQ, `beta.`/`se.` per trait).
#' @param LD Correlation matrix of the genes (one row and column per row of `Genes`).
#' @param GeneSE Standard error of the gene variances and covariances (`"F"`: 1e-8).
#' @param Genelist `"F"`, or the genes (values of `Genes$Gene`) to use.
#' @return `list(V_Full, S_Full, Info)`: as [multiSNP()]; `Info` is `Genes[, c(1, 4)]` (the
#'   gene and the first trait's beta, as in GenomicSEM).
#'
#' @section Differences from GenomicSEM:
#' * GenomicSEM 0.0.5's `multiGene()` always stops with "object 'V_SNP' not found" (it writes
#'   the within-gene cross-trait covariances into a matrix that does not exist). Here it
#'   works: the values are those of GenomicSEM's code with that one name corrected, including
#'   its pairing of the standard errors in those covariances (the SEs of the trait pairs taken
#'   column-wise while the cells are filled row-wise).
#' * `Genelist` selects on `Genes$Gene` (GenomicSEM uses `Genes$ID`, which read_fusion()
#'   output does not have, so no gene was ever kept).
#' * An `LD` of the wrong size, not symmetric or not positive definite is an error.
#' * Reproduced: `Info` holds the gene and the first trait's beta; a gene present in two
#'   panels gives two variables of the same name in S_Full (rename the rows of `Genes` first
#'   if the model must tell them apart); the default gene SE is 1e-8.
#'
#' @examples
#' covstruc <- readRDS(genomicsemrs_example("ldsc_T1_T5.rds"))
#' fusion <- system.file("extdata", "fusion", package = "genomicsemrs")
#' genes <- read_fusion(file.path(fusion, paste0("T", 1:5, ".dat")),
#'                      trait.names = paste0("T", 1:5), binary = c(TRUE, TRUE, FALSE, FALSE, FALSE),
#'                      N = c(168000, 58333, 300000, 150000, 80000))
#' LD <- matrix(c(1, .4, .1, .4, 1, .25, .1, .25, 1), 3)
#' joint <- multiGene(covstruc, genes[c(1, 3, 6), ], LD)
#' dim(joint$V_Full)
#' @export
multiGene <- function(covstruc, Genes, LD, GeneSE = "F", Genelist = "F") {
  call <- sys.call()
  cov <- multi_covstruc(covstruc, call)
  if (is.matrix(Genes)) Genes <- as.data.frame(Genes, stringsAsFactors = FALSE)
  check_data_frame(Genes, "Genes", columns = c("Gene", "HSQ"), call = call)
  if (!identical(Genelist, "F")) {
    check_strings(Genelist, "Genelist", call = call)
    Genes <- Genes[Genes$Gene %in% Genelist, , drop = FALSE]
    if (!nrow(Genes)) {
      gsem_abort(paste0("None of `Genelist` (", describe_value(Genelist), ") is in `Genes$Gene`."),
                 class = "not_found", call = call)
    }
  }
  var_se2 <- if (identical(GeneSE, "F")) 1e-8^2 else {
    check_number(GeneSE, "GeneSE", above = 0, upper = 1e100, hint = "Use \"F\" for the default 1e-8.",
                 call = call)
    as.double(GeneSE)^2
  }
  LD <- multi_ld(LD, nrow(Genes), "genes", call)
  cols <- snp_set_columns(Genes, length(cov$names), "HSQ", "Genes", call)
  out <- multi_full(cov, LD, cols, var_se2, TRUE, Genes$Gene, call)
  c(out, list(Info = Genes[, c(1, 4)]))
}
