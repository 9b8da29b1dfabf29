# Mutation tests of every exported function (see helper-fuzz.R): each argument of a valid
# call is replaced by values of the wrong type, length or range (and table arguments get
# broken rows and columns). Every case must end in a classed error or a checked result.
# `make fuzz` runs the same targets with many more random two-argument cases
# (GENOMICSEMRS_FUZZ_RANDOM per target).

fuzz_targets <- function(dir) {
  old <- setwd(dir)
  on.exit(setwd(old))
  raw <- data.frame(SNP = c("rs7620941", "rs23504392", "rs30966875", "rs48322719"),
                    A1 = c("C", "A", "T", "C"), A2 = c("A", "C", "G", "T"),
                    BETA = c(0.01, -0.02, 0.03, 0.001), SE = 0.01, P = c(0.5, 0.04, 0.01, 0.9),
                    N = 1000, MAF = c(0.2, 0.3, 0.4, 0.1))
  write_raw(raw, file.path(dir, "raw.txt"))
  writeLines(c("SNP A1 A2", "rs7620941 C A", "rs23504392 A C", "rs30966875 T G", "rs48322719 C T"),
             file.path(dir, "hm3.txt"))
  writeLines(c("SNP CHR BP MAF A1 A2", "rs7620941 1 10 0.3 C A", "rs23504392 1 20 0.2 A C",
               "rs30966875 1 30 0.4 T G", "rs48322719 1 40 0.1 C T"), file.path(dir, "ref.txt"))
  withr::with_options(list(genomicsemrs.verbose = FALSE), suppressWarnings(
    munge(example_files()[c(1, 3)], hm3 = genomicsemrs_example("w_hm3.snplist"),
          trait.names = c("M1", "M3"), cores = 1)))
  covstruc <- example_covstruc()
  snps <- readRDS(genomicsemrs_example("sumstats_T1_T5.rds"))[1:4, ]
  sc <- sc_example()
  cells <- sc$cells[sc$cells$donor_id %in% unique(sc$cells$donor_id)[1:30], ]
  expr <- sc$expr[1:2, cells$cell_id, drop = FALSE]
  grm <- read_grm(sc$grm_prefix)
  donors <- intersect(rownames(grm), unique(sc$cells$donor_id))[1:40]
  samples <- data.frame(sample_id = donors, age = seq_along(donors) %% 7)
  bulk <- matrix(sin(seq_len(2 * length(donors))), 2, dimnames = list(c("g1", "g2"), donors))
  model <- "F1 =~ NA*T1 + T2 + T3 + T4 + T5\nF1 ~ SNP\nF1 ~~ 1*F1\nSNP ~~ SNP"
  in_dir <- function(f) function(...) withr::with_dir(dir, f(...))
  # munge() writes into the working directory: a folder of its own, emptied before each call,
  # so that the check reads what this call wrote.
  munge_out <- file.path(dir, "munge_out")
  dir.create(munge_out)
  munge_fresh <- function(...) {
    unlink(list.files(munge_out, full.names = TRUE))
    withr::with_dir(munge_out, munge(...))
  }

  gwas_check <- function(x) {
    frames <- if (is.data.frame(x)) list(x) else x
    if (!length(frames)) return("no output")
    for (f in frames) {
      if (!nrow(f)) return("an empty data frame")
      good <- if ("error" %in% names(f)) f$error == 0 else rep(TRUE, nrow(f))
      bad <- all_finite(f$est[good & f$free != 0], "est")
      if (!is.null(bad) && any(good & f$free != 0)) return(bad)
    }
    NULL
  }
  sc_check <- function(x) {
    g <- x$genes
    if (!nrow(g)) return("no genes")
    ok <- g$status == "ok"
    all_finite(c(g$tau[ok], g$sigma2_e[ok], g$sigma2_g[ok], 1), "ok genes' variances")
  }
  list(
    munge = list(fun = munge_fresh, tables = character(), args = list(
      files = "../raw.txt", hm3 = "../hm3.txt", trait.names = "T", N = NULL, info.filter = .9,
      maf.filter = .01, log.name = NULL, column.names = list(), parallel = FALSE, cores = 1,
      overwrite = TRUE),
      check = function(x) {
        written <- list.files(munge_out, "\\.sumstats\\.gz$", full.names = TRUE)
        if (!length(written)) return("no output file")
        for (path in written) {
          out <- utils::read.delim(path)
          if (!nrow(out)) return("an empty output file")
          bad <- all_finite(c(out$N, out$Z), "N and Z")
          if (!is.null(bad)) return(bad)
        }
        NULL
      }),
    sumstats = list(fun = in_dir(sumstats), tables = character(), args = list(
      files = "raw.txt", ref = "ref.txt", trait.names = "T", se.logit = FALSE, OLS = TRUE,
      linprob = FALSE, N = 5000, betas = NULL, info.filter = .6, maf.filter = .01,
      keep.indel = FALSE, parallel = FALSE, cores = 1, ambig = FALSE, direct.filter = FALSE),
      check = function(x) if (!nrow(x)) "no rows" else all_finite(x[grep("^(beta|se)\\.", names(x))], "betas and SEs")),
    ldsc = list(fun = in_dir(ldsc), tables = character(), args = list(
      traits = c("M1.sumstats.gz", "M3.sumstats.gz"), sample.prev = c(.5, NA),
      population.prev = c(.15, NA), ld = genomicsemrs_example("eur_ld_chr"),
      wld = genomicsemrs_example("eur_ld_chr"), trait.names = c("M1", "M3"), sep_weights = FALSE,
      chr = 22, n.blocks = 20, ldsc.log = NULL, stand = TRUE, select = FALSE, chisq.max = NA,
      cores = 1),
      check = function(x) all_finite(x[c("S", "V", "I")], "S, V and I")),
    usermodel = list(fun = usermodel, tables = character(), args = list(
      covstruc = covstruc, estimation = "DWLS", model = "F1 =~ NA*T1 + T2 + T3 + T4 + T5\nF1 ~~ 1*F1",
      CFIcalc = TRUE, std.lv = FALSE, imp_cov = FALSE, fix_resid = TRUE, toler = NULL,
      Q_Factor = FALSE),
      check = function(x) all_finite(x$results$Unstand_Est, "estimates")),
    commonfactor = list(fun = commonfactor, tables = character(), args = list(
      covstruc = covstruc, estimation = "DWLS"),
      check = function(x) all_finite(x$results$Unstandardized_Estimate, "estimates")),
    userGWAS = list(fun = userGWAS, tables = "SNPs", args = list(
      covstruc = covstruc, SNPs = snps, estimation = "DWLS", model = model, printwarn = TRUE,
      sub = "F1~SNP", cores = 1, toler = FALSE, SNPSE = FALSE, parallel = TRUE, GC = "standard",
      MPI = FALSE, smooth_check = FALSE, TWAS = FALSE, std.lv = FALSE, fix_measurement = TRUE,
      Q_SNP = FALSE, analytic = FALSE, batch_size = 20000, usermod = NULL),
      check = gwas_check),
    commonfactorGWAS = list(fun = commonfactorGWAS, tables = "SNPs", args = list(
      covstruc = covstruc, SNPs = snps, estimation = "DWLS", cores = 1, toler = FALSE,
      SNPSE = FALSE, parallel = TRUE, GC = "standard", MPI = FALSE, TWAS = FALSE,
      smooth_check = FALSE, batch_size = 20000),
      check = gwas_check),
    fit_null_sc = list(fun = fit_null_sc, tables = c("expr", "cells"), args = list(
      expr = expr, cells = cells, grm = NULL, donor = "donor_id", covariates = ~ age + sex,
      donor_covariates = NULL, trait_type = "quantitative", tau = "per_gene", cores = 1,
      future = FALSE, batch_size = 256L),
      check = sc_check),
    fit_null = list(fun = fit_null, tables = c("expr", "samples", "grm"), args = list(
      expr = bulk, samples = samples, grm = grm[donors, donors], id = "sample_id",
      covariates = "age", trait_type = "quantitative", tau = "per_gene", cores = 1,
      future = FALSE, batch_size = 256L),
      check = sc_check),
    read_grm = list(fun = read_grm, tables = character(), args = list(
      path = sc$grm_prefix, ids = NULL, format = "auto"),
      check = function(x) all_finite(x, "the GRM"))
  )
}

