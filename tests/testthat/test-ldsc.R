ldsc_quietly <- function(...) {
  withr::local_options(genomicsemrs.verbose = FALSE)
  ldsc(...)
}

traits5 <- paste0("T", 1:5)
sample_prev5 <- c(0.5, 25000 / 60000, NA, NA, NA)
population_prev5 <- c(0.15, 0.01, NA, NA, NA)

# Our result against a golden list: same names, structure and classes; N and m identical;
# the matrices within the parity tolerance.
expect_ldsc_equal <- function(ours, golden, label) {
  expect_identical(names(ours), names(golden), label = label)
  for (e in names(golden)) {
    expect_identical(attributes(ours[[e]]), attributes(golden[[e]]), label = paste(label, e))
    expect_identical(class(ours[[e]]), class(golden[[e]]), label = paste(label, e))
    if (e %in% c("N", "m")) {
      expect_identical(ours[[e]], golden[[e]], label = paste(label, e))
    } else {
      expect_lte(max_rel_diff(ours[[e]], golden[[e]]), tolerances$ldsc_vs_genomicsem)
    }
  }
}

# A golden written as text with 17 significant digits (fixtures/ldsc_edge).
read_golden_tsv <- function(path) unname(as.matrix(utils::read.delim(path)))

# ---- parity on the full reference set (skipped when it is absent) -------------------------

# A scratch working directory holding the reference run's munged files as `where`/T*.sumstats.gz,
# so that the trait labels in our log are those of the golden log.
reference_workdir <- function(where, env = parent.frame()) {
  munged <- reference_dir("genomicsem", "out", "munged")
  withr::local_dir(withr::local_tempdir(.local_envir = env), .local_envir = env)
  if (where != ".") dir.create(where, recursive = TRUE)
  file.copy(file.path(munged, paste0(traits5, ".sumstats.gz")), where)
  file.path(where, paste0(traits5, ".sumstats.gz"))
}

# One reference run of ldsc() on the five munged traits: `options` on top of the shared
# arguments, compared with the golden `golden` and the golden log of the same `log` name.
expect_reference_ldsc <- function(log, golden, options) {
  data <- reference_dir("genomicsem", "data")
  out <- reference_dir("genomicsem", "out")
  files <- reference_workdir(".")
  args <- list(traits = basename(files), sample.prev = sample_prev5,
               population.prev = population_prev5, ld = file.path(data, "eur_ld_chr"),
               wld = file.path(data, "eur_w_ld_chr"), trait.names = traits5, ldsc.log = log)
  ours <- do.call(ldsc_quietly, c(args, options))
  expect_ldsc_equal(ours, readRDS(file.path(out, golden)), file.path("out", golden))
  log_file <- paste0(log, "_ldsc.log")
  expect_identical(log_without_times(log_file), log_without_times(file.path(out, log_file)))
}

test_that("ldsc() reproduces the reference run (stand = TRUE, liability), log included", {
  expect_reference_ldsc("ldsc_T1_T5", "ldsc.rds", list(stand = TRUE))
})

test_that("ldsc() reproduces the reference run with separate weights, log included", {
  expect_reference_ldsc("ldsc_sepw", "ldsc_sep_weights.rds", list(sep_weights = TRUE))
})

test_that("ldsc() reproduces every extended golden (options of extended/calls.R), logs included", {
  data <- reference_dir("genomicsem", "data")
  extended <- reference_dir("genomicsem", "extended")
  files <- reference_workdir("inputs/munged")
  calls <- list(
    ldsc_stand = list(stand = TRUE),
    ldsc_nostand = list(),
    ldsc_chisqmax40 = list(stand = TRUE, chisq.max = 40),
    ldsc_selectODD = list(stand = TRUE, select = "ODD"),
    ldsc_selectEVEN = list(stand = TRUE, select = "EVEN"),
    ldsc_select_1to5 = list(stand = TRUE, select = 1:5),
    ldsc_sepweights = list(stand = TRUE, sep_weights = TRUE),
    ldsc_noliab_nblocks100 = list(stand = TRUE, n.blocks = 100, sample.prev = rep(NA, 5),
                                  population.prev = rep(NA, 5))
  )
  for (name in names(calls)) {
    args <- utils::modifyList(
      list(traits = files, sample.prev = sample_prev5, population.prev = population_prev5,
           ld = file.path(data, "eur_ld_chr"), wld = file.path(data, "eur_w_ld_chr"),
           trait.names = traits5, ldsc.log = name),
      calls[[name]]
    )
    ours <- do.call(ldsc_quietly, args)
    expect_ldsc_equal(ours, readRDS(file.path(extended, paste0(name, ".rds"))), name)
    expect_identical(log_without_times(paste0(name, "_ldsc.log")),
                     log_without_times(file.path(extended, "logs", paste0(name, "_ldsc.log"))),
                     label = paste(name, "log"))
  }
})

