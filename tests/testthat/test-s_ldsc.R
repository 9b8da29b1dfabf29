# s_ldsc() against the original GenomicSEM 0.0.5 (wave2 goldens), and its classed errors.

sldsc_inputs <- function() {
  w2 <- reference_dir("genomicsem", "wave2")
  list(w2 = w2, munged = file.path(reference_dir("genomicsem", "out", "munged"),
                                   paste0("T", 1:5, ".sumstats.gz")),
       sld = file.path(w2, "inputs/sldsc/baseline."), wld = file.path(w2, "inputs/sldsc/weights."),
       frq = file.path(w2, "inputs/sldsc/1000G.EUR.QC."))
}

expect_sldsc_equal <- function(ours, golden) {
  expect_identical(names(ours), names(golden))
  for (el in c("S", "V", "S_Tau", "V_Tau")) {
    expect_identical(names(ours[[el]]), names(golden[[el]]))
    for (i in seq_along(golden[[el]])) {
      expect_identical(dimnames(ours[[el]][[i]]), dimnames(golden[[el]][[i]]))
      expect_lt(max_rel_diff(ours[[el]][[i]], golden[[el]][[i]]), sldsc_tolerances$vs_genomicsem)
    }
  }
  for (el in c("I", "N", "m")) {
    expect_identical(attributes(ours[[el]]), attributes(golden[[el]]))
    expect_lt(max_rel_diff(ours[[el]], golden[[el]]), sldsc_tolerances$vs_genomicsem)
  }
  expect_equal(ours$Prop, golden$Prop, tolerance = 1e-12)
  expect_identical(ours$Select, golden$Select)
}

# Run in a scratch folder (the log goes to the working directory); return value and log.
run_sldsc <- function(..., log_name, inputs = NULL) {
  dir <- withr::local_tempdir()
  if (!is.null(inputs)) file.symlink(inputs, file.path(dir, "inputs"))
  withr::local_dir(dir)
  withr::local_options(genomicsemrs.verbose = FALSE)
  value <- s_ldsc(...)
  list(value = value, log = grep("ended at", log_without_times(log_name), value = TRUE, invert = TRUE))
}

golden_log <- function(w2, name, file) {
  grep("started at|ended at|took", readLines(file.path(w2, "files", name, file)), value = TRUE,
       invert = TRUE)
}

test_that("s_ldsc reproduces sldsc_default (liability scale, exclude_cont)", {
  x <- sldsc_inputs()
  r <- run_sldsc(traits = x$munged, sample.prev = c(0.5, 25000 / 60000, NA, NA, NA),
                 population.prev = c(0.15, 0.01, NA, NA, NA), ld = "inputs/sldsc/baseline.",
                 wld = "inputs/sldsc/weights.", frq = "inputs/sldsc/1000G.EUR.QC.",
                 inputs = file.path(x$w2, "inputs"),
                 trait.names = paste0("T", 1:5), ldsc.log = "sldsc_default",
                 log_name = "sldsc_default_Partitioned.log")
  expect_sldsc_equal(r$value, readRDS(file.path(x$w2, "sldsc_default.rds")))
  golden <- golden_log(x$w2, "sldsc_default", "sldsc_default_Partitioned.log")
  strip <- function(l) gsub("[^ ]*(T[1-5]\\.sumstats\\.gz)", "\\1", gsub("inputs/sldsc/", "", l))
  expect_identical(strip(r$log), strip(golden))
})

test_that("s_ldsc reproduces sldsc_cont_noprev (continuous kept, default names and log)", {
  x <- sldsc_inputs()
  r <- run_sldsc(traits = x$munged[3:5], ld = x$sld, wld = x$wld, frq = x$frq, n.blocks = 100,
                 exclude_cont = FALSE,
                 log_name = "T3.sumstats.gz_T4.sumstats.gz_T5.sumstats.gz_Partitioned.log")
  expect_sldsc_equal(r$value, readRDS(file.path(x$w2, "sldsc_cont_noprev.rds")))
  expect_true(any(grepl("^h2:0.1024\\(0.0021\\)$", r$log)))
})

test_that("s_ldsc reproduces sldsc_extra_annot (extra one-column annotation prefix)", {
  x <- sldsc_inputs()
  r <- run_sldsc(traits = x$munged[c(1, 3, 4)], inputs = file.path(x$w2, "inputs"),
                 sample.prev = c(0.5, NA, NA), population.prev = c(0.15, NA, NA),
                 ld = c("inputs/sldsc_custom/custom.", "inputs/sldsc/baseline"), wld = x$wld,
                 frq = x$frq, trait.names = c("T1", "T3", "T4"), ldsc.log = "sldsc_extra",
                 log_name = "sldsc_extra_Partitioned.log")
  expect_sldsc_equal(r$value, readRDS(file.path(x$w2, "sldsc_extra_annot.rds")))
})

test_that("s_ldsc runs on the bundled example and thin annotation files give the same result", {
  d <- genomicsemrs_example("stratified")
  traits <- file.path(d, c("T1.sumstats.gz", "T2.sumstats.gz"))
  thick <- run_sldsc(traits = traits, ld = file.path(d, "baseline."), wld = file.path(d, "weights."),
                     frq = file.path(d, "1000G.EUR.QC."), n.blocks = 20,
                     log_name = "T1.sumstats.gz_T2.sumstats.gz_Partitioned.log")$value
  expect_identical(names(thick$S), c("baseL2", "CodingL2", "Coding.flanking.500L2", "ConservedL2",
                                     "EnhancerL2", "PromoterL2"))
  thin_dir <- withr::local_tempdir()
  for (f in list.files(d)) file.copy(file.path(d, f), thin_dir)
  for (c in 21:22) {
    path <- file.path(thin_dir, paste0("baseline.", c, ".annot.gz"))
    a <- utils::read.delim(path, check.names = FALSE)
    con <- gzfile(path, "w")
    utils::write.table(a[, -(1:4)], con, sep = "\t", quote = FALSE, row.names = FALSE)
    close(con)
  }
  thin <- run_sldsc(traits = traits, ld = file.path(thin_dir, "baseline."),
                    wld = file.path(d, "weights."), frq = file.path(d, "1000G.EUR.QC."),
                    n.blocks = 20, log_name = "T1.sumstats.gz_T2.sumstats.gz_Partitioned.log")$value
  expect_equal(thin, thick, tolerance = 1e-12)
})

