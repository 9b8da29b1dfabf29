# GenomicSEM's output layouts for userGWAS() and commonfactorGWAS(), built from the columns
# the Rust loops return (batch by batch, SNP-major for per-parameter values).

gwas_id_columns <- function(snps, TWAS) {
  if (TWAS) {
    ids <- snps$data[, 1:3, drop = FALSE]
    names(ids) <- c("Gene", "Panel", "HSQ")
  } else {
    ids <- snps$data[, 1:6, drop = FALSE]
    names(ids) <- c("SNP", "CHR", "BP", "MAF", "A1", "A2")
  }
  ids
}

# A data frame from equal-length columns, without data.frame()'s checks.
as_data_frame <- function(columns, n) {
  structure(columns, class = "data.frame", row.names = c(NA_integer_, -as.integer(n)))
}

gwas_collect <- function(results, name) unlist(lapply(results, `[[`, name), use.names = FALSE)

# Per-SNP failure messages ("" for fitted SNPs) from the batches' failed positions.
gwas_errors <- function(results, per_batch) {
  unlist(lapply(results, function(r) {
    out <- character(length(r[[per_batch]]))
    out[r$failed] <- r$messages
    out
  }), use.names = FALSE)
}

nan_to_na <- function(x) {
  x[is.nan(x)] <- NA_real_
  x
}

user_gwas_output <- function(snps, rows, results, prepared, opts, printwarn, sub, TWAS) {
  n <- nrow(snps$data)
  m <- nrow(rows)
  ids <- gwas_id_columns(snps, TWAS)
  error <- gwas_errors(results, "chisq")
  failed <- nzchar(error)
  est <- nan_to_na(gwas_collect(results, "est"))
  se <- nan_to_na(gwas_collect(results, "se"))
  if (!sub) est[rep(rows$op %in% c("<", ">", "<=", ">="), n)] <- NA_real_
  z <- est / se
  df <- as.double(prepared$df)
  # Columns are assembled as a list and classed once: data.frame() and `[.data.frame` would
  # check names and row names of a million-row table for nothing.
  per_snp <- if (m == 1L) identity else function(x) rep(x, each = m)
  # The chi-square is one per SNP: its p-value and AIC are computed once per SNP, then repeated.
  chisq_snp <- nan_to_na(gwas_collect(results, "chisq"))
  chisq <- per_snp(chisq_snp)
  long <- c(
    lapply(ids, per_snp),
    list(lhs = rep(rows$lhs, n), op = rep(rows$op, n), rhs = rep(rows$rhs, n),
         free = rep(as.integer(rows$free), n), label = rep(rows$label, n),
         est = est, SE = se, Z_Estimate = z, Pval_Estimate = 2 * stats::pnorm(-abs(z)),
         chisq = chisq, chisq_df = rep(df, n * m),
         chisq_pval = per_snp(stats::pchisq(chisq_snp, df, lower.tail = FALSE)),
         AIC = per_snp(chisq_snp + 2 * as.double(prepared$npar)))
  )
  long <- as_data_frame(long, n * m)
  if (opts$Q_SNP) {
    q <- nan_to_na(gwas_collect(results, "q_snp"))
    q_df <- nan_to_na(gwas_collect(results, "q_snp_df"))
    long$Q_SNP <- q
    long$Q_SNP_df <- q_df
    long$Q_SNP_pval <- stats::pchisq(q, q_df, lower.tail = FALSE)
  }
  snp_error <- rep(error, each = m)
  long$error <- if (any(failed)) ifelse(nzchar(snp_error), snp_error, "0") else 0
  if (printwarn) long$warning <- "0"
  if (opts$smooth_check) long$Z_smooth <- rep(gwas_collect(results, "z_smooth"), each = m)
  if (sub) {
    columns <- as.list(long)
    return(lapply(seq_len(m), function(j) {
      if (m == 1L) return(as_data_frame(columns, n))
      as_data_frame(lapply(columns, `[`, seq.int(j, by = m, length.out = n)), n)
    }))
  }
  template <- long[1L, , drop = FALSE]
  frames <- per_snp_frames(long, n, m)
  for (i in which(failed)) {
    frames[[i]] <- failed_user_row(template, ids[i, , drop = FALSE], error[i], opts)
  }
  frames
}