# ---- always on: small goldens of the original ldsc() (fixtures/ldsc_edge) ------------------

# Resolved once, while the working directory is still the tests folder.
edge_root <- fixture("ldsc_edge")
edge_dir <- function() edge_root

edge_workdir <- function(env = parent.frame()) {
  withr::local_dir(withr::local_tempdir(.local_envir = env), .local_envir = env)
  file.copy(file.path(edge_dir(), paste0("E", 1:3, ".sumstats.gz")), ".")
  paste0("E", 1:3, ".sumstats.gz")
}

expect_edge_equal <- function(ours, golden, stand) {
  g <- function(e) read_golden_tsv(file.path(edge_dir(), paste0(golden, ".", e, ".tsv")))
  for (e in c("S", "V", "I", if (stand) c("S_Stand", "V_Stand"))) {
    expect_lte(max_rel_diff(unname(ours[[e]]), g(e)), tolerances$ldsc_vs_genomicsem)
  }
  expect_identical(unname(ours$N), g("N"))
  expect_identical(log_without_times(paste0(golden, "_ldsc.log")),
                   log_without_times(file.path(edge_dir(), paste0(golden, "_ldsc.log"))))
}

test_that("ldsc() matches the original on edge cases (duplicates, flips, NA rows, weights)", {
  files <- edge_workdir()
  ours <- ldsc_quietly(traits = files, sample.prev = c(0.3, NA, NA), population.prev = c(0.05, NA, NA),
                       ld = file.path(edge_dir(), "ld"), wld = file.path(edge_dir(), "wld"),
                       sep_weights = TRUE, chr = 3, n.blocks = 20, stand = TRUE, chisq.max = 100,
                       ldsc.log = "edge")
  expect_edge_equal(ours, "edge", stand = TRUE)
  expect_identical(names(ours), c("V", "S", "I", "N", "m", "V_Stand", "S_Stand"))
  expect_identical(dimnames(ours$S), list(NULL, c("V1", "V2", "V3")))
  expect_identical(dimnames(ours$S_Stand), list(NULL, c("V1", "V2", "V3")))
  expect_identical(ours$m, sum(vapply(1:3, function(i) {
    scan(file.path(edge_dir(), "ld", paste0(i, ".l2.M_5_50")), quiet = TRUE)
  }, 0)))

  default <- ldsc_quietly(traits = files, sample.prev = rep(NA, 3), population.prev = rep(NA, 3),
                          ld = file.path(edge_dir(), "ld"), wld = file.path(edge_dir(), "wld"),
                          n.blocks = 30, chr = 3, ldsc.log = "edge_default")
  expect_edge_equal(default, "edge_default", stand = FALSE)
  expect_identical(names(default), c("V", "S", "I", "N", "m"))
})

test_that("the log file is named as GenomicSEM names it and the console shows the log", {
  files <- edge_workdir()
  dir.create("sub")
  file.copy(files, "sub")
  out <- capture.output(invisible(ldsc(traits = file.path("sub", files), sample.prev = NA,
                                       population.prev = NA, ld = file.path(edge_dir(), "ld"),
                                       wld = file.path(edge_dir(), "ld"), chr = 3, n.blocks = 30)))
  expect_true(file.exists("E1.sumstats.gz_E2.sumstats.gz_E3.sumstats.gz_ldsc.log"))
  logged <- readLines("E1.sumstats.gz_E2.sumstats.gz_E3.sumstats.gz_ldsc.log")
  # .LOG(print = FALSE) lines (the blank spacers) are in the file only.
  expect_identical(out, logged[trimws(logged) != ""])
  expect_match(out[1], "^Multivariate ld-score regression of 3 traits \\(sub/E1.sumstats.gz ")
})

