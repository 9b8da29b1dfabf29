# map_cis() against the step-2 goldens (dense cell-level score tests written for the
# reference, shared/reference/single_cell/step2) and its classed errors.

for (kernel in c("I", "GRM")) {
  for (source in c("plink", "dosage")) {
    test_that(paste0("per-variant tests match the goldens (K = ", kernel, ", ", source, ")"), {
      ref <- cis_ref()
      golden <- ref$assoc[ref$assoc$kernel == kernel, ]
      res <- cis_map(kernel, source)
      w <- cis_worst(res$variants, golden)
      expect_true(w$na_same)
      expect_lt(w$Tstat, cis_tolerances$stat_rel)
      expect_lt(w$var, cis_tolerances$stat_rel)
      expect_lt(w$BETA, cis_tolerances$stat_rel)
      expect_lt(w$SE, cis_tolerances$stat_rel)
      expect_lt(w$log10p, cis_tolerances$log10p_abs)
      o <- w$rows
      for (col in c("CHR", "POS", "MarkerID", "Allele1", "Allele2", "filter")) {
        expect_identical(as.character(o[[col]]), as.character(golden[[col]]), info = col)
      }
      for (col in c("AC_Allele2", "AF_Allele2", "MissingRate", "N", "N_cells", "tss_distance",
                    "MAC", "MAF", "ma_samples")) {
        expect_equal(as.numeric(o[[col]]), as.numeric(golden[[col]]), tolerance = 1e-14,
                     info = col)
      }
    })
  }

  test_that(paste0("gene-level ACAT, top variant, p_bonf and q match (K = ", kernel, ")"), {
    ref <- cis_ref()
    golden <- ref$genes_golden[ref$genes_golden$kernel == kernel, ]
    for (source in c("plink", "dosage")) {
      g <- cis_map(kernel, source)$genes
      g <- g[match(golden$gene_id, g$gene_id), ]
      expect_identical(g$num_var, as.integer(golden$num_var))
      expect_identical(g$n_var_window, as.integer(golden$n_var_window))
      expect_identical(g$top_MarkerID, golden$top_MarkerID)
      for (col in c("ACAT_p", "top_pval", "p_bonf", "q_ACAT_BH")) {
        expect_identical(is.na(g[[col]]), is.na(golden[[col]]), info = col)
        expect_lt(max(abs(log10(g[[col]]) - log10(golden[[col]])), na.rm = TRUE),
                  cis_tolerances$log10p_abs, label = col)
      }
      for (col in c("top_BETA", "top_SE")) {
        expect_lt(max_rel_diff(g[[col]], golden[[col]]), cis_tolerances$stat_rel, label = col)
      }
      expect_equal(g$top_tss_distance, as.numeric(golden$top_tss_distance))
    }
  })

  test_that(paste0("the package's own null meets the same tolerances (K = ", kernel, ")"), {
    ref <- cis_ref()
    golden <- ref$assoc[ref$assoc$kernel == kernel, ]
    w <- cis_worst(cis_map(kernel, "plink", golden_null = FALSE)$variants, golden)
    expect_lt(max(w$Tstat, w$var, w$BETA, w$SE), cis_tolerances$stat_rel)
    expect_lt(w$log10p, cis_tolerances$log10p_abs)
  })
}

test_that("PLINK and dosage inputs give identical results, and batches do not matter", {
  a <- cis_map("GRM", "plink")
  b <- cis_map("GRM", "dosage")
  expect_identical(a$variants[setdiff(names(a$variants), "CHR")],
                   b$variants[setdiff(names(b$variants), "CHR")])
  small <- cis_map("GRM", "plink", batch_size = 7, cores = 1)
  expect_identical(small$variants, a$variants)
  expect_identical(small$genes, a$genes)
})