test_that("every exported function turns mutated arguments into classed errors or checked results", {
  dir <- withr::local_tempdir()
  targets <- c(fuzz_targets(dir), fuzz_targets_helpers(dir), fuzz_targets_inputs(dir),
               fuzz_targets_stratified(dir), fuzz_targets_cis(dir), fuzz_targets_hdl(dir),
               fuzz_targets_counts(dir))
  withr::local_dir(dir)  # whatever a mutated argument makes a function write stays in `dir`
  random <- as.integer(Sys.getenv("GENOMICSEMRS_FUZZ_RANDOM", "0"))
  results <- fuzz_run(targets, extra_random = random, seed = 20261202)
  findings <- fuzz_findings(results)
  counts <- table(factor(results$kind, c("ok", "classed_error", "panic", "internal",
                                         "unclassed_error", "unclassed_warning", "bad_result")))
  message("fuzz: ", nrow(results), " cases; ",
          paste(names(counts), counts, sep = " ", collapse = ", "))
  report <- Sys.getenv("GENOMICSEMRS_FUZZ_REPORT", "")
  if (nzchar(report)) utils::write.table(results, report, sep = "\t", row.names = FALSE, quote = FALSE)
  expect_gt(nrow(results), 1500)
  expect_identical(nrow(findings), 0L,
                   info = paste(utils::capture.output(print(utils::head(findings, 25))), collapse = "\n"))
})
