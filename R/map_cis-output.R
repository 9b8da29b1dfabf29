# Shaping map_cis() results: the variant table of spec section 6 from the Rust columns, the
# gene table with ACAT, top variant, Bonferroni and BH, and the print method.

# The streamed variant file: its header (one gzip member, the Rust core's column names) and
# the joining of part files written by workers or checkpointed batches (gzip members
# concatenate into one valid stream).
write_variant_header <- function(output, call) {
  con <- open_for_writing(function() gzfile(output, "w"), paste0("`output` ('", output, "')"),
                          call)
  on.exit(close(con))
  writeLines(paste(rs_cis_variant_columns(), collapse = "\t"), con)
}

join_variant_parts <- function(output, parts, call) {
  write_variant_header(output, call)
  if (length(parts) && !all(file.append(output, parts))) {
    gsem_abort(paste0("Cannot append the variant rows to `output` ('", output, "'). Check the ",
                      "free disk space and rerun."), class = "io", call = call)
  }
}

# What the Rust writer needs for a batch of genes: the variants of the scan positions its
# windows span (from 0-based position `first`) and each gene's id, TSS, donors and cells.
cis_labels <- function(setup, genes) {
  w <- setup$windows
  first <- min(w$start[genes])
  span <- max(0L, max(w$end[genes]) - first)
  variant <- w$scan[first + seq_len(span)]
  info <- setup$geno$variants
  fit <- setup$cis$fit[genes]
  null_genes <- setup$null$genes
  list(first = as.double(first), CHR = info$CHR[variant], POS = info$POS[variant],
       MarkerID = info$MarkerID[variant], Allele1 = info$Allele1[variant],
       Allele2 = info$Allele2[variant], gene_id = setup$cis$gene_id[genes],
       tss = setup$cis$tss[genes], N = as.double(null_genes$n_donors[fit]),
       N_cells = as.double(null_genes$n_cells[fit]))
}

# The variant table (gene_id first, genes in the order of `genes`) from the Rust columns of
# all batches: each column concatenated once, permuted once.
cis_variant_table <- function(setup, run) {
  parts <- lapply(run, `[[`, "variants")
  v <- lapply(stats::setNames(nm = names(empty_columns())), function(col) {
    unlist(c(list(empty_columns()[[col]]), lapply(parts, `[[`, col)), use.names = FALSE)
  })
  if (is.unsorted(v$gene)) {
    o <- order(v$gene, method = "radix")
    v <- lapply(v, `[`, o)
  }
  cis <- setup$cis
  variant <- setup$windows$scan[v$position]
  info <- setup$geno$variants
  fit <- cis$fit[v$gene]
  null_genes <- setup$null$genes
  pos <- info$POS[variant]
  sd <- sqrt(v$var)
  table <- list(
    gene_id = cis$gene_id[v$gene], CHR = info$CHR[variant], POS = pos,
    MarkerID = info$MarkerID[variant], Allele1 = info$Allele1[variant],
    Allele2 = info$Allele2[variant], AC_Allele2 = v$AC_Allele2, AF_Allele2 = v$AF_Allele2,
    MissingRate = v$MissingRate, BETA = v$Tstat / v$var, SE = 1 / sd, Tstat = v$Tstat,
    var = v$var, p.value = v$p.value, N = null_genes$n_donors[fit],
    N_cells = null_genes$n_cells[fit], tss_distance = pos - cis$tss[v$gene], MAC = v$MAC,
    MAF = v$MAF, ma_samples = v$ma_samples, z = v$Tstat / sd, filter = v$filter
  )
  structure(table, names = rs_cis_variant_columns(), class = "data.frame",
            row.names = .set_row_names(length(v$gene)))
}

cis_result <- function(setup, tasks, run, output) {
  cis <- setup$cis
  gene_col <- function(col) unlist(lapply(run, function(r) r$genes[[col]]), use.names = FALSE)
  fit <- cis$fit
  null_genes <- setup$null$genes
  genes <- data.frame(gene_id = cis$gene_id, CHR = cis$chrom, TSS = cis$tss,
                      n_var_window = setup$windows$n, num_var = 0L,
                      ACAT_p = NA_real_, top_MarkerID = NA_character_, top_pval = NA_real_,
                      top_BETA = NA_real_, top_SE = NA_real_, top_tss_distance = NA_real_,
                      p_bonf = NA_real_, q_ACAT_BH = NA_real_,
                      n_cells = null_genes$n_cells[fit], n_donors = null_genes$n_donors[fit],
                      tau = null_genes$tau[fit], s2g = null_genes$sigma2_g[fit],
                      s2e = null_genes$sigma2_e[fit], stringsAsFactors = FALSE)
  at <- gene_col("gene")
  num_var <- gene_col("num_var")
  genes$num_var[at] <- as.integer(num_var)
  genes$ACAT_p[at] <- ifelse(num_var > 0, gene_col("ACAT_p"), NA_real_)
  top <- gene_col("top")
  has_top <- !is.na(top)
  if (any(has_top)) {
    g <- at[has_top]
    info <- setup$geno$variants
    top_variant <- setup$windows$scan[top[has_top]]
    top_var <- gene_col("top_var")[has_top]
    genes$top_MarkerID[g] <- info$MarkerID[top_variant]
    genes$top_pval[g] <- gene_col("top_pval")[has_top]
    genes$top_BETA[g] <- gene_col("top_Tstat")[has_top] / top_var
    genes$top_SE[g] <- 1 / sqrt(top_var)
    genes$top_tss_distance[g] <- info$POS[top_variant] - cis$tss[g]
  }
  genes$p_bonf <- pmin(1, genes$num_var * genes$top_pval)
  genes$q_ACAT_BH <- stats::p.adjust(genes$ACAT_p, "BH")
  variants <- if (is.null(output)) cis_variant_table(setup, run) else output
  out <- structure(list(variants = variants, genes = genes), class = "gsem_cis_map")
  # Benchmarks (bench/map_cis.R): seconds per phase of the Rust core, summed over batches.
  if (isTRUE(getOption("genomicsemrs.map_cis_timings"))) {
    attr(out, "timings") <- Reduce(`+`, lapply(run, function(r) unlist(r$timings)), 0)
  }
  out
}

empty_columns <- function() {
  list(gene = integer(), position = integer(), AC_Allele2 = numeric(), AF_Allele2 = numeric(),
       MissingRate = numeric(), MAC = numeric(), MAF = numeric(), ma_samples = integer(),
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