test_that("the variant table can be streamed to a file", {
  path <- tempfile(fileext = ".tsv.gz")
  on.exit(unlink(path))
  res <- cis_map("I", "plink", output = path, batch_size = 10)
  expect_identical(res$variants, path)
  back <- utils::read.delim(path, stringsAsFactors = FALSE)
  full <- cis_map("I", "plink")$variants
  expect_identical(nrow(back), nrow(full))
  expect_equal(back$Tstat[order(back$gene_id, back$POS)], full$Tstat[order(full$gene_id, full$POS)],
               tolerance = 1e-14)
  expect_identical(res$genes, cis_map("I", "plink")$genes)
})

test_that("bad input raises classed errors naming the problem", {
  ref <- cis_ref()
  null <- sc_fit("I")
  genes <- ref$genes
  geno <- ref$dosages
  expect_error(map_cis(list(), ref$plink, genes), class = "genomicsemrs_error_argument")
  short <- geno
  short$dosage <- short$dosage[-(1:3), ]
  expect_error(map_cis(null, short, genes, window = 75), "D001, D002, D003",
               class = "genomicsemrs_error_genotypes")
  wrong <- geno
  wrong$variants <- wrong$variants[-1, ]
  expect_error(map_cis(null, wrong, genes, window = 75), "one row per variant",
               class = "genomicsemrs_error_argument")
  expect_error(map_cis(null, file.path(tempdir(), "nothing"), genes),
               class = "genomicsemrs_error_io")
  expect_error(map_cis(null, ref$plink, genes[, c("gene_id", "tss")]), "chrom",
               class = "genomicsemrs_error_argument")
  bad <- genes
  bad$gene_id[1] <- "NOPE"
  expect_error(map_cis(null, ref$plink, bad), "NOPE", class = "genomicsemrs_error_map_cis")
  expect_error(map_cis(null, ref$plink, genes, window = -1),
               class = "genomicsemrs_error_argument")
  expect_error(map_cis(null, ref$plink, genes, max_missing = 2),
               class = "genomicsemrs_error_argument")
  expect_error(map_cis(null, ref$plink, genes, checkpoint = NA),
               class = "genomicsemrs_error_argument")
  expect_error(map_cis(null, ref$plink, genes, batch_size = 0),
               class = "genomicsemrs_error_argument")
  out_of_range <- geno
  out_of_range$dosage[1, 1] <- 3
  expect_error(map_cis(null, out_of_range, genes), "between 0 and 2",
               class = "genomicsemrs_error_argument")
})

test_that("a corrupt .bed file is a classed PLINK error", {
  ref <- cis_ref()
  dir <- withr::local_tempdir()
  prefix <- file.path(dir, "g")
  file.copy(paste0(ref$plink, ".bim"), paste0(prefix, ".bim"))
  file.copy(paste0(ref$plink, ".fam"), paste0(prefix, ".fam"))
  bed <- readBin(paste0(ref$plink, ".bed"), "raw", 1e6)
  writeBin(bed[-length(bed)], paste0(prefix, ".bed"))
  expect_error(map_cis(sc_fit("I"), prefix, ref$genes, window = 75), "bytes",
               class = "genomicsemrs_error_plink")
})