# ---- always on: the bundled example data, closed-form checks --------------------------------

bundled_munged <- function(env = parent.frame()) {
  withr::local_dir(withr::local_tempdir(.local_envir = env), .local_envir = env)
  withr::local_options(genomicsemrs.verbose = FALSE)
  muffle(munge(example_files(), hm3 = genomicsemrs_example("w_hm3.snplist"), trait.names = traits5),
         "duplicates")
  paste0(traits5, ".sumstats.gz")
}

test_that("ldsc() on the bundled data: liability scale, standardization and m in closed form", {
  files <- bundled_munged()
  ld <- genomicsemrs_example("eur_ld_chr")
  observed <- ldsc_quietly(files, sample.prev = NA, population.prev = NA, ld = ld, wld = ld,
                           trait.names = traits5, stand = TRUE)
  liability <- ldsc_quietly(files, sample.prev = sample_prev5, population.prev = population_prev5,
                            ld = ld, wld = ld, trait.names = traits5, stand = TRUE)
  # GenomicSEM's conversion factor K^2 (1-K)^2 / (P (1-P) dnorm(qnorm(1-K))^2), R's own numerics.
  K <- population_prev5
  P <- sample_prev5
  factor <- ifelse(is.na(K), 1, K^2 * (1 - K)^2 / (P * (1 - P) * stats::dnorm(stats::qnorm(1 - K))^2))
  scale <- sqrt(tcrossprod(factor))
  expect_equal(liability$S, observed$S * scale, tolerance = 1e-14)
  u <- scale[lower.tri(scale, diag = TRUE)]
  expect_equal(liability$V, observed$V * tcrossprod(u), tolerance = 1e-14)
  expect_identical(liability$I, observed$I)
  expect_identical(liability$N, observed$N)
  # Standardization does not depend on the scale, and S_Stand is cov2cor(S).
  expect_equal(liability$S_Stand, observed$S_Stand, tolerance = 1e-13)
  expect_equal(unname(liability$S_Stand), unname(stats::cov2cor(liability$S)), tolerance = 1e-14)
  expect_identical(liability$m, sum(vapply(1:22, function(i) {
    scan(file.path(ld, paste0(i, ".l2.M_5_50")), quiet = TRUE)
  }, 0)))
  expect_true(isSymmetric(unname(liability$S)) && isSymmetric(liability$V))
  expect_true(all(diag(liability$V) > 0))
})

test_that("select picks chromosomes: 'ODD' uses the odd ones' M and matches a numeric select", {
  files <- bundled_munged()
  ld <- genomicsemrs_example("eur_ld_chr")
  odd <- ldsc_quietly(files[3:5], NA, NA, ld = ld, wld = ld, select = "ODD", n.blocks = 50)
  listed <- ldsc_quietly(files[3:5], NA, NA, ld = ld, wld = ld, select = seq(1, 21, 2), n.blocks = 50)
  expect_identical(odd, listed)
  expect_identical(odd$m, sum(vapply(seq(1, 21, 2), function(i) {
    scan(file.path(ld, paste0(i, ".l2.M_5_50")), quiet = TRUE)
  }, 0)))
})

test_that("results do not depend on the number of threads", {
  files <- bundled_munged()
  ld <- genomicsemrs_example("eur_ld_chr")
  one <- ldsc_quietly(files, sample_prev5, population_prev5, ld = ld, wld = ld, stand = TRUE, cores = 1)
  two <- ldsc_quietly(files, sample_prev5, population_prev5, ld = ld, wld = ld, stand = TRUE, cores = 2)
  expect_identical(one, two)
})

# ---- warnings and errors --------------------------------------------------------------------

# A munged file with every Z set to 0: heritability 0, so no standardized matrices.
write_null_trait <- function(path) {
  x <- utils::read.delim(file.path(edge_dir(), "E1.sumstats.gz"))
  x$Z <- ifelse(is.na(x$Z), NA, 0)
  con <- gzfile(path, "w")
  utils::write.table(x, con, sep = "\t", quote = FALSE, row.names = FALSE)
  close(con)
  path
}

