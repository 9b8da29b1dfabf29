# Input preparation for map_cis(): the null fit, the genotypes (PLINK prefix or dosage list),
# the cis map of genes and the windows in scan order. Everything is checked here so that the
# Rust side receives plain, consistent data.

check_null_fit <- function(null, call) {
  if (!inherits(null, "gsem_null_sc")) {
    argument_error("null", "a fit_null_sc() or fit_null() result", null, call = call)
  }
  if (!identical(null$trait_type %||% "quantitative", "quantitative")) {
    gsem_abort(paste0("`null` is a ", null$trait_type, " fit; map_cis() tests quantitative ",
                      "traits only so far."), class = "map_cis", call = call)
  }
  kept <- vapply(null$stage1, function(g) is.null(g$state) || !is.null(g$score), logical(1))
  if (!all(kept)) {
    gsem_abort(paste0("`null` lacks the per-gene statistics that association tests need ",
                      "(it was fitted by an older version of genomicsemrs). Refit it with ",
                      "fit_null_sc() or fit_null()."), class = "map_cis", call = call)
  }
  invisible(null)
}

# The genotypes as list(bed = path or NULL, dosage = matrix or NULL, ids = sample ids,
# variants = data.frame(CHR, POS, MarkerID, Allele1, Allele2)).
genotype_input <- function(genotypes, call) {
  if (is.character(genotypes)) {
    check_string(genotypes, "genotypes", call = call)
    prefix <- sub("\\.(bed|bim|fam)$", "", genotypes)
    files <- paste0(prefix, c(".bed", ".bim", ".fam"))
    check_files_exist(files, "genotypes", call = call)
    tables <- rs_value(rs_read_plink_tables(files[2], files[3]), call = call)
    variants <- data.frame(CHR = tables$CHR, POS = tables$POS, MarkerID = tables$MarkerID,
                           Allele1 = tables$Allele1, Allele2 = tables$Allele2,
                           stringsAsFactors = FALSE)
    return(list(bed = normalizePath(files[1]), dosage = NULL, ids = tables$IID,
                variants = variants))
  }
  if (!is.list(genotypes) || is.data.frame(genotypes) ||
      !all(c("dosage", "variants") %in% names(genotypes))) {
    argument_error("genotypes", paste0("a PLINK prefix (.bed/.bim/.fam) or list(dosage = ",
                                       "donors x variants matrix, variants = data frame)"),
                   genotypes, call = call)
  }
  dosage <- check_matrix(genotypes$dosage, "genotypes$dosage", allow_na = TRUE, call = call)
  if (any(is.infinite(dosage)) || any(dosage < 0 | dosage > 2, na.rm = TRUE)) {
    gsem_abort(paste0("`genotypes$dosage` must hold dosages between 0 and 2 (NA = missing); ",
                      "found values outside that range."), class = "argument", call = call)
  }
  if (is.null(rownames(dosage))) {
    gsem_abort(paste0("`genotypes$dosage` needs donor ids as row names (one row per donor, ",
                      "one column per variant)."), class = "argument", call = call)
  }
  variants <- check_data_frame(genotypes$variants, "genotypes$variants",
                               c("CHR", "POS", "MarkerID", "Allele1", "Allele2"), call = call)
  check_numeric_columns(variants, "POS", "genotypes$variants", call = call)
  if (nrow(variants) != ncol(dosage)) {
    gsem_abort(paste0("`genotypes$variants` has ", nrow(variants), " rows but ",
                      "`genotypes$dosage` has ", ncol(dosage), " columns: give one row per ",
                      "variant (column of the dosage matrix), in the same order."),
               class = "argument", call = call)
  }
  variants <- data.frame(CHR = as.character(variants$CHR), POS = as.double(variants$POS),
                         MarkerID = as.character(variants$MarkerID),
                         Allele1 = as.character(variants$Allele1),
                         Allele2 = as.character(variants$Allele2), stringsAsFactors = FALSE)
  list(bed = NULL, dosage = dosage, ids = rownames(dosage), variants = variants)
}

# Genotype row (1-based) of every donor of the null fit; missing donors are an error.
match_donors <- function(null, geno, call) {
  rows <- match(null$donors, geno$ids)
  if (anyNA(rows)) {
    absent <- null$donors[is.na(rows)]
    gsem_abort(paste0(length(absent), " donor(s) of the null fit are absent from `genotypes`: ",
                      list_ids(absent), ". Check that the genotype sample ids (",
                      list_ids(geno$ids, 3L), ") are the donor ids of the fit, or refit ",
                      "without those donors."), class = "genotypes", call = call)
  }
  rows
}

