# Shaping map_cis() results: the variant table of spec section 6 from the Rust columns, the
# gene table with ACAT, top variant, Bonferroni and BH, and the print method.

# Rows of the Rust variant columns `v` as a data frame (gene_id first).
cis_variant_table <- function(setup, v) {
  cis <- setup$cis
  variant <- setup$windows$scan[v$position]
  info <- setup$geno$variants[variant, , drop = FALSE]
  fit <- cis$fit[v$gene]
  null_genes <- setup$null$genes
  sd <- sqrt(v$var)
  data.frame(
    gene_id = cis$gene_id[v$gene], CHR = info$CHR, POS = info$POS, MarkerID = info$MarkerID,
    Allele1 = info$Allele1, Allele2 = info$Allele2, AC_Allele2 = v$AC_Allele2,
    AF_Allele2 = v$AF_Allele2, MissingRate = v$MissingRate, BETA = v$Tstat / v$var,
    SE = 1 / sd, Tstat = v$Tstat, var = v$var, p.value = v$p.value,
    N = null_genes$n_donors[fit], N_cells = null_genes$n_cells[fit],
    tss_distance = info$POS - cis$tss[v$gene], MAC = v$MAC, MAF = v$MAF,
    ma_samples = as.integer(v$ma_samples), z = v$Tstat / sd, filter = v$filter,
    stringsAsFactors = FALSE, row.names = NULL
  )
}

# The Rust variant columns restricted to each gene's top variant.
cis_top_rows <- function(result) {
  v <- result$variants
  g <- result$genes
  keep <- which(paste(v$gene, v$position) %in% paste(g$gene, g$top))
  lapply(v, `[`, keep)
}

cis_result <- function(setup, tasks, run, output) {
  cis <- setup$cis
  n <- nrow(cis)
  variant_parts <- lapply(run, function(r) cis_variant_table(setup, r$variants))
  variants <- do.call(rbind, c(list(cis_variant_table(setup, empty_columns())), variant_parts))
  gene_cols <- lapply(c("gene", "num_var", "ACAT_p", "top"), function(col) {
    unlist(lapply(run, function(r) r$genes[[col]]), use.names = FALSE)
  })
  names(gene_cols) <- c("gene", "num_var", "ACAT_p", "top")
  fit <- cis$fit
  null_genes <- setup$null$genes
  n_var_window <- setup$windows$end - setup$windows$start
  genes <- data.frame(gene_id = cis$gene_id, CHR = cis$chrom, TSS = cis$tss,
                      n_var_window = as.integer(n_var_window), num_var = 0L,
                      ACAT_p = NA_real_, top_MarkerID = NA_character_, top_pval = NA_real_,
                      top_BETA = NA_real_, top_SE = NA_real_, top_tss_distance = NA_real_,
                      p_bonf = NA_real_, q_ACAT_BH = NA_real_,
                      n_cells = null_genes$n_cells[fit], n_donors = null_genes$n_donors[fit],
                      tau = null_genes$tau[fit], s2g = null_genes$sigma2_g[fit],
                      s2e = null_genes$sigma2_e[fit], stringsAsFactors = FALSE)
  at <- gene_cols$gene
  genes$num_var[at] <- as.integer(gene_cols$num_var)
  genes$ACAT_p[at] <- ifelse(gene_cols$num_var > 0, gene_cols$ACAT_p, NA_real_)
  key <- paste(variants$gene_id, variants$POS, variants$MarkerID)
  has_top <- !is.na(gene_cols$top)
  top_variant <- setup$windows$scan[gene_cols$top[has_top]]
  info <- setup$geno$variants[top_variant, , drop = FALSE]
  rows <- match(paste(cis$gene_id[at[has_top]], info$POS, info$MarkerID), key)
  g <- at[has_top]
  genes$top_MarkerID[g] <- info$MarkerID
  genes$top_pval[g] <- variants$p.value[rows]
  genes$top_BETA[g] <- variants$BETA[rows]
  genes$top_SE[g] <- variants$SE[rows]
  genes$top_tss_distance[g] <- info$POS - cis$tss[g]
  genes$p_bonf <- pmin(1, genes$num_var * genes$top_pval)
  genes$q_ACAT_BH <- stats::p.adjust(genes$ACAT_p, "BH")
  if (!is.null(output)) {
    variants <- output
  } else {
    order_rows <- order(match(variants$gene_id, cis$gene_id), seq_len(nrow(variants)))
    variants <- variants[order_rows, , drop = FALSE]
    rownames(variants) <- NULL
  }
  structure(list(variants = variants, genes = genes), class = "gsem_cis_map")
}

empty_columns <- function() {
  list(gene = integer(), position = integer(), AC_Allele2 = numeric(), AF_Allele2 = numeric(),
       MissingRate = numeric(), MAC = numeric(), MAF = numeric(), ma_samples = numeric(),
       filter = character(), Tstat = numeric(), var = numeric(), p.value = numeric())
}

#' @export
print.gsem_cis_map <- function(x, n = 6L, ...) {
  genes <- x$genes
  tested <- sum(genes$num_var)
  cat("Single-cell cis-eQTL map (exact score tests): ", nrow(genes), " genes, ", tested,
      " tests", if (is.character(x$variants)) paste0(" (variants in ", x$variants, ")"), "\n",
      sep = "")
  shown <- genes[order(genes$ACAT_p), c("gene_id", "num_var", "ACAT_p", "top_MarkerID",
                                        "top_pval", "top_BETA", "q_ACAT_BH")]
  print(utils::head(shown, n), digits = 4, row.names = FALSE)
  invisible(x)
}
