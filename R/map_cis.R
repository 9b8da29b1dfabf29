#' Map single-cell cis-eQTLs: exact score tests on the null fits
#'
#' For every gene of `genes`, tests every variant within `window` base pairs of its TSS with
#' the score test of the gene's REML null model (from [fit_null_sc()] or [fit_null()]), and
#' combines each gene's p-values by ACAT. The score statistic `T = (Zg)' P y` and its
#' variance `Var(T) = (Zg)' P (Zg)` are exact for every variant (SAIGE-QTL instead multiplies
#' a cheap variance by one "variance ratio" per gene estimated from random markers); they are
#' computed at the donor level from the null fit's stage-1 eigensystem, each block of
#' variants being projected once (`U' D^1/2 G`, shared by all genes of a cell set) and each
#' gene x variant test then costing O(donors x covariates). `BETA = T / Var(T)` and
#' `SE = 1 / sqrt(Var(T))` are the GLS estimate of the allele effect and its standard error
#' with the variance components held at their null values.
#'
#' @section Genotypes: A PLINK 1 prefix (`.bed/.bim/.fam`, SNP-major), read in Rust variant by
#'   variant (the genotype matrix is never held in memory), or
#'   `list(dosage = <donors x variants matrix>, variants = data.frame(CHR, POS, MarkerID,
#'   Allele1, Allele2))` with donor ids as row names. The dosage counts `Allele2` (PLINK: the
#'   `.bim` column-5 allele, A1; `Allele1` is column 6), as SAIGE reports it. Donors are matched
#'   by id (PLINK: the `.fam` IID); donors of the null fit absent from the genotypes are an
#'   error (class `genomicsemrs_error_genotypes`). Variants are scanned by chromosome and
#'   position (a leading `chr` is ignored when matching chromosomes).
#'
#' @section Missing calls and filters: Summaries are over the donors with cells for the gene,
#'   each counted once: `N` donors, `N_cells`, `AC_Allele2`, `AF_Allele2 = AC / (2 n_obs)`,
#'   `MAC`, `MAF`, `ma_samples` (donors carrying the minor allele), `MissingRate`. Missing
#'   calls are replaced by the mean dosage `2 AF_Allele2` before the test. Variants with
#'   `MissingRate > max_missing` (`filter = "missing_rate"`) or `MAC < min_mac`
#'   (`filter = "monomorphic"`) are listed with `NA` statistics and are not counted in
#'   `num_var` or ACAT.
#'
#' @section Explicit pairs: When `genes` has a `MarkerID` column, each row names one gene x
#'   variant pair and exactly those pairs are tested (each once, in scan order), with the same
#'   numbers as in a window holding them. `chrom` and `tss` are taken from the first row of
#'   each gene. Pairs whose `MarkerID` is absent from the genotypes (the first variant of a
#'   repeated id is used) or lies on another chromosome than the gene are dropped with one
#'   warning (class `genomicsemrs_warning_map_cis`) that counts them; `n_var_window` counts
#'   the pairs kept. The variants between a gene's first and last paired variant are read and
#'   projected, so the pairs are meant to be cis.
#' @section Count traits: On a count fit (`trait_type = "count"`) the test is the score test
#'   of the PQL working model at the converged null (`T = sum_i (Zg)_i (y_i - mu_i) w_i /
#'   mu_i`, `Var(T) = (Zg)' P (Zg)` exactly, at donor level), with SAIGE-QTL's saddle-point
#'   approximation for Poisson fits when `|z| > 2`: `p.value` (SPA when `Is.SPA`),
#'   `p.value.NA` (normal approximation), and `SE = |BETA| / |qnorm(p.value / 2)|` for SPA
#'   rows (SAIGE >= 1.3), `1 / sqrt(var)` otherwise. `BETA` is on the log scale. The gene
#'   table carries `phi` and `theta` instead of `s2e`.
#'
#' @section Parallelism, progress and interrupts: Genes are processed in batches of
#'   `batch_size` (sorted by window); within a batch the Rust core uses `cores` threads. With
#'   `future = TRUE` (by default when future.apply is installed and a non-sequential plan is
#'   set) the batches are spread with [future.apply::future_lapply()]; the results do not
#'   depend on the plan. Progress over batches is reported through progressr. Ctrl-C stops a
#'   sequential run within a second.
#'
#' @param null A [fit_null_sc()] or [fit_null()] result (quantitative or count traits).
#' @param genotypes A PLINK prefix, or `list(dosage =, variants =)` (see Genotypes).
#' @param genes Data frame with one row per gene to map: `gene_id` (genes of `null`),
#'   `chrom` (or `CHR`) and `tss` (or `TSS`). With a column `MarkerID`, one row per explicit
#'   gene x variant pair instead (see Explicit pairs).
#' @param window Cis window: variants with `|POS - tss| <= window` on the gene's chromosome
#'   (ignored with explicit pairs).
#' @param min_mac Smallest minor allele count tested (default 1: drops monomorphic variants).
#' @param max_missing Largest missing rate tested (default 0.15, SAIGE-QTL's).
#' @param cores Threads for the Rust core (default: see [genomicsemrs_sitrep()]).
#' @param future Spread gene batches with future.apply: `TRUE`, `FALSE`, or `NULL` (default)
#'   for "when a non-sequential plan is set".
#' @param batch_size Genes per batch (the unit of progress and of future tasks).
#' @param checkpoint A folder that every finished gene batch is written to, or `NULL` (off);
#'   see [userGWAS()]: a rerun with the same inputs resumes, other inputs are refused. With
#'   `output`, the variant file is written from the batch files once all batches are done.
#' @param output `NULL` (default: return the variant table) or a `.tsv.gz` path: the variant
#'   table is written there by the Rust core one gene at a time (numbers as the shortest text
#'   that reads back to the same double, `NA` for missing), so that memory does not grow with
#'   the number of tests, and `variants` in the result is the path. Future workers and
#'   checkpointed batches write part files (next to `output`, or in the checkpoint folder)
#'   that are joined in order.
#' @return A list of class `gsem_cis_map`:
#'   * `variants`: one row per gene x cis variant: `gene_id, CHR, POS, MarkerID, Allele1,
#'     Allele2, AC_Allele2, AF_Allele2, MissingRate, BETA, SE, Tstat, var, p.value, N,
#'     N_cells, tss_distance, MAC, MAF, ma_samples, z, filter` (SAIGE-QTL's names first;
#'     tensorQTL's `slope`, `slope_se`, `ma_count`, `start_distance` are `BETA`, `SE`, `MAC`,
#'     `tss_distance`).
#'   * `genes`: one row per gene: `gene_id, CHR, TSS, n_var_window, num_var, ACAT_p,
#'     top_MarkerID, top_pval, top_BETA, top_SE, top_tss_distance, p_bonf` (`min(1, num_var
#'     top_pval)`), `q_ACAT_BH` (Benjamini-Hochberg over the genes of the call), `n_cells,
#'     n_donors, tau, s2g, s2e`. Genes without a tested variant (or whose null fit failed)
#'     have `NA` statistics.
#' @seealso [fit_null_sc()].
#' @export
#' @examples
#' dir <- genomicsemrs_example("single_cell")
#' cells <- read.delim(file.path(dir, "cells.tsv.gz"))
#' expr <- as.matrix(read.delim(file.path(dir, "expr.tsv.gz"), row.names = 1))
#' fit <- fit_null_sc(expr[1:5, ], cells,
#'                    covariates = ~ age + sex + PC1 + PC2 + cell_type + log_libsize, cores = 1)
#' genes <- read.delim(file.path(dir, "genes.tsv"))
#' res <- map_cis(fit, file.path(dir, "genotypes"), genes[1:5, ], window = 75, cores = 1)
#' res$genes[, c("gene_id", "num_var", "ACAT_p", "top_MarkerID", "top_pval")]
#' # Explicit gene x variant pairs: two variants of the first gene.
#' pairs <- data.frame(gene_id = genes$gene_id[1], chrom = genes$chrom[1],
#'                     tss = genes$tss[1], MarkerID = res$variants$MarkerID[1:2])
#' map_cis(fit, file.path(dir, "genotypes"), pairs, cores = 1)$variants[, 1:6]
map_cis <- function(null, genotypes, genes, window = 1e6, min_mac = 1, max_missing = 0.15,
                    cores = NULL, future = NULL, batch_size = 256L, checkpoint = NULL,
                    output = NULL) {
  call <- sys.call()
  if (inherits(null, "gsem_null_sc") && identical(null$trait_type, "count")) {
    return(map_cis_counts(null, genotypes, genes, window, min_mac, max_missing, cores, future,
                          batch_size, checkpoint, output, call))
  }
  check_null_fit(null, call)
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
  windows <- cis_windows(cis, geno$variants, window, call)
  tasks <- cis_tasks(null, cis, windows, batch_size)
  setup <- list(null = null, geno = geno, cis = cis, windows = windows, donor_rows = donor_rows,
                min_mac = min_mac, max_missing = max_missing, threads = threads, call = call)
  run <- if (is.null(checkpoint)) {
    run_cis_tasks(tasks, setup, use_future, output)
  } else {
    fingerprint <- list("map_cis", null$genes, null$stage1, geno, cis, windows, min_mac,
                        max_missing, batch_size, is.null(output))
    cp <- checkpoint_open(checkpoint, fingerprint, length(tasks), call)
    run_cis_checkpointed(tasks, setup, use_future, output, cp)
  }
  cis_result(setup, tasks, run, output)
}