# The cis map: gene_id, chrom (or CHR) and tss (or TSS), genes of the null fit; with a
# `MarkerID` column, rows are explicit gene x variant pairs (one gene row per gene is kept,
# its pairs in `pairs`).
gene_input <- function(genes, null, call) {
  check_data_frame(genes, "genes", "gene_id", call = call)
  pick <- function(a, b) {
    if (a %in% names(genes)) return(a)
    if (b %in% names(genes)) return(b)
    gsem_abort(paste0("`genes` needs a column `", a, "` (or `", b, "`); its columns are ",
                      paste0("'", names(genes), "'", collapse = ", "), "."), call = call)
  }
  chrom <- pick("chrom", "CHR")
  tss <- pick("tss", "TSS")
  check_numeric_columns(genes, tss, "genes", call = call)
  ids <- as.character(genes$gene_id)
  paired <- "MarkerID" %in% names(genes)
  pairs <- NULL
  if (paired) {
    markers <- as.character(genes$MarkerID)
    check_strings(markers, "genes$MarkerID", call = call)
    first <- !duplicated(ids)
    pairs <- split(markers, factor(ids, levels = unique(ids)))
    genes <- genes[first, , drop = FALSE]
    ids <- ids[first]
  } else {
    check_strings(ids, "genes$gene_id", unique = TRUE, call = call)
  }
  if (anyNA(genes[[tss]]) || anyNA(genes[[chrom]])) {
    gsem_abort("`genes` must not have missing chromosomes or TSS positions.", call = call)
  }
  at <- match(ids, null$genes$gene)
  if (anyNA(at)) {
    gsem_abort(paste0(sum(is.na(at)), " gene(s) of `genes` are not in the null fit: ",
                      list_ids(ids[is.na(at)]), ". Fit them with fit_null_sc() first or drop ",
                      "them from `genes`."), class = "map_cis", call = call)
  }
  out <- data.frame(gene_id = ids, chrom = as.character(genes[[chrom]]),
                    tss = as.double(genes[[tss]]), fit = at, stringsAsFactors = FALSE)
  if (paired) attr(out, "pairs") <- unname(pairs)
  out
}

# Variants in scan order (by chromosome, then position) and each gene's window as 0-based
# start (inclusive) and end (exclusive) scan positions, `n` variants; with explicit pairs,
# `pairs` holds each gene's 1-based scan positions (increasing) and the window spans them.
cis_windows <- function(cis, variants, window, call = NULL) {
  chrom <- sub("^chr", "", variants$CHR, ignore.case = TRUE)
  scan <- order(chrom, variants$POS)
  gene_chrom <- sub("^chr", "", cis$chrom, ignore.case = TRUE)
  if (!is.null(attr(cis, "pairs"))) return(pair_windows(cis, variants, chrom, scan, gene_chrom, call))
  sorted_chrom <- chrom[scan]
  sorted_pos <- variants$POS[scan]
  first <- match(unique(sorted_chrom), sorted_chrom)
  names(first) <- unique(sorted_chrom)
  last <- c(first[-1] - 1L, length(scan))
  names(last) <- names(first)
  start <- end <- integer(nrow(cis))
  for (i in seq_len(nrow(cis))) {
    b <- first[gene_chrom[i]]
    if (is.na(b)) next
    e <- last[gene_chrom[i]]
    pos <- sorted_pos[b:e]
    lo <- findInterval(cis$tss[i] - window, pos, left.open = TRUE)
    hi <- findInterval(cis$tss[i] + window, pos)
    start[i] <- b - 1L + lo
    end[i] <- b - 1L + max(lo, hi)
  }
  list(scan = scan, start = as.integer(start), end = as.integer(end),
       n = as.integer(end - start), pairs = NULL)
}

# Explicit pairs: variants matched by MarkerID (the first of duplicated ids) on the gene's
# chromosome; pairs naming an unknown variant, or one on another chromosome, are dropped with
# one counted warning each.
pair_windows <- function(cis, variants, chrom, scan, gene_chrom, call) {
  rank <- integer(length(scan))
  rank[scan] <- seq_along(scan)
  pairs <- attr(cis, "pairs")
  unknown <- elsewhere <- 0L
  examples <- character()
  positions <- lapply(seq_along(pairs), function(i) {
    v <- match(pairs[[i]], variants$MarkerID)
    missing <- is.na(v)
    unknown <<- unknown + sum(missing)
    if (any(missing)) examples <<- c(examples, pairs[[i]][missing])
    v <- v[!missing]
    other <- chrom[v] != gene_chrom[i]
    elsewhere <<- elsewhere + sum(other)
    sort(unique(rank[v[!other]]))
  })
  if (unknown > 0L) {
    gsem_warn(paste0(unknown, " gene x variant pair(s) of `genes` name a MarkerID absent from ",
                     "`genotypes` (", list_ids(unique(examples)), "); they were dropped."),
              class = "map_cis", call = call)
  }
  if (elsewhere > 0L) {
    gsem_warn(paste0(elsewhere, " gene x variant pair(s) of `genes` name a variant on another ",
                     "chromosome than the gene's; they were dropped (map_cis() tests cis ",
                     "pairs)."), class = "map_cis", call = call)
  }
  n <- lengths(positions)
  start <- vapply(positions, function(p) if (length(p)) p[1] - 1L else 0L, integer(1))
  end <- vapply(positions, function(p) if (length(p)) p[length(p)] else 0L, integer(1))
  list(scan = scan, start = as.integer(start), end = as.integer(end), n = as.integer(n),
       pairs = lapply(positions, as.integer))
}