# A copy of the example set with `edit(dir)` applied.
edited_example <- function(edit) {
  d <- genomicsemrs_example("stratified")
  dir <- withr::local_tempdir(.local_envir = parent.frame())
  for (f in list.files(d)) file.copy(file.path(d, f), dir)
  edit(dir)
  dir
}

sldsc_on <- function(dir, ..., n.blocks = 20) {
  run_sldsc(traits = file.path(dir, c("T1.sumstats.gz", "T2.sumstats.gz")),
            ld = file.path(dir, "baseline."), wld = file.path(dir, "weights."),
            frq = file.path(dir, "1000G.EUR.QC."), n.blocks = n.blocks, ...,
            log_name = "T1.sumstats.gz_T2.sumstats.gz_Partitioned.log")$value
}

rewrite_gz <- function(path, f) {
  d <- utils::read.delim(path, check.names = FALSE)
  con <- gzfile(path, "w")
  utils::write.table(f(d), con, sep = "\t", quote = FALSE, row.names = FALSE)
  close(con)
}

test_that("exclude_cont = TRUE without continuous annotations works (GenomicSEM crashed)", {
  dir <- edited_example(function(dir) {
    for (c in 21:22) {
      rewrite_gz(file.path(dir, paste0("baseline.", c, ".annot.gz")), function(d) d[, names(d) != "GERP.NS"])
      rewrite_gz(file.path(dir, paste0("baseline.", c, ".l2.ldscore.gz")), function(d) d[, names(d) != "GERP.NSL2"])
      m <- file.path(dir, paste0("baseline.", c, ".l2.M_5_50"))
      writeLines(paste(scan(m, quiet = TRUE)[-5], collapse = "\t"), m)
    }
  })
  out <- sldsc_on(dir, exclude_cont = TRUE)
  expect_length(out$S, 6)
  expect_identical(out$Select$V2, c(1, 2, 1, 1, 1))
})

test_that("bad stratified inputs give classed errors naming the file or argument", {
  missing_chr <- edited_example(function(dir) file.remove(file.path(dir, "baseline.22.annot.gz")))
  expect_error(sldsc_on(missing_chr), class = "genomicsemrs_error_sldsc_input", regexp = "Chromosome 22")
  no_frq <- edited_example(function(dir) file.remove(file.path(dir, "1000G.EUR.QC.21.frq")))
  expect_error(sldsc_on(no_frq), class = "genomicsemrs_error_sldsc_input", regexp = "\\.frq")
  differ <- edited_example(function(dir) {
    rewrite_gz(file.path(dir, "baseline.22.annot.gz"), function(d) d[, names(d) != "Promoter"])
  })
  expect_error(sldsc_on(differ), class = "genomicsemrs_error_sldsc_input", regexp = "baseline.22.annot.gz")
  no_base <- edited_example(function(dir) {
    for (c in 21:22) {
      rewrite_gz(file.path(dir, paste0("baseline.", c, ".l2.ldscore.gz")),
                 function(d) stats::setNames(d, sub("^baseL2$", "allL2", names(d))))
    }
  })
  expect_error(sldsc_on(no_base), class = "genomicsemrs_error_sldsc_annotation", regexp = "base")
  thin_short <- edited_example(function(dir) {
    rewrite_gz(file.path(dir, "baseline.21.annot.gz"), function(d) d[-1, -(1:4)])
  })
  expect_error(sldsc_on(thin_short), class = "genomicsemrs_error_sldsc_input", regexp = "thin annotation")
  d <- genomicsemrs_example("stratified")
  expect_error(sldsc_on(d, sample.prev = c(0.5, 0.5, 0.5), population.prev = c(0.1, 0.1, 0.1)),
               class = "genomicsemrs_error_argument", regexp = "sample.prev")
  expect_error(sldsc_on(d, trait.names = "A"), class = "genomicsemrs_error_argument", regexp = "trait.names")
  expect_error(sldsc_on(d, n.blocks = 1), class = "genomicsemrs_error_argument", regexp = "n.blocks")
})

test_that("a single annotation is a classed error (GenomicSEM: empty message)", {
  x <- sldsc_inputs()
  expect_error(run_sldsc(traits = x$munged[3:4], ld = file.path(x$w2, "inputs/sldsc_custom/custom."),
                         wld = x$wld, frq = x$frq,
                         log_name = "T3.sumstats.gz_T4.sumstats.gz_Partitioned.log"),
               class = "genomicsemrs_error_sldsc_annotation")
})

test_that("s_ldsc closes its log and leaves nothing in the global environment", {
  before_con <- nrow(showConnections())
  before_env <- ls(globalenv(), all.names = TRUE)
  d <- genomicsemrs_example("stratified")
  out <- sldsc_on(d)
  expect_identical(nrow(showConnections()), before_con)
  expect_identical(ls(globalenv(), all.names = TRUE), before_env)
  expect_error(sldsc_on(d, sample.prev = 2), class = "genomicsemrs_error_argument")
  expect_identical(nrow(showConnections()), before_con)
})