# With a checkpoint every batch's result is on disk as soon as it finishes; with `output` its
# variant rows are in a part file of the checkpoint folder, and the output file is the header
# followed by the parts.
run_cis_checkpointed <- function(tasks, setup, use_future, output, cp) {
  part <- function(task) file.path(cp$dir, sprintf("variants-%06d.tsv.gz", task$index))
  run <- run_batches(tasks, function(task, threads) {
    if (is.null(output)) return(run_cis_task(task, setup, threads))
    run_cis_task(task, setup, threads, target = part(task), append = FALSE)
  }, setup$threads, use_future, cp, setup$call)
  if (!is.null(output)) join_variant_parts(output, vapply(tasks, part, ""), setup$call)
  run
}

# Batches of genes: per cell group, the mapped genes sorted by window, `batch_size` at a time.
cis_tasks <- function(null, cis, windows, batch_size) {
  tasks <- list()
  for (k in seq_along(null$stage1)) {
    group <- null$stage1[[k]]
    if (is.null(group$state)) next
    in_group <- which(cis$gene_id %in% group$genes)
    if (!length(in_group)) next
    in_group <- in_group[order(windows$start[in_group], windows$end[in_group])]
    for (genes in split_batches(in_group, batch_size)) {
      tasks[[length(tasks) + 1L]] <- list(group = k, genes = genes, index = length(tasks) + 1L)
    }
  }
  tasks
}