edge_call <- function(traits, sample.prev = NA, population.prev = NA,
                      ld = file.path(edge_dir(), "ld"), wld = ld, n.blocks = 30, ...) {
  ldsc_quietly(traits = traits, sample.prev = sample.prev, population.prev = population.prev,
               ld = ld, wld = wld, chr = 3, n.blocks = n.blocks, ...)
}

test_that("GenomicSEM's warnings are raised with classes", {
  files <- edge_workdir()
  expect_warning(edge_call(files[1]), class = "genomicsemrs_warning_ldsc_single_trait")
  expect_warning(edge_call(files[1:2], trait.names = c("A-B", "C")),
                 class = "genomicsemrs_warning_ldsc_trait_names")
  null <- write_null_trait("null.sumstats.gz")
  expect_warning(res <- edge_call(c(files[2], null)), class = "genomicsemrs_warning_ldsc_negative_h2")
  expect_identical(names(res), c("V", "S", "I", "N", "m"))
  expect_snapshot(invisible(edge_call(c(files[2], null))))
})

test_that("bad input gives classed errors naming the problem", {
  files <- edge_workdir()
  null <- write_null_trait("null.sumstats.gz")
  writeLines(c("SNP\tN\tZ\tA1\tA2", "rsNOPE1\t1000\t1.5\tA\tG", "rsNOPE2\t1000\t-0.5\tC\tT"), "nope.sumstats")
  dir.create("empty")
  wd <- c(normalizePath(getwd()), getwd())
  scrub <- function(x) gsub(wd[1], "<wd>", gsub(wd[2], "<wd>", x, fixed = TRUE), fixed = TRUE)
  expect_error(edge_call(c(files[1], "missing.sumstats.gz")), class = "genomicsemrs_error_io")
  expect_error(edge_call(files, ld = "empty"), class = "genomicsemrs_error_ldsc_input")
  expect_error(edge_call(files, sep_weights = TRUE, wld = "empty"), class = "genomicsemrs_error_ldsc_input")
  expect_error(edge_call(c(files[1], "nope.sumstats")), class = "genomicsemrs_error_ldsc_data")
  expect_error(edge_call(files, n.blocks = 5000), class = "genomicsemrs_error_ldsc_data")
  expect_error(suppressWarnings(edge_call(c(files[2], null), stand = TRUE)),
               class = "genomicsemrs_error_ldsc_data")
  expect_error(edge_call(files, sample.prev = c(0.5, NA)), class = "genomicsemrs_error_argument")
  expect_error(edge_call(files, population.prev = c(0.1, 1, NA)), class = "genomicsemrs_error_argument")
  expect_error(edge_call(files, sample.prev = c(0, NA, NA)), class = "genomicsemrs_error_argument")
  expect_error(edge_call(files, select = "odd"), class = "genomicsemrs_error_argument")
  expect_error(edge_call(files, n.blocks = 1), class = "genomicsemrs_error_argument")
  expect_error(edge_call(files, chisq.max = -1), class = "genomicsemrs_error_argument")
  expect_error(ldsc(files, ld = "empty"), class = "genomicsemrs_error_argument")
  expect_snapshot(edge_call(c(files[1], "missing.sumstats.gz")), error = TRUE, transform = scrub)
  expect_snapshot(edge_call(files, ld = "empty"), error = TRUE, transform = scrub)
  expect_snapshot(edge_call(c(files[1], "nope.sumstats")), error = TRUE, transform = scrub)
  expect_snapshot(edge_call(files, n.blocks = 5000), error = TRUE, transform = scrub)
  expect_snapshot(suppressWarnings(edge_call(c(files[2], null), stand = TRUE)), error = TRUE,
                  transform = scrub)
  expect_snapshot(edge_call(files, sample.prev = c(0.5, NA)), error = TRUE, transform = scrub)
  expect_snapshot(edge_call(files, population.prev = c(0.1, 1, NA)), error = TRUE, transform = scrub)
  expect_snapshot(edge_call(files, select = "odd"), error = TRUE, transform = scrub)
})
