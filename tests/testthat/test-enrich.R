# enrich() against the original GenomicSEM 0.0.5 (wave2 goldens, all on sldsc_default).

enrich_golden <- function(name) readRDS(reference_dir("genomicsem", "wave2", paste0(name, ".rds")))

expect_enrich_table <- function(ours, golden) {
  expect_identical(names(ours), names(golden))
  expect_identical(rownames(ours), rownames(golden))
  expect_identical(vapply(ours, class, ""), vapply(golden, class, ""))
  expect_identical(ours[c("Annotation", "lhs", "op", "rhs", "Error", "Warning")],
                   golden[c("Annotation", "lhs", "op", "rhs", "Error", "Warning")])
  expect_identical(is.na(ours$Enrichment), is.na(golden$Enrichment))
  ok <- !is.na(golden$Enrichment)
  expect_lt(max(abs(ours$Cov_Smooth - golden$Cov_Smooth)[ok]), enrich_tolerances$exact)
  expect_lt(max(abs(ours$Z_smooth - golden$Z_smooth)[ok]), enrich_tolerances$exact)
  expect_lt(max(abs(ours$Enrichment - golden$Enrichment)[ok] / golden$Enrichment_SE[ok]),
            enrich_tolerances$se_scaled)
  expect_lt(max(abs(ours$Enrichment_SE / golden$Enrichment_SE - 1)[ok]), enrich_tolerances$se_scaled)
  z <- function(p) stats::qnorm(pmin(p, 1 - 1e-15))  # p = 1 (Enrichment far below 1) stays finite
  expect_lt(max(abs(z(ours$Enrichment_p_value) - z(golden$Enrichment_p_value))[ok]), enrich_tolerances$z)
}

expect_base_table <- function(ours, golden) {
  expect_identical(rownames(ours), rownames(golden))
  expect_identical(ours[c("lhs", "op", "rhs", "Fixed_Enrich")], golden[c("lhs", "op", "rhs", "Fixed_Enrich")])
  expect_type(ours$SE, "character")
  expect_identical(ours$SE == "", golden$SE == "")
  expect_lt(max_rel_diff(ours$est, golden$est), enrich_tolerances$base_rel)
  free <- golden$SE != ""
  expect_lt(max_rel_diff(as.numeric(ours$SE[free]), as.numeric(golden$SE[free])), enrich_tolerances$base_rel)
}

expect_enrich_equal <- function(ours, golden) {
  expect_identical(class(ours), class(golden))
  if (is.data.frame(golden)) return(expect_enrich_table(ours, golden))
  expect_length(ours, length(golden))
  for (i in seq_along(golden)) {
    if ("Fixed_Enrich" %in% names(golden[[i]])) expect_base_table(ours[[i]], golden[[i]])
    else expect_enrich_table(ours[[i]], golden[[i]])
  }
}

model_1f <- "F1 =~ T1 + T2 + T3 + T4 + T5"
model_2f <- "F1 =~ T1 + T2 + T3\nF2 =~ T4 + T5\nF1 ~~ F2"

quiet_enrich <- function(...) {
  withr::local_options(genomicsemrs.verbose = FALSE)
  enrich(...)
}

test_that("enrich reproduces the one-factor goldens (default, tau, no base, std.lv loadings)", {
  s <- enrich_golden("sldsc_default")
  expect_enrich_equal(quiet_enrich(s, model = model_1f, params = "F1~~F1"), enrich_golden("enrich_default"))
  expect_enrich_equal(quiet_enrich(s, model = model_1f, params = "F1~~F1", tau = TRUE),
                      enrich_golden("enrich_tau"))
  expect_enrich_equal(quiet_enrich(s, model = model_1f, params = "F1~~F1", base = FALSE, rm_flank = FALSE),
                      enrich_golden("enrich_nobase_keepflank"))
  expect_enrich_equal(quiet_enrich(s, model = model_1f, params = c("F1=~T1", "F1=~T5"), std.lv = TRUE),
                      enrich_golden("enrich_stdlv_loadings"))
})

test_that("enrich reproduces the two-factor covariance golden with fixparam", {
  s <- enrich_golden("sldsc_default")
  expect_enrich_equal(quiet_enrich(s, model = model_2f, params = "F1~~F2", fix = "covariances",
                                   fixparam = c("F1=~T1", "F2=~T4")),
                      enrich_golden("enrich_2f_covariances_fixparam"))
})

test_that("enrich with fix = 'variances' matches where lavaan converged", {
  s <- enrich_golden("sldsc_default")
  ours <- quiet_enrich(s, model = model_2f, params = "F1~~F2", fix = "variances")
  golden <- enrich_golden("enrich_2f_variances")
  expect_base_table(ours[[2]], golden[[2]])
  ok <- !is.na(golden[[1]]$Enrichment) & !is.na(ours[[1]]$Enrichment)
  expect_true(ok[1])
  expect_lt(max(abs(ours[[1]]$Enrichment - golden[[1]]$Enrichment)[ok] / golden[[1]]$Enrichment_SE[ok]),
            enrich_tolerances$se_scaled)
  expect_identical(ours[[1]]$Warning[1], golden[[1]]$Warning[1])
})

test_that("an unidentified baseline model stops with GenomicSEM's tolerance message", {
  s <- enrich_golden("sldsc_default")
  expect_error(quiet_enrich(s, model = model_2f, params = c("F1~~F1", "F2~~F2", "F1~~F2"), fix = "variances"),
               class = "genomicsemrs_error_enrich_model", regexp = "tolerance issues")
})

test_that("enrich checks its arguments", {
  s <- enrich_golden("sldsc_default")
  expect_error(quiet_enrich(list(S = 1), model = model_1f, params = "F1~~F1"),
               class = "genomicsemrs_error_argument", regexp = "s_covstruc")
  expect_error(quiet_enrich(s, model = model_1f, params = "F1~~F1", fix = "loadings"),
               class = "genomicsemrs_error_argument", regexp = "fix")
  expect_error(quiet_enrich(s, model = model_1f, params = "F2~~F2"),
               class = "genomicsemrs_error_argument", regexp = "F2~~F2")
  expect_error(quiet_enrich(s, model = model_1f, params = "F1~~F1", tau = NA),
               class = "genomicsemrs_error_argument", regexp = "tau")
})

test_that("enrich runs on the bundled example", {
  d <- genomicsemrs_example("stratified")
  dir <- withr::local_tempdir()
  withr::local_dir(dir)
  withr::local_options(genomicsemrs.verbose = FALSE)
  s <- s_ldsc(traits = file.path(d, paste0("T", 1:3, ".sumstats.gz")), ld = file.path(d, "baseline."),
              wld = file.path(d, "weights."), frq = file.path(d, "1000G.EUR.QC."),
              trait.names = c("T1", "T2", "T3"), n.blocks = 20)
  e <- enrich(s, model = "F1 =~ T1 + T2 + T3", params = "F1~~F1")
  expect_equal(e[[1]]$Enrichment[1], 1, tolerance = 1e-6)
  expect_identical(e[[1]]$Annotation, c("baseL2", "CodingL2", "ConservedL2", "EnhancerL2", "PromoterL2"))
})
