# The step-2 reference (shared/reference/single_cell/step2) for map_cis() tests.
cis_cache <- new.env(parent = emptyenv())

cis_ref <- function() {
  if (is.null(cis_cache$ref)) {
    dir <- reference_dir("single_cell", "step2")
    goldens <- readRDS(file.path(dir, "quant_goldens.rds"))
    genes <- utils::read.delim(file.path(dir, "genes.tsv"), stringsAsFactors = FALSE)
    varcomp <- readRDS(reference_dir("single_cell", "golden_denseR.rds"))$varcomp
    cis_cache$ref <- list(dir = dir, assoc = goldens$assoc, genes_golden = goldens$genes,
                          genes = genes[genes$trait_type == "quantitative", ],
                          dosages = readRDS(file.path(dir, "dosages.rds")),
                          plink = file.path(dir, "genotypes_cis"), varcomp = varcomp)
  }
  cis_cache$ref
}

# The package's null fit with (tau, s2e) replaced by the golden null's.
cis_golden_null <- function(kernel) {
  fit <- sc_fit(kernel)
  vc <- cis_ref()$varcomp
  vc <- vc[vc$kernel == kernel, ]
  at <- match(fit$genes$gene, vc$gene_id)
  fit$genes$tau <- vc$tau[at]
  fit$genes$sigma2_e <- vc$s2e[at]
  fit$genes$sigma2_g <- vc$s2g[at]
  fit
}

cis_map <- function(kernel, source = c("plink", "dosage"), golden_null = TRUE, ...) {
  source <- match.arg(source)
  key <- paste("map", kernel, source, golden_null, sep = "_")
  if (is.null(cis_cache[[key]]) || length(list(...))) {
    ref <- cis_ref()
    null <- if (golden_null) cis_golden_null(kernel) else sc_fit(kernel)
    geno <- if (source == "plink") ref$plink else ref$dosages
    out <- map_cis(null, geno, ref$genes, window = 75, future = FALSE, ...)
    if (length(list(...))) return(out)
    cis_cache[[key]] <- out
  }
  cis_cache[[key]]
}

# Worst relative / log10 differences between our variant table and the golden one.
cis_worst <- function(ours, golden) {
  key <- function(d) paste(d$gene_id, d$MarkerID)
  at <- match(key(golden), key(ours))
  stopifnot(!anyNA(at), nrow(ours) == nrow(golden))
  o <- ours[at, ]
  rel <- function(col) max_rel_diff(o[[col]], golden[[col]])
  # T and BETA relative to max(|x|, small_z sd(x)): see helper-tolerances.R.
  floored <- function(col, sd) {
    ok <- !is.na(golden[[col]])
    scale <- pmax(abs(golden[[col]]), cis_tolerances$small_z * sd)[ok]
    max(abs(o[[col]][ok] - golden[[col]][ok]) / scale, 0)
  }
  list(
    Tstat = floored("Tstat", sqrt(golden$var)), var = rel("var"),
    BETA = floored("BETA", golden$SE), SE = rel("SE"),
    dT_sd = max(abs(o$Tstat - golden$Tstat) * golden$SE, na.rm = TRUE),
    log10p = max(abs(log10(o$p.value) - log10(golden$p.value)), na.rm = TRUE),
    na_same = identical(is.na(o$p.value), is.na(golden$p.value)),
    rows = o
  )
}
