# hdl() against the original GenomicSEM 0.0.5 (wave2 goldens hdl_*), its console lines, and
# its classed errors.

hdl_inputs <- function() {
  w2 <- wave2_dir()
  list(w2 = w2, panel = file.path(w2, "inputs", "hdl_ref"),
       traits = file.path(w2, "inputs", "hdl_sumstats", paste0("H", 1:3, ".sumstats.gz")))
}

# Values without a standard error (V, I) within hdl_tolerances$relative of the golden; S
# within hdl_tolerances$of_se of its standard error (sqrt of V's diagonal) or relative.
expect_hdl_equal <- function(ours, golden) {
  expect_identical(names(ours), names(golden))
  for (el in names(golden)) expect_identical(attributes(ours[[el]]), attributes(golden[[el]]))
  expect_identical(ours$complete, golden$complete)
  expect_lt(max_rel_diff(ours$V, golden$V), hdl_tolerances$relative)
  expect_lt(max_rel_diff(ours$I, golden$I), hdl_tolerances$relative)
  expect_lt(max_rel_diff(ours$S, golden$S), hdl_tolerances$relative)
  se <- sqrt(diag(golden$V))
  s_low <- golden$S[lower.tri(golden$S, diag = TRUE)]
  o_low <- ours$S[lower.tri(ours$S, diag = TRUE)]
  expect_lt(max(abs(o_low - s_low) / se), hdl_tolerances$of_se)
}

test_that("hdl() piecewise reproduces GenomicSEM", {
  x <- hdl_inputs()
  ours <- quiet(hdl(traits = x$traits, trait.names = c("H1", "H2", "H3"), LD.path = x$panel))
  expect_hdl_equal(ours, wave2_golden("hdl_piecewise"))
})

test_that("hdl() jackknife reproduces GenomicSEM", {
  x <- hdl_inputs()
  ours <- quiet(hdl(traits = x$traits, trait.names = c("H1", "H2", "H3"), LD.path = x$panel,
                    method = "jackknife"))
  expect_hdl_equal(ours, wave2_golden("hdl_jackknife"))
})

test_that("hdl() liability scaling without trait names reproduces GenomicSEM", {
  x <- hdl_inputs()
  ours <- quiet(hdl(traits = x$traits[c(1, 3)], sample.prev = c(0.3, NA),
                    population.prev = c(0.1, NA), LD.path = x$panel, Nref = 1e5))
  expect_hdl_equal(ours, wave2_golden("hdl_liab_nonames"))
  expect_null(dimnames(ours$S))
})

test_that("hdl() prints GenomicSEM's console lines", {
  x <- hdl_inputs()
  out <- capture.output(hdl(traits = x$traits[1:2], trait.names = c("H1", "H2"),
                            LD.path = x$panel))
  text <- paste(out, collapse = "\n")
  expect_match(out[1], "^GenomicSEM multivariable HDL function, based on the original implmentation")
  expect_match(text, "4178 out of 4200 (99.48%) SNPs in reference panel are available in the GWAS of H1  ",
               fixed = TRUE)
  expect_match(text, "Warning: More than 1% SNPs in reference panel are missed", fixed = TRUE)
  cell2 <- paste0("Estimation for cell: 2 out of: 3 cells is ongoing ... ", round(1:28 / 28 * 100), "%")
  expected <- paste0(strrep("\b", c(0, nchar(cell2[-28]))), cell2, collapse = "")
  expect_true(grepl(expected, text, fixed = TRUE))
})

test_that("the bundled hdl example is the reference input", {
  x <- hdl_inputs()
  d <- genomicsemrs_example("hdl")
  ours <- list.files(file.path(d, "panel"))
  expect_identical(ours, list.files(x$panel))
  expect_identical(unname(tools::md5sum(file.path(d, "panel", ours))),
                   unname(tools::md5sum(file.path(x$panel, ours))))
  expect_identical(unname(tools::md5sum(file.path(d, paste0("H", 1:3, ".sumstats.gz")))),
                   unname(tools::md5sum(x$traits)))
})

# A copy of the bundled panel to break.
hdl_scratch_panel <- function(env = parent.frame()) {
  dir <- withr::local_tempdir(.local_envir = env)
  file.copy(genomicsemrs_example("hdl/panel"), dir, recursive = TRUE)
  file.path(dir, "panel")
}