test_that("genes with missing cells use their own donors (K = I, Woodbury check in R)", {
  ref <- cis_ref()
  d <- sc_example()
  expr <- d$expr[c("G002", "G003"), ]
  gone <- d$cells$donor_id == "D001"
  expr["G002", gone] <- NA
  expr["G002", 5] <- NA
  fit <- fit_null_sc(expr, d$cells, covariates = sc_formula, future = FALSE)
  res <- map_cis(fit, ref$dosages, ref$genes[ref$genes$gene_id %in% c("G002", "G003"), ],
                 window = 75, future = FALSE)
  v <- res$variants[res$variants$gene_id == "G002", ]
  expect_true(all(v$N == 119L))
  expect_true(all(v$N_cells == sum(!is.na(expr["G002", ]))))
  # Independent computation: H^-1 a = a - Z (tau / (1 + tau c) * Z'a) on the observed cells.
  keep <- !is.na(expr["G002", ])
  cells <- d$cells[keep, ]
  y <- expr["G002", keep]
  x <- stats::model.matrix(sc_formula, cells)
  donor <- factor(cells$donor_id)
  counts <- as.vector(table(donor))
  g <- fit$genes[fit$genes$gene == "G002", ]
  shrink <- g$tau / (1 + g$tau * counts)
  hinv <- function(a) {
    a <- as.matrix(a)
    a - rowsum(a, donor, reorder = TRUE)[as.integer(donor), , drop = FALSE] * shrink[as.integer(donor)]
  }
  hx <- hinv(x)
  pmul <- function(a) {
    ha <- hinv(a)
    (ha - hx %*% solve(crossprod(x, hx), crossprod(x, ha))) / g$sigma2_e
  }
  py <- pmul(y)
  dos <- ref$dosages$dosage[levels(donor), ]
  for (marker in v$MarkerID[v$filter == "pass"][c(1, 20, 60, 100)]) {
    gd <- dos[, marker]
    gd[is.na(gd)] <- mean(gd, na.rm = TRUE)
    gc <- gd[as.integer(donor)]
    row <- v[v$MarkerID == marker, ]
    expect_lt(abs(row$Tstat - sum(gc * py)) * row$SE, 1e-9)
    expect_lt(abs(row$var / sum(gc * pmul(gc)) - 1), 1e-9)
    expect_equal(row$AC_Allele2, sum(dos[, marker], na.rm = TRUE))
  }
  # The complete gene is unaffected by the other gene's missing cells.
  full <- cis_map("I", "dosage", golden_null = FALSE)$variants
  g3 <- res$variants[res$variants$gene_id == "G003", ]
  expect_equal(g3$Tstat, full$Tstat[full$gene_id == "G003"], tolerance = 1e-9)
})

test_that("future plans give identical results, and progress has one step per batch", {
  skip_if_not_installed("future.apply")
  ref <- cis_ref()
  null <- cis_golden_null("GRM")
  one <- cis_map("GRM", "plink")
  old <- future::plan(future::multisession, workers = 2)
  on.exit(future::plan(old), add = TRUE)
  spread <- map_cis(null, ref$plink, ref$genes, window = 75, batch_size = 9)
  expect_identical(spread, one)
  future::plan(old)
  skip_if_not_installed("progressr")
  withr::local_options(progressr.enable = TRUE)
  steps <- 0
  counter <- progressr::make_progression_handler("counter", reporter = list(
    update = function(config, state, progression, ...) steps <<- state$step
  ))
  progressr::with_progress(
    map_cis(null, ref$plink, ref$genes[1:10, ], window = 75, batch_size = 4, future = FALSE),
    handlers = counter
  )
  expect_identical(steps, 3)
})

test_that("error messages name the argument, the value and the fix", {
  ref <- cis_ref()
  null <- sc_fit("I")
  short <- ref$dosages
  short$dosage <- short$dosage[-(1:3), ]
  expect_snapshot(error = TRUE, {
    map_cis(null, short, ref$genes, window = 75)
    map_cis(null, ref$plink, ref$genes, window = "wide")
    map_cis(null, ref$plink, data.frame(gene_id = "G001", chrom = 1))
  })
})

