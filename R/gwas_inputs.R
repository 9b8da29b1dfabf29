# Inputs shared by userGWAS() and commonfactorGWAS(): the ldsc covariance structure, the SNP
# columns from sumstats(), GenomicSEM's options, and the batches the SNPs are run in.

# covstruc is used by position, as GenomicSEM does: [[1]] = V, [[2]] = S, [[3]] = I.
gwas_covstruc <- function(covstruc, call) {
  if (!is.list(covstruc) || length(covstruc) < 3L) {
    gsem_abort("`covstruc` must be the output of ldsc(): a list holding V, S and I.", call = call)
  }
  S <- covstruc[[2]]
  k <- NCOL(S)
  names <- colnames(S)
  if (is.null(names)) names <- paste0("V", seq_len(k))
  as_matrix <- function(x, what, n) {
    x <- as.matrix(x)
    if (!is.numeric(x)) {
      gsem_abort(paste0("covstruc's ", what, " must be numeric, not ", describe_value(x),
                        "; re-run ldsc()."), call = call)
    }
    x <- matrix(as.double(x), NROW(x), NCOL(x))
    if (!all(dim(x) == n)) {
      gsem_abort(paste0("covstruc's ", what, " must be a ", n, " x ", n, " matrix for ", k,
                        " traits."), call = call)
    }
    x
  }
  cov <- list(S = as_matrix(S, "S (second element)", k),
              V = as_matrix(covstruc[[1]], "V (first element)", k * (k + 1) / 2),
              I = as_matrix(covstruc[[3]], "I (third element)", k), names = names)
  if (!all(is.finite(cov$S)) || !all(is.finite(cov$V)) || !all(is.finite(cov$I))) {
    gsem_abort("covstruc's S, V and I must not contain missing or infinite values; re-run ldsc().",
               class = "input", call = call)
  }
  if (any(grepl("-", names, fixed = TRUE))) {
    gsem_warn(paste0("Trait names containing '-' (", paste(names[grepl("-", names)], collapse = ", "),
                     ") cannot be used in model syntax; rename them in ldsc() and sumstats()."),
              call = call)
  }
  cov
}

# GenomicSEM finds the effect and SE columns by the substrings "beta." and "se." and matches
# them to the traits by position.
gwas_snps <- function(SNPs, k, TWAS, call) {
  if (is.null(SNPs) || !is.data.frame(SNPs) && !is.matrix(SNPs)) {
    gsem_abort("`SNPs` must be the data frame returned by sumstats() (or read_fusion() for TWAS).",
               call = call)
  }
  SNPs <- as.data.frame(SNPs, stringsAsFactors = FALSE)
  if (!nrow(SNPs)) gsem_abort("`SNPs` has no rows.", call = call)
  beta_cols <- grep("beta.", names(SNPs), fixed = TRUE)
  se_cols <- grep("se.", names(SNPs), fixed = TRUE)
  if (length(beta_cols) != k || length(se_cols) != k) {
    gsem_abort(paste0("`SNPs` must have one 'beta.' and one 'se.' column per trait of covstruc (",
                      k, "); found ", length(beta_cols), " and ", length(se_cols), "."),
               call = call)
  }
  var_col <- if (TWAS) "HSQ" else "MAF"
  if (!var_col %in% names(SNPs)) {
    gsem_abort(paste0("`SNPs` has no '", var_col, "' column, which gives the ",
                      if (TWAS) "gene's heritability" else "SNP's variance 2*MAF*(1-MAF)", "."),
               call = call)
  }
  check_numeric_columns(SNPs, c(names(SNPs)[c(beta_cols, se_cols)], var_col), "SNPs", call = call)
  numeric_block <- function(cols) {
    m <- vapply(cols, function(j) suppressWarnings(as.double(SNPs[[j]])), numeric(nrow(SNPs)))
    matrix(m, nrow(SNPs))
  }
  freq <- suppressWarnings(as.double(SNPs[[var_col]]))
  var_snp <- if (TWAS) freq else 2 * freq * (1 - freq)
  beta <- numeric_block(beta_cols)
  se <- numeric_block(se_cols)
  complete <- is.finite(var_snp) & var_snp > 0 & rowSums(!is.finite(beta) | !is.finite(se)) == 0
  if (!any(complete)) {
    gsem_abort("No SNP in `SNPs` has finite betas, SEs and a positive SNP variance.",
               class = "input", call = call)
  }
  if (!all(complete)) {
    gsem_warn(paste0(sum(!complete), " SNP(s) have a missing beta, SE or MAF (or MAF of 0 or 1); ",
                     "they are kept as failed rows with the reason in the error column."),
              call = call)
  }
  list(data = SNPs, beta = beta, se = se, var_snp = var_snp, base = which(complete)[1L])
}

