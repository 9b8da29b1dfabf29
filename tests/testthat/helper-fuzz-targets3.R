# Fuzz targets of the input-preparing exports: FUSION files, joint and per-SNP S/V builders,
# the LDSC simulator (see test-fuzz.R).
fuzz_targets_inputs <- function(dir) {
  covstruc <- example_covstruc()
  fusion <- genomicsemrs_example("fusion")
  files <- file.path(fusion, paste0(c("T1", "T3"), ".dat"))
  genes5 <- read_fusion(file.path(fusion, paste0("T", 1:5, ".dat")), trait.names = paste0("T", 1:5),
                        binary = c(TRUE, TRUE, FALSE, FALSE, FALSE),
                        N = c(168000, 58333, 300000, 150000, 80000))
  snps <- readRDS(genomicsemrs_example("sumstats_T1_T5.rds"))[11:13, ]
  ld <- matrix(c(1, .6, .3, .6, 1, .4, .3, .4, 1), 3)
  rownames(ld) <- colnames(ld) <- paste(snps$SNP, snps$A1, snps$A2, sep = "_")
  gene_ld <- matrix(c(1, .4, .1, .4, 1, .25, .1, .25, 1), 3)
  sim_dir <- file.path(dir, "sim")
  dir.create(sim_dir)
  # The numeric matrices of a result (S_Full, V_Full, ...), wherever they are nested; names
  # and identifier tables are not checked.
  matrices_finite <- function(x) {
    numbers <- function(e) {
      if (is.data.frame(e)) return(NULL)
      if (is.list(e)) return(unlist(lapply(e, numbers)))
      if (is.numeric(e) && is.matrix(e)) e
    }
    all_finite(numbers(x), "S and V")
  }
  list(
    read_fusion = list(fun = read_fusion, tables = character(), args = list(
      files = files, trait.names = c("T1", "T3"), binary = c(TRUE, FALSE), N = c(168000, 300000),
      perm = FALSE),
      check = function(x) if (!nrow(x)) "no genes" else all_finite(x[grep("^(beta|se)\\.", names(x))], "betas and SEs")),
    addSNPs = list(fun = function(...) muffle(addSNPs(...), "deprecated"), tables = "SNPs", args = list(
      covstruc = covstruc, SNPs = readRDS(genomicsemrs_example("sumstats_T1_T5.rds"))[1:4, ],
      SNPSE = FALSE, parallel = FALSE, cores = 1, GC = "standard"),
      check = matrices_finite),
    addGenes = list(fun = addGenes, tables = "Genes", args = list(covstruc = covstruc, Genes = genes5[1:4, ],
                                                                  GC = "standard"),
      check = matrices_finite),
    multiSNP = list(fun = multiSNP, tables = c("SNPs", "LD"), args = list(
      covstruc = covstruc, SNPs = snps, LD = ld, SNPSE = FALSE, SNPlist = NA),
      check = matrices_finite),
    multiGene = list(fun = multiGene, tables = c("Genes", "LD"), args = list(
      covstruc = covstruc, Genes = genes5[c(1, 3, 6), ], LD = gene_ld, GeneSE = "F", Genelist = "F"),
      check = matrices_finite),
    simLDSC = list(fun = function(...) withr::with_dir(sim_dir, simLDSC(...)), tables = "covmat", args = list(
      covmat = matrix(c(.3, .1, .1, .2), 2), N = 20000, seed = 1, ld = genomicsemrs_example("eur_ld_chr"),
      rPheno = NULL, int = NULL, N_overlap = .99, r = 1, gzip_output = FALSE, parallel = FALSE,
      cores = 1),
      check = function(x) {
        out <- list.files(sim_dir, "sumstats", full.names = TRUE)
        if (!length(out)) return("no files written")
        z <- utils::read.delim(out[1])$Z
        all_finite(z, "simulated Z")
      })
  )
}