# One batch; with `target` the variant rows go to that file (appended, or a new file) and only
# the gene table comes back.
run_cis_task <- function(task, setup, threads, target = NULL, append = TRUE) {
  null <- setup$null
  group <- null$stage1[[task$group]]
  state <- group$state
  rows <- setup$donor_rows[state$donors]
  fit <- setup$cis$fit[task$genes]
  columns <- match(setup$cis$gene_id[task$genes], group$genes)
  geno <- setup$geno
  w <- setup$windows
  source <- if (is.null(geno$bed)) geno$dosage else geno$bed
  pairs <- if (is.null(w$pairs)) integer() else w$pairs[task$genes]
  labels <- if (is.null(target)) NULL else cis_labels(setup, task$genes)
  rs_value(rs_map_cis_sc(state, source, length(geno$ids), nrow(geno$variants), rows, w$scan,
                         task$genes, null$genes$tau[fit], null$genes$sigma2_e[fit],
                         group$score[, columns, drop = FALSE], w$start[task$genes],
                         w$end[task$genes], lengths(pairs), as.integer(unlist(pairs)),
                         setup$min_mac, setup$max_missing, target, append, labels, threads),
           call = setup$call)
}

run_cis_tasks <- function(tasks, setup, use_future, output) {
  progress <- progress_function(length(tasks))
  worker_threads <- if (is.na(setup$threads)) 1L else setup$threads
  spread <- use_future && length(tasks) > 1L
  # Sequential runs append to `output` directly; future workers each write a part file next to
  # it, joined in order afterwards.
  part <- function(i) if (spread) paste0(output, ".part", i) else output
  if (!is.null(output) && !spread) write_variant_header(output, setup$call)
  one <- function(i, threads) {
    out <- if (is.null(output)) {
      run_cis_task(tasks[[i]], setup, threads)
    } else {
      run_cis_task(tasks[[i]], setup, threads, target = part(i), append = !spread)
    }
    progress()
    out
  }
  run <- if (spread) {
    future.apply::future_lapply(seq_along(tasks), one, threads = worker_threads,
                                future.seed = NULL, future.packages = "genomicsemrs")
  } else {
    lapply(seq_along(tasks), one, threads = setup$threads)
  }
  if (!is.null(output) && spread) {
    parts <- vapply(seq_along(tasks), part, "")
    join_variant_parts(output, parts, setup$call)
    unlink(parts)
  }
  run
}
