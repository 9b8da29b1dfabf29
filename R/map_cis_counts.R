# map_cis() on a count null fit (fit_null_sc(trait_type = "count")): the PQL score test with
# the Poisson SPA (spec shared/spec/single_cell_step2.md section 4). Inputs, windows and the
# gene table are shared with the quantitative path (map_cis-inputs.R, map_cis-output.R).

map_cis_counts <- function(null, genotypes, genes, window, min_mac, max_missing, cores, future,
                           batch_size, checkpoint, output, call) {
  if (is.null(null$count)) {
    gsem_abort("`null` lacks its count-model state; refit it with fit_null_sc().",
               class = "map_cis", call = call)
  }
  window <- check_number(window, "window", lower = 0, call = call)
  min_mac <- check_number(min_mac, "min_mac", lower = 0, call = call)
  max_missing <- check_number(max_missing, "max_missing", lower = 0, upper = 1, call = call)
  threads <- resolve_cores(cores, call = call)
  use_future <- resolve_future(future, call)
  batch_size <- as.integer(check_number(batch_size, "batch_size", lower = 1, whole = TRUE,
                                        call = call))
  if (!is.null(output)) check_writable_file(output, "output", call = call)
  geno <- genotype_input(genotypes, call)
  cis <- gene_input(genes, null, call)
  donor_rows <- match_donors(null, geno, call)
  windows <- cis_windows(cis, geno$variants, window)
  order_genes <- order(windows$start, windows$end)
  tasks <- lapply(split_batches(order_genes, batch_size), function(g) list(genes = g))
  shaped <- null
  shaped$genes$sigma2_e <- NA_real_  # the shared gene table has an s2e column; dropped below
  setup <- list(null = shaped, geno = geno, cis = cis, windows = windows, donor_rows = donor_rows,
                min_mac = min_mac, max_missing = max_missing, threads = threads, call = call)
  run_task <- function(task, threads) count_cis_task(task, setup, threads)
  cp <- if (is.null(checkpoint)) NULL else
    checkpoint_open(checkpoint, list("map_cis_counts", null$genes, null$count$residual, geno,
                                     cis, windows, min_mac, max_missing, batch_size),
                    length(tasks), call)
  run <- lapply(run_batches(tasks, run_task, threads, use_future, cp, call), count_gene_tops)
  result <- cis_result(setup, tasks, run, NULL)
  variants <- do.call(rbind, c(list(count_variant_table(setup, count_empty_columns())),
                               lapply(run, function(r) count_variant_table(setup, r$variants))))
  variants <- variants[order(match(variants$gene_id, cis$gene_id), seq_len(nrow(variants))), ,
                       drop = FALSE]
  rownames(variants) <- NULL
  # The top variant's SE is the SPA one where SPA was used.
  genes_out <- result$genes
  top <- match(paste(genes_out$gene_id, genes_out$top_MarkerID),
               paste(variants$gene_id, variants$MarkerID))
  genes_out$top_SE <- variants$SE[top]
  fit <- cis$fit
  genes_out$s2e <- NULL
  genes_out$phi <- null$genes$phi[fit]
  genes_out$theta <- null$genes$theta[fit]
  if (!is.null(output)) {
    con <- open_for_writing(function() gzfile(output, "w"), paste0("`output` ('", output, "')"),
                            call)
    on.exit(close(con), add = TRUE)
    utils::write.table(variants, con, sep = "\t", quote = FALSE, row.names = FALSE, na = "NA")
    variants <- output
  }
  structure(list(variants = variants, genes = genes_out, family = null$family),
            class = "gsem_cis_map")
}

count_cis_task <- function(task, setup, threads) {
  null <- setup$null
  state <- null$count
  fit <- setup$cis$fit[task$genes]
  geno <- setup$geno
  source <- if (is.null(geno$bed)) geno$dosage else geno$bed
  theta <- if (identical(null$family, "nb")) null$genes$theta[fit] else rep(NA_real_, length(fit))
  rs_value(rs_map_cis_counts(source, length(geno$ids), nrow(geno$variants), setup$donor_rows,
                             setup$windows$scan, task$genes, null$genes$tau[fit], theta,
                             state$beta[, fit, drop = FALSE],
                             state$residual[, fit, drop = FALSE], state$missing_cells[fit],
                             setup$windows$start[task$genes], setup$windows$end[task$genes],
                             null$donor_of_cell, state$kernel, state$x, ncol(state$x),
                             state$offset, setup$min_mac, setup$max_missing, threads),
           call = setup$call)
}

# The variant table of a count map: the quantitative columns plus p.value.NA and Is.SPA, and
# SAIGE's SE for SPA rows (|BETA| / |qnorm(p.value / 2)|).
count_variant_table <- function(setup, v) {
  if (is.unsorted(v$gene)) v <- lapply(v, `[`, order(v$gene, method = "radix"))
  out <- cis_variant_table(setup, list(list(variants = v)))
  spa <- v$`Is.SPA` %in% TRUE
  out$SE[spa] <- abs(out$BETA[spa]) / abs(stats::qnorm(out$p.value[spa] / 2))
  at <- match("p.value", names(out))
  cbind(out[seq_len(at)], p.value.NA = v$`p.value.NA`, Is.SPA = ifelse(is.na(v$Tstat), NA, spa),
        out[-seq_len(at)])
}

count_empty_columns <- function() {
  c(empty_columns(), list(p.value.NA = numeric(), Is.SPA = logical()))
}

# The shared gene table takes the top variant's p, T and var from each batch's gene columns;
# the count core reports only the top variant's position, so they are read off its row.
count_gene_tops <- function(batch) {
  v <- batch$variants
  g <- batch$genes
  row <- match(paste(g$gene, g$top), paste(v$gene, v$position))
  g$top_pval <- v$p.value[row]
  g$top_Tstat <- v$Tstat[row]
  g$top_var <- v$var[row]
  batch$genes <- g
  batch
}