hdl_example_traits <- function() file.path(genomicsemrs_example("hdl"), paste0("H", 1:3, ".sumstats.gz"))

test_that("hdl() works with pieces numbered 10 and above", {
  panel <- hdl_scratch_panel()
  # Renumber chromosome 7's single piece as piece 10 of a chromosome with 10 pieces: the
  # pieces before it are chromosome 7's pieces 1-9 (copies of other chromosomes' pieces).
  env <- new.env()
  load(file.path(panel, "UKB_snp_counter_synthetic.RData"), envir = env)
  src <- c("chr8.1", "chr9.1", "chr10.1", "chr11.1", "chr12.1", "chr13.1", "chr14.1", "chr15.1", "chr16.1")
  for (i in 1:9) {
    for (ext in c(".rda", ".bim")) {
      file.copy(file.path(panel, paste0(src[i], "_synthetic", ext)),
                file.path(panel, paste0("chr7.", i, "_synthetic", ext)), overwrite = TRUE)
    }
  }
  file.copy(file.path(panel, "chr17.1_synthetic.rda"), file.path(panel, "chr7.10_synthetic.rda"))
  file.copy(file.path(panel, "chr17.1_synthetic.bim"), file.path(panel, "chr7.10_synthetic.bim"))
  env$nsnps.list[[7]] <- rep(150, 10)
  save(list = "nsnps.list", envir = env, file = file.path(panel, "UKB_snp_counter_synthetic.RData"))
  ours <- quiet(hdl(hdl_example_traits()[1:2], LD.path = panel))
  expect_identical(dim(ours$V), c(3L, 3L))
  expect_true(all(is.finite(ours$S)))
})

test_that("hdl() names the problem in classed errors", {
  traits <- hdl_example_traits()
  panel <- hdl_scratch_panel()
  file.remove(file.path(panel, "chr3.2_synthetic.rda"))
  expect_error(quiet(hdl(traits[1:2], LD.path = panel)), "piece 2 of chromosome 3",
               class = "genomicsemrs_error_hdl_panel")
  expect_error(quiet(hdl(traits[1:2], LD.path = tempdir())), "UKB_snp_counter",
               class = "genomicsemrs_error_hdl_panel")
  expect_error(quiet(hdl(traits[1:2], LD.path = file.path(tempdir(), "no_such_panel"))),
               class = "genomicsemrs_error_io")
  expect_error(quiet(hdl(c(traits[1], "missing.sumstats.gz"), LD.path = panel)),
               "missing.sumstats.gz", class = "genomicsemrs_error_io")
  expect_error(quiet(hdl(traits, sample.prev = c(0.3, NA), population.prev = c(0.1, NA, NA),
                         LD.path = genomicsemrs_example("hdl/panel"))),
               "sample.prev", class = "genomicsemrs_error_argument")
  expect_error(quiet(hdl(traits, trait.names = c("A", "B"), LD.path = genomicsemrs_example("hdl/panel"))),
               "trait.names", class = "genomicsemrs_error_argument")
  expect_error(quiet(hdl(traits, method = "blocks", LD.path = genomicsemrs_example("hdl/panel"))),
               "method", class = "genomicsemrs_error_argument")
  # A trait with a third of the panel's SNPs.
  dir <- withr::local_tempdir()
  lines <- readLines(traits[1])
  thin <- file.path(dir, "thin.sumstats.gz")
  con <- gzfile(thin, "w")
  writeLines(lines[c(1, seq(2, length(lines), by = 3))], con)
  close(con)
  expect_error(quiet(hdl(c(thin, traits[2]), LD.path = genomicsemrs_example("hdl/panel"))),
               "\\(33\\.[0-9]+%\\)", class = "genomicsemrs_error_hdl_input")
})

test_that("hdl() warns as GenomicSEM does for one trait and for '-' in names", {
  traits <- hdl_example_traits()
  expect_warning(quiet(hdl(traits[1], LD.path = genomicsemrs_example("hdl/panel"))),
                 class = "genomicsemrs_warning_hdl_traits")
  expect_warning(quiet(hdl(traits[1:2], trait.names = c("H-1", "H2"),
                           LD.path = genomicsemrs_example("hdl/panel"))),
                 class = "genomicsemrs_warning_trait_names")
})
