# hdl()'s summary statistics: read, kept where the panel has the SNP, Z from b/se when there
# is no Z, and aligned to each panel piece (effect Z/sqrt(N), sign flipped where A2 differs
# from the panel's A2; 0 where the trait lacks the SNP).

hdl_input_error <- function(message, call) gsem_abort(message, class = "hdl_input", call = call)

hdl_read_gwas <- function(path, panel_snps, call) {
  raw <- read_text_table(path)
  needed <- c("SNP", "N", "A2")
  has_z <- "Z" %in% names(raw)
  if (!has_z && !all(c("b", "se") %in% names(raw))) {
    hdl_input_error(paste0("'", path, "' has no column Z and not both b and se: HDL needs Z ",
                           "(or b and se) per SNP."), call)
  }
  missing <- setdiff(needed, names(raw))
  if (length(missing)) {
    hdl_input_error(paste0("'", path, "' lacks the column(s) ", paste(missing, collapse = ", "),
                           "; HDL needs SNP, N, A2 and Z (munged summary statistics)."), call)
  }
  num <- function(x) suppressWarnings(as.double(x))
  raw <- raw[raw$SNP %in% panel_snps, , drop = FALSE]
  n_all <- num(raw$N)
  z <- if (has_z) num(raw$Z) else num(raw$b) / num(raw$se)
  keep <- !is.na(z)
  gwas <- list(SNP = raw$SNP[keep], N = n_all[keep], Z = z[keep], A2 = raw$A2[keep], n_all = n_all)
  if (anyNA(gwas$N) || anyNA(gwas$A2)) {
    hdl_input_error(paste0("'", path, "' has panel SNPs with a missing N or A2 (",
                           sum(is.na(gwas$N) | is.na(gwas$A2)), " rows); remove or fix them."), call)
  }
  gwas
}

# Row of `gwas` whose effect lands on each panel SNP: the last row of a repeated SNP, and only
# the first of a SNP repeated within one piece (GenomicSEM assigned effects by name).
hdl_panel_rows <- function(gwas, panel) {
  ids <- lapply(panel$pieces, `[[`, "id")
  piece <- rep(seq_along(panel$pieces), lengths(ids))
  n <- length(gwas$SNP)
  from_end <- match(unlist(ids, use.names = FALSE), rev(gwas$SNP))
  row <- n + 1L - from_end
  row[unlist(lapply(ids, duplicated), use.names = FALSE)] <- NA_integer_
  split(row, factor(piece, levels = seq_along(panel$pieces)))
}

# Effects of one trait on one piece's SNPs.
hdl_piece_effects <- function(gwas, rows, piece) {
  b <- numeric(length(rows))
  hit <- which(!is.na(rows))
  r <- rows[hit]
  sign <- 2 * as.numeric(gwas$A2[r] == piece$a2[hit]) - 1
  b[hit] <- gwas$Z[r] / sqrt(gwas$N[r]) * sign
  b
}

# Correlation of Z over the SNPs two traits share (GenomicSEM: an inner join on SNP).
hdl_rho <- function(g1, g2) {
  if (anyDuplicated(g1$SNP) || anyDuplicated(g2$SNP)) {
    joined <- merge(data.frame(SNP = g1$SNP, x = g1$Z), data.frame(SNP = g2$SNP, y = g2$Z),
                    by = "SNP", sort = FALSE)
    return(suppressWarnings(stats::cor(joined$x, joined$y, use = "complete.obs")))
  }
  m <- match(g1$SNP, g2$SNP)
  ok <- !is.na(m)
  suppressWarnings(stats::cor(g1$Z[ok], g2$Z[m[ok]], use = "complete.obs"))
}
