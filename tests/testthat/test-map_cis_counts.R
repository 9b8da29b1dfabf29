# map_cis() on count null fits against the step-2 goldens (dense cell-level score tests at
# the converged PQL fit, SAIGE-QTL's Poisson SPA; assoc_counts / gene_counts).

for (family in c("poisson", "nb")) for (kernel in c("I", "GRM")) {
  test_that(paste("count score tests match the goldens:", family, "K =", kernel), {
    ref <- count_ref()
    gold <- readRDS(file.path(ref$dir, "count_goldens.rds"))
    a <- gold$assoc[gold$assoc$family == family & gold$assoc$kernel == kernel, ]
    map <- utils::read.delim(file.path(ref$dir, "genes.tsv"), stringsAsFactors = FALSE)
    map <- map[map$gene_id %in% a$gene_id, ]
    res <- map_cis(count_fit(family, kernel), file.path(ref$dir, "genotypes_cis"), map,
                   window = 75, cores = 2)
    v <- res$variants
    at <- match(paste(a$gene_id, a$MarkerID), paste(v$gene_id, v$MarkerID))
    expect_false(anyNA(at))
    expect_identical(nrow(v), nrow(a))
    v <- v[at, ]
    expect_identical(v$filter, a$filter)
    expect_identical(v$Is.SPA, a$Is.SPA)
    for (col in c("AC_Allele2", "MAC", "ma_samples", "N", "N_cells")) {
      expect_equal(as.numeric(v[[col]]), as.numeric(a[[col]]), tolerance = 0, info = col)
    }
    # T and BETA vanish up to cancellation for some variants: relative to max(|x|, 0.01 sd).
    sd <- sqrt(a$var)
    scaled <- function(x, y, scale) max(abs(x - y) / pmax(abs(y), scale), na.rm = TRUE)
    expect_lt(scaled(v$Tstat, a$Tstat, 0.01 * sd), count_tolerances$stat_rel)
    expect_lt(scaled(v$BETA, a$BETA, 0.01 / sd), count_tolerances$stat_rel)
    expect_lt(max_rel_diff(v$var, a$var), count_tolerances$stat_rel)
    expect_lt(max_rel_diff(v$SE, a$SE), count_tolerances$stat_rel)
    expect_lt(max(abs(log10(v$p.value) - log10(a$p.value)), na.rm = TRUE),
              count_tolerances$log10p_abs)
    expect_lt(max(abs(log10(v$p.value.NA) - log10(a$p.value.NA)), na.rm = TRUE),
              count_tolerances$log10p_abs)
    if (family == "poisson") expect_gt(sum(v$Is.SPA, na.rm = TRUE), 100)
    g <- gold$genes[gold$genes$family == family & gold$genes$kernel == kernel, ]
    ours <- res$genes[match(g$gene_id, res$genes$gene_id), ]
    expect_identical(ours$num_var, g$num_var)
    expect_identical(ours$top_MarkerID, g$top_MarkerID)
    expect_lt(max(abs(log10(ours$ACAT_p) - log10(g$ACAT_p)), na.rm = TRUE),
              count_tolerances$log10p_abs)
    expect_lt(max_rel_diff(ours$top_SE, g$top_SE), count_tolerances$stat_rel)
    expect_equal(ours$phi, g$phi)
    expect_true(all(c("p.value.NA", "Is.SPA") %in% names(v)))
    expect_false("s2e" %in% names(res$genes))
  })
}

test_that("a count map reads dosage matrices like PLINK files and writes `output`", {
  ref <- count_ref()
  map <- utils::read.delim(file.path(ref$dir, "genes.tsv"), stringsAsFactors = FALSE)
  map <- map[map$gene_id %in% c("C002", "C014"), ]
  fit <- count_fit("poisson", "I")
  plink <- map_cis(fit, file.path(ref$dir, "genotypes_cis"), map, window = 75, cores = 1)
  dosage <- map_cis(fit, readRDS(file.path(ref$dir, "dosages.rds")), map, window = 75,
                    cores = 1)
  expect_identical(dosage$variants, plink$variants)
  out <- withr::local_tempfile(fileext = ".tsv.gz")
  written <- map_cis(fit, file.path(ref$dir, "genotypes_cis"), map, window = 75, cores = 1,
                     output = out)
  expect_identical(written$variants, out)
  back <- utils::read.delim(out, stringsAsFactors = FALSE)
  expect_identical(nrow(back), nrow(plink$variants))
  expect_equal(back$Tstat, plink$variants$Tstat, tolerance = 1e-12)
})