gwas_options <- function(estimation, GC, SNPSE, toler, smooth_check, std.lv, fix_measurement,
                         Q_SNP, TWAS, call) {
  check_string(estimation, "estimation", choices = c("DWLS", "ML"), call = call)
  check_string(GC, "GC", choices = c("standard", "conserv", "none"), call = call)
  for (arg in c("smooth_check", "std.lv", "fix_measurement", "Q_SNP")) {
    check_flag(get(arg), arg, call = call)
  }
  snp_se <- if (isFALSE(SNPSE) || identical(SNPSE, 0) || identical(SNPSE, 0L)) 0.0005 else SNPSE
  check_number(snp_se, "SNPSE", lower = 0, upper = 1e100, call = call)
  tol <- if (isFALSE(toler)) .Machine$double.eps else toler
  check_number(tol, "toler", lower = 0, call = call)
  list(estimation = estimation, GC = GC, var_snp_se2 = as.double(snp_se)^2,
       toler = as.double(tol), smooth_check = smooth_check, std_lv = std.lv,
       fix_measurement = fix_measurement, Q_SNP = Q_SNP, TWAS = TWAS)
}

gwas_check_mpi <- function(MPI, call) {
  check_flag(MPI, "MPI", call = call)
  if (MPI) {
    gsem_abort(paste0(
      "`MPI = TRUE` is not supported. To spread a GWAS over several machines, set a future plan ",
      "before the call, e.g. future::plan(future.batchtools::batchtools_slurm) or ",
      "future::plan(\"cluster\", workers = c(\"node1\", \"node2\")): the SNP batches ",
      "(`batch_size`) are then run as futures, with results identical to a serial run."
    ), call = call)
  }
}

# The SNP columns of a set of rows, as the Rust side takes them.
gwas_snp_list <- function(snps, rows) {
  list(beta = as.vector(snps$beta[rows, , drop = FALSE]),
       se = as.vector(snps$se[rows, , drop = FALSE]),
       var_snp = snps$var_snp[rows])
}

# Runs `run_batch(rows, threads)` over consecutive batches of SNPs: sequentially on the
# per-call thread pool, or as futures when a non-sequential future plan is set, skipping the
# batches a `checkpoint` folder already holds (`fingerprint`: what the results depend on).
# Progress is reported per batch through progressr. Returns the batch results in order.
gwas_batches <- function(n, batch_size, threads, run_batch, call, checkpoint = NULL,
                         fingerprint = NULL) {
  check_number(batch_size, "batch_size", lower = 1, whole = TRUE,
               call = call)
  starts <- seq(1L, n, by = as.integer(batch_size))
  batches <- lapply(starts, function(s) s:min(n, s + as.integer(batch_size) - 1L))
  use_future <- length(batches) > 1L && requireNamespace("future.apply", quietly = TRUE) &&
    !inherits(future::plan(), "sequential")
  cp <- checkpoint_open(checkpoint, c(fingerprint, list(batch_size = as.integer(batch_size))),
                        length(batches), call)
  run_batches(batches, run_batch, threads, use_future, cp, call)
}

gwas_threads <- function(parallel, cores, call) {
  check_flag(parallel, "parallel", call = call)
  if (!parallel) return(1L)
  resolve_cores(cores, call = call)
}
