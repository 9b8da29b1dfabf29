#' Simulate multivariate LDSC summary statistics
#'
#' Drop-in replacement for GenomicSEM's `simLDSC()`: writes `r` sets of simulated GWAS
#' summary statistics (Z statistics) of k traits whose population genetic covariance matrix is
#' `covmat`, for the SNPs of an LD-score folder, in the format [ldsc()] reads. For SNP j with
#' LD score l_j the k Z statistics are drawn from N(0, Sigma_j),
#' `Sigma_j[a, a] = N_a C_aa / M l_j + int_a` and `Sigma_j[a, b] = sqrt(N_a N_b) C_ab / M l_j +
#' rPheno_ab N_ab / sqrt(N_a N_b)`, with M the sum of the folder's `M_5_50`.
#'
#' The standard normal draws are made in R in GenomicSEM's order after `set.seed(seed)`, so the
#' same `seed` gives the same files as GenomicSEM; turning them into Z statistics (the
#' eigen-decomposition `MASS::mvrnorm()` uses, per SNP), formatting and writing are done in
#' Rust. `parallel = TRUE` spreads that work over `cores` threads and gives exactly the files
#' of `parallel = FALSE`: all normals are drawn in R before any thread starts.
#'
#' @param covmat The population genetic covariance matrix (k x k), or a lavaan model whose
#'   observed variables are named `Pheno1`, `Pheno2`, ...; its implied covariance matrix is
#'   computed with `lavaan::simulateData(empirical = TRUE)` as in GenomicSEM (lavaan must be
#'   installed).
#' @param N Sample size: one number (every trait; the overlap is `N * N_overlap`) or a k x k
#'   matrix with the sample sizes on the diagonal and the overlaps off it.
#' @param seed Seed of R's random number generator (required, as in GenomicSEM).
#' @param ld LD-score folder (`1.l2.ldscore.gz` ... `22.l2.ldscore.gz` with an `L2` column,
#'   and `<chr>.l2.M_5_50`).
#' @param rPheno Phenotypic correlation: `NULL` (the genetic correlations of `covmat`), one
#'   number, or a k x k matrix.
#' @param int LDSC intercepts of the k traits (default 1).
#' @param N_overlap Share of the sample that overlaps between traits when `N` is one number.
#' @param r Number of simulated sets (iterations).
#' @param gzip_output Write gzip-compressed files.
#' @param parallel Use `cores` threads (the same files as serially).
#' @param cores Threads for `parallel = TRUE` (default: option `genomicsemrs.threads`, else
#'   all cores).
#' @return `NULL`, invisibly. Writes into the working directory, like GenomicSEM:
#'   `iter<r>GWAS<i>.sumstats` (`.gz` with `gzip_output`) for every iteration r and trait i
#'   (the LD-score columns, then `Z`, `N` and `A1 = "A"`, tab-separated) and
#'   `PopCovMat.RData` holding `covMatrix`, the covariance matrix used (a data frame with
#'   names `Pheno_1`, ...).
#'
#' @section Differences from GenomicSEM:
#' * No package is attached (GenomicSEM attaches data.table, readr, R.utils, MASS, tictoc,
#'   lavaan and doParallel; R.utils then masks `base::load`). Nothing is printed (GenomicSEM
#'   prints progress, timings and "Filtering MHC region", although it filters nothing).
#' * `parallel = TRUE` is reproducible and equal to `parallel = FALSE` (GenomicSEM forks
#'   workers that draw from unrelated random streams, and registers a cluster it never stops).
#' * Arguments are checked first with classed errors (GenomicSEM's check of `ld` itself fails
#'   with "object 'ref' not found").
#' * Reproduced: `seed` has no default; the file names (`iter1GWAS1.sumstats.gz`, not those of
#'   GenomicSEM's documentation); a model string's covariance matrix is lavaan's empirical one
#'   (with its n - 1 factor, e.g. 0.3006 for 0.3) ordered by variable name; the random numbers
#'   and hence the files for the same `seed`. The Z statistics use the eigenvectors of R's own
#'   LAPACK routine (`dsyevr`, as `eigen()`), so they are GenomicSEM's: on the reference set
#'   all but one of 21,069 lines are byte-identical, that one differing in the 15th digit.
#'
#' @examples
#' old <- setwd(tempdir())
#' ld <- genomicsemrs_example("eur_ld_chr")
#' S <- matrix(c(.3, .1, .1, .2), 2)
#' simLDSC(S, N = 20000, seed = 1, ld = ld, gzip_output = FALSE)
#' head(read.delim("iter1GWAS1.sumstats"))
#' setwd(old)
#' @export
simLDSC <- function(covmat, N, seed, ld, rPheno = NULL, int = NULL, N_overlap = .99, r = 1,
                    gzip_output = TRUE, parallel = FALSE, cores = NULL) {
  call <- sys.call()
  if (missing(seed)) {
    gsem_abort("`seed` must be given (GenomicSEM's simLDSC() has no default either).", call = call)
  }
  check_number(seed, "seed", lower = -.Machine$integer.max, upper = .Machine$integer.max,
               hint = "set.seed() takes seeds in the integer range.", call = call)
  check_string(ld, "ld", call = call)
  if (!dir.exists(ld)) {
    gsem_abort(paste0("The LD-score folder `ld` ('", ld, "') does not exist."), class = "io",
               call = call)
  }
  check_number(r, "r", lower = 1, whole = TRUE, call = call)
  check_flag(gzip_output, "gzip_output", call = call)
  threads <- gwas_threads(parallel, cores, call)
  check_number(N_overlap, "N_overlap", lower = 0, upper = 1, call = call)
  covMatrix <- sim_covariance(covmat, seed, call)
  k <- nrow(covMatrix)
  if (is.matrix(N)) {
    N <- check_matrix(N, "N", nrow = k, ncol = k, symmetric = TRUE, call = call)
    if (any(diag(N) <= 0)) gsem_abort("The sample sizes on the diagonal of `N` must be > 0.", call = call)
  } else {
    check_number(N, "N", above = 0, call = call)
    N <- diag(as.double(N), k, k)
    N[row(N) != col(N)] <- N[1, 1] * N_overlap
  }
  phenos <- paste0("Pheno_", seq_len(k))
  dimnames(covMatrix) <- list(phenos, phenos)
  rG <- stats::cov2cor(as.matrix(covMatrix))
  if (is.null(int)) int <- rep(1, k)
  check_number(int, "int", len = k, call = call)
  if (is.null(rPheno)) rPheno <- rG
  if (!is.matrix(rPheno)) {
    check_number(rPheno, "rPheno", lower = -1, upper = 1, call = call)
    rPheno <- matrix(as.double(rPheno), k, k)
    diag(rPheno) <- 1
  }
  rPheno <- check_matrix(rPheno, "rPheno", nrow = k, ncol = k, symmetric = TRUE, call = call)
  size <- rs_value(rs_sim_ld_size(path.expand(ld)), call = call)
  set.seed(seed)
  # Iterations in groups of at most about 5e7 normals (400 MB), drawn in GenomicSEM's order.
  per_group <- max(1, floor(5e7 / (size$n_snps * k)))
  for (first in seq(1, r, by = per_group)) {
    count <- min(per_group, r - first + 1)
    normals <- matrix(stats::rnorm(size$n_snps * k * count), size$n_snps * k, count)
    rs_value(rs_sim_ldsc(path.expand(ld), unname(as.matrix(covMatrix)), unname(N),
                         unname(rPheno), as.double(int), normals, first, getwd(), gzip_output,
                         threads), call = call)
  }
  save(covMatrix, file = "PopCovMat.RData")
  invisible(NULL)
}