test_that("the streamed file holds the returned table, also from future workers and checkpoints", {
  full <- cis_map("GRM", "plink")
  read_back <- function(path) {
    back <- utils::read.delim(path, stringsAsFactors = FALSE, colClasses = c(CHR = "character"))
    back[order(match(back$gene_id, full$genes$gene_id)), ]
  }
  path <- withr::local_tempfile(fileext = ".tsv.gz")
  res <- cis_map("GRM", "plink", output = path, batch_size = 7)
  back <- read_back(path)
  expect_identical(names(back), names(full$variants))
  # Numbers are written as the shortest text that reads back to the same double (NaN as NA);
  # R's own reader may round such text to a neighbouring double (1 ulp).
  for (col in names(back)) {
    a <- full$variants[[col]]
    b <- back[[col]]
    if (is.numeric(a)) {
      a <- as.double(a)
      a[is.nan(a)] <- NA
      expect_identical(is.na(b), is.na(a), info = col)
      expect_equal(as.double(b), a, tolerance = 4 * .Machine$double.eps, info = col)
    } else {
      expect_identical(b, a, info = col)
    }
  }
  expect_identical(res$genes, full$genes)
  skip_if_not_installed("future.apply")
  old <- future::plan(future::multisession, workers = 2)
  on.exit(future::plan(old), add = TRUE)
  spread <- withr::local_tempfile(fileext = ".tsv.gz")
  res2 <- map_cis(cis_golden_null("GRM"), cis_ref()$plink, cis_ref()$genes, window = 75,
                  output = spread, batch_size = 9, future = TRUE)
  expect_identical(read_back(spread), read_back(path))
  expect_false(any(file.exists(paste0(spread, ".part", 1:3))))
  future::plan(old)
  cp <- withr::local_tempdir()
  checked <- withr::local_tempfile(fileext = ".tsv.gz")
  res3 <- cis_map("GRM", "plink", output = checked, batch_size = 9, checkpoint = cp)
  expect_identical(read_back(checked), read_back(path))
  expect_identical(res3$genes, full$genes)
})

test_that("explicit gene x variant pairs give the window's rows for the same variants", {
  ref <- cis_ref()
  full <- cis_map("GRM", "plink")
  v <- full$variants
  # Every other variant of each gene's window, in shuffled order, one pair repeated.
  keep <- v[seq(1, nrow(v), by = 2), ]
  genes <- ref$genes[match(keep$gene_id, ref$genes$gene_id), c("gene_id", "chrom", "tss")]
  pairs <- cbind(genes, MarkerID = keep$MarkerID)
  set.seed(1)
  pairs <- pairs[c(sample(nrow(pairs)), 1L), ]
  res <- map_cis(cis_golden_null("GRM"), ref$plink, pairs, future = FALSE)
  expected <- keep
  rownames(expected) <- NULL
  got <- res$variants[order(match(res$variants$gene_id, unique(pairs$gene_id))), ]
  expected <- expected[order(match(expected$gene_id, unique(pairs$gene_id))), ]
  rownames(got) <- rownames(expected) <- NULL
  expect_identical(got[c("gene_id", "MarkerID", "filter")], expected[c("gene_id", "MarkerID", "filter")])
  for (col in c("Tstat", "var", "BETA", "SE", "p.value", "AC_Allele2", "tss_distance")) {
    expect_equal(got[[col]], expected[[col]], tolerance = cis_tolerances$pairs_rel, info = col)
  }
  g <- res$genes[match(unique(keep$gene_id), res$genes$gene_id), ]
  expect_identical(g$n_var_window, as.integer(table(factor(keep$gene_id, unique(keep$gene_id)))))
})

test_that("pairs naming unknown variants or genes raise a counted warning or a classed error", {
  ref <- cis_ref()
  null <- cis_golden_null("I")
  g <- ref$genes[1:2, c("gene_id", "chrom", "tss")]
  markers <- ref$dosages$variants$MarkerID
  pairs <- data.frame(gene_id = rep(g$gene_id, each = 3), chrom = rep(g$chrom, each = 3),
                      tss = rep(g$tss, each = 3),
                      MarkerID = c(markers[1:2], "nope1", markers[3], "nope2", "nope1"))
  expect_warning(res <- map_cis(null, ref$plink, pairs, future = FALSE),
                 "3 gene x variant pair", class = "genomicsemrs_warning_map_cis")
  expect_identical(res$genes$n_var_window, c(2L, 1L))
  expect_identical(nrow(res$variants), 3L)
  bad <- pairs
  bad$gene_id[1] <- "NOPE"
  expect_error(suppressWarnings(map_cis(null, ref$plink, bad)), "NOPE",
               class = "genomicsemrs_error_map_cis")
  expect_error(map_cis(null, ref$plink, transform(pairs, MarkerID = NA)),
               class = "genomicsemrs_error_argument")
})