# Columns that are the same for every SNP: each frame shares one vector. A fitted SNP's
# `error` is 0 also when others failed (failed SNPs' frames are replaced afterwards).
per_snp_shared <- function(long, m) {
  shared <- c("lhs", "op", "rhs", "free", "label", "chisq_df", "warning")
  columns <- lapply(names(long), function(name) {
    if (name == "error") return(rep(0, m))
    x <- long[[name]]
    if (name %in% shared) x[seq_len(m)] else x
  })
  names(columns) <- names(long)
  list(columns = columns, shared = names(long) %in% c(shared, "error"))
}

# One data frame per SNP (rows of `long` in groups of m), as GenomicSEM returns them. The
# Rust bindings copy the SNP's slice of each column into a new frame; columns they cannot
# copy as they are (factors or other classed columns among the SNP identifiers) go through
# per_snp_frames_r().
per_snp_frames <- function(long, n, m) {
  split <- per_snp_shared(long, m)
  plain <- vapply(split$columns[!split$shared], function(x) {
    is.null(attributes(x)) && typeof(x) %in% c("double", "integer", "logical", "character")
  }, logical(1))
  if (!all(plain)) return(per_snp_frames_r(long, n, m))
  rs_value(rs_gwas_frames(split$columns, split$shared, as.integer(n), as.integer(m)))
}

# The same in R: every column split by SNP once (split() runs in C), the frames put together
# by .mapply().
per_snp_frames_r <- function(long, n, m) {
  split <- per_snp_shared(long, m)
  frame_attributes <- list(names = names(long), class = "data.frame",
                           row.names = c(NA_integer_, -m))
  snp_of_row <- structure(rep.int(seq_len(n), rep.int(m, n)), levels = as.character(seq_len(n)),
                          class = "factor")
  per_snp <- Map(function(x, shared) {
    if (shared) return(rep(list(x), n))
    pieces <- split(x, snp_of_row)
    names(pieces) <- NULL
    pieces
  }, split$columns, split$shared)
  lapply(.mapply(list, unname(per_snp), NULL), `attributes<-`, frame_attributes)
}

# GenomicSEM's row for a SNP that could not be fitted: its identifiers, NA for the model
# columns, the reason in `error`.
failed_user_row <- function(template, id, message, opts) {
  row <- template
  row[1L, ] <- NA
  row[1L, names(id)] <- id
  row$error <- message
  if (!is.null(row$warning)) row$warning <- "0"
  if (opts$smooth_check) row$Z_smooth <- NA_real_
  row.names(row) <- NULL
  row
}

common_gwas_output <- function(snps, results, opts) {
  n <- nrow(snps$data)
  ids <- if (opts$TWAS) gwas_id_columns(snps, TRUE) else snps$data[, 1:6, drop = FALSE]
  fail <- gwas_errors(results, "est")
  failed <- nzchar(fail)
  est <- nan_to_na(gwas_collect(results, "est"))
  se_c <- nan_to_na(gwas_collect(results, "se_c"))
  q <- nan_to_na(gwas_collect(results, "Q"))
  k <- ncol(snps$beta)
  z <- est / se_c
  out <- data.frame(
    ids, i = as.double(seq_len(n)), lhs = "F1", op = "~", rhs = if (opts$TWAS) "Gene" else "SNP",
    est = est, se_c = se_c, Z_Estimate = z, Pval_Estimate = 2 * stats::pnorm(-abs(z)),
    Q = q, Q_df = k - 1, Q_pval = stats::pchisq(q, k - 1, lower.tail = FALSE),
    stringsAsFactors = FALSE
  )
  out$fail <- if (any(failed)) ifelse(failed, fail, "0") else 0
  out$warning <- "0"
  if (opts$smooth_check) out$Z_smooth <- nan_to_na(gwas_collect(results, "z_smooth"))
  out
}