# The population covariance matrix as a data frame: `covmat` itself, or the covariance
# implied by a lavaan model (simulateData(empirical = TRUE) as GenomicSEM calls it), with the
# variables in the order of their names.
sim_covariance <- function(covmat, seed, call) {
  if (is.character(covmat)) {
    check_string(covmat, "covmat", call = call)
    if (!requireNamespace("lavaan", quietly = TRUE)) {
      gsem_abort("A model string in `covmat` needs the lavaan package; install it or give a matrix.",
                 class = "dependency", call = call)
    }
    cov <- tryCatch(
      lavaan::simulateData(model = covmat, model.type = "cfa", std.lv = FALSE, seed = seed,
                           return.type = "cov", empirical = TRUE),
      error = function(e) gsem_abort(paste0("lavaan could not simulate from `covmat`: ",
                                            conditionMessage(e)), class = "input", call = call))
    cov <- as.data.frame(cov)
    at <- order(colnames(cov), paste0("Pheno", seq_len(ncol(cov))))
    return(cov[at, at])
  }
  covmat <- check_matrix(covmat, "covmat", symmetric = TRUE, call = call)
  if (any(diag(covmat) <= 0)) {
    gsem_abort("The genetic variances on the diagonal of `covmat` must be > 0.", call = call)
  }
  as.data.frame(covmat)
}
