# Fuzz targets of stratified Genomic SEM (see test-fuzz.R).
fuzz_targets_stratified <- function(dir) {
  d <- genomicsemrs_example("stratified")
  s_dir <- file.path(dir, "stratified")
  dir.create(s_dir)
  args <- list(traits = file.path(d, paste0("T", 1:3, ".sumstats.gz")), sample.prev = NULL,
               population.prev = NULL, ld = file.path(d, "baseline."), wld = file.path(d, "weights."),
               frq = file.path(d, "1000G.EUR.QC."), trait.names = c("T1", "T2", "T3"),
               n.blocks = 20, ldsc.log = NULL, exclude_cont = TRUE, cores = 1)
  s_covstruc <- withr::with_dir(s_dir, withr::with_options(list(genomicsemrs.verbose = FALSE),
                                                            do.call(s_ldsc, args)))
  list(
    s_ldsc = list(fun = function(...) withr::with_dir(s_dir, s_ldsc(...)), tables = character(),
                  args = args,
                  check = function(x) {
                    bad <- all_finite(unlist(x$S), "S")
                    if (is.null(bad)) all_finite(unlist(x$V), "V") else bad
                  }),
    enrich = list(fun = enrich, tables = character(), args = list(
      s_covstruc = s_covstruc, model = "F1 =~ T1 + T2 + T3", params = "F1~~F1", fix = "regressions",
      std.lv = FALSE, rm_flank = TRUE, tau = FALSE, base = TRUE, toler = NULL, fixparam = NULL),
      check = function(x) if (length(x)) NULL else "an empty result")
  )
}

# map_cis() on the bundled single-cell example: cis windows, and explicit gene x variant
# pairs (the `genes` table with a MarkerID column, its rows and columns mutated too).
fuzz_targets_cis <- function(dir) {
  sc <- sc_example()
  sc_dir <- genomicsemrs_example("single_cell")
  fit <- fit_null_sc(sc$expr[1:4, ], sc$cells, covariates = ~ age + sex, future = FALSE)
  genes <- utils::read.delim(file.path(sc_dir, "genes.tsv"))[1:4, ]
  check <- function(x) {
    if (!nrow(x$genes)) return("no genes")
    v <- x$variants
    tested <- !is.na(v$var)
    if (!nrow(v)) return(NULL)
    all_finite(c(v$Tstat[tested], v$var[tested], 1), "tested variants' statistics")
  }
  bim <- utils::read.table(file.path(sc_dir, "genotypes.bim"))
  pairs <- data.frame(gene_id = rep(genes$gene_id[1:2], each = 3),
                      chrom = rep(genes$chrom[1:2], each = 3), tss = rep(genes$tss[1:2], each = 3),
                      MarkerID = bim$V2[c(1:3, 30, 31, 200)])
  args <- list(null = fit, genotypes = file.path(sc_dir, "genotypes"), genes = genes,
               window = 75, min_mac = 1, max_missing = 0.15, cores = 1, future = FALSE,
               batch_size = 2L, checkpoint = NULL, output = NULL)
  pair_args <- args
  pair_args$genes <- pairs
  list(map_cis = list(fun = map_cis, tables = "genes", args = args, check = check),
       map_cis_pairs = list(fun = map_cis,
                            tables = "genes", args = pair_args, check = check))
}
