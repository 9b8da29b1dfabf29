# Checkpoint and resume: killed runs resume to results identical() to uninterrupted ones,
# only unfinished batches are recomputed, and a folder of another run is refused.

gwas_inputs <- function(n = 60) {
  list(covstruc = example_covstruc(),
       snps = readRDS(genomicsemrs_example("sumstats_T1_T5.rds"))[seq_len(n), ],
       model = "F1 =~ NA*T1 + T2 + T3 + T4 + T5\nF1 ~ SNP\nF1 ~~ 1*F1\nSNP ~~ SNP")
}

batch_files <- function(dir) list.files(dir, "^batch-[0-9]+\\.rds$")

# Start `expr` in a forked R process, SIGKILL it once `dir` holds at least `k` finished
# batches, and return how many there were. The batches are slowed down (internal option
# genomicsemrs.batch_pause) so that the kill lands in the middle of the run.
kill_after_batches <- function(expr, dir, k) {
  job <- parallel::mcparallel({
    options(genomicsemrs.batch_pause = 0.2)
    expr
  }, silent = TRUE)
  deadline <- Sys.time() + 60
  while (length(batch_files(dir)) < k && Sys.time() < deadline) Sys.sleep(0.02)
  tools::pskill(job$pid, tools::SIGKILL)
  suppressWarnings(parallel::mccollect(job, wait = TRUE))  # it delivers nothing: it was killed
  length(batch_files(dir))
}

resumed_count <- function(expr) {
  msgs <- character()
  value <- withCallingHandlers(expr, message = function(m) {
    msgs <<- c(msgs, conditionMessage(m))
    invokeRestart("muffleMessage")
  })
  hit <- regmatches(msgs, regexpr("Resumed [0-9]+ of [0-9]+ batches", msgs))
  list(value = value, resumed = if (length(hit)) as.integer(strsplit(hit, " ")[[1]][2]) else 0L)
}

test_that("a killed userGWAS() resumes to the uninterrupted result, recomputing only what is missing", {
  skip_on_os("windows")
  d <- gwas_inputs()
  dir <- withr::local_tempdir()
  run <- function() userGWAS(d$covstruc, d$snps, model = d$model, sub = "F1~SNP", cores = 1,
                             batch_size = 5, checkpoint = dir)
  on_disk <- kill_after_batches(run(), dir, 3)
  expect_gte(on_disk, 3)
  expect_lt(on_disk, 12)
  resumed <- resumed_count(run())
  expect_identical(resumed$resumed, on_disk)
  plain <- userGWAS(d$covstruc, d$snps, model = d$model, sub = "F1~SNP", cores = 1, batch_size = 5)
  expect_identical(resumed$value, plain)
  # A complete folder: everything is read back, nothing computed.
  again <- resumed_count(run())
  expect_identical(again$resumed, 12L)
  expect_identical(again$value, plain)
  expect_length(list.files(dir, "\\.tmp$", all.files = TRUE), 0)
})

test_that("commonfactorGWAS(), fit_null_sc() and fit_null() resume identically", {
  d <- gwas_inputs(30)
  dir <- withr::local_tempdir()
  full <- commonfactorGWAS(d$covstruc, d$snps, cores = 1, batch_size = 4, checkpoint = dir)
  unlink(file.path(dir, c("batch-000002.rds", "batch-000005.rds")))
  writeLines("half-written", file.path(dir, ".batch-000003.node.1.tmp"))  # a killed writer
  again <- resumed_count(commonfactorGWAS(d$covstruc, d$snps, cores = 1, batch_size = 4,
                                          checkpoint = dir))
  expect_identical(again$resumed, 6L)
  expect_identical(again$value, full)
  expect_identical(again$value, commonfactorGWAS(d$covstruc, d$snps, cores = 1, batch_size = 4))

  sc <- sc_example()
  expr <- sc$expr[1:12, ]
  dir <- withr::local_tempdir()
  fit <- fit_null_sc(expr, sc$cells, covariates = ~ age + sex, batch_size = 5, future = FALSE,
                     checkpoint = dir)
  unlink(file.path(dir, "batch-000003.rds"))
  resumed <- resumed_count(fit_null_sc(expr, sc$cells, covariates = ~ age + sex, batch_size = 5,
                                       future = FALSE, checkpoint = dir))
  expect_identical(resumed$resumed, 2L)
  expect_identical(resumed$value, fit)
  expect_identical(fit, fit_null_sc(expr, sc$cells, covariates = ~ age + sex, batch_size = 5,
                                    future = FALSE))

  grm <- read_grm(sc$grm_prefix)
  ids <- rownames(grm)[1:40]
  samples <- data.frame(sample_id = ids, age = seq_along(ids) %% 5)
  bulk <- matrix(cos(seq_len(6 * 40)), 6, dimnames = list(paste0("g", 1:6), ids))
  dir <- withr::local_tempdir()
  first <- fit_null(bulk, samples, grm[ids, ids], covariates = "age", batch_size = 2,
                    future = FALSE, checkpoint = dir)
  unlink(file.path(dir, "batch-000001.rds"))
  resumed <- resumed_count(fit_null(bulk, samples, grm[ids, ids], covariates = "age",
                                    batch_size = 2, future = FALSE, checkpoint = dir))
  expect_identical(resumed$resumed, 2L)
  expect_identical(resumed$value, first)
})

test_that("resuming under a multisession plan gives the sequential result, for all five functions", {
  skip_if_not_installed("future.apply")
  d <- gwas_inputs(40)
  sc <- sc_example()
  dir <- genomicsemrs_example("single_cell")
  grm <- read_grm(sc$grm_prefix)
  ids <- rownames(grm)[1:40]
  samples <- data.frame(sample_id = ids, age = seq_along(ids) %% 5)
  bulk <- matrix(cos(seq_len(6 * 40)), 6, dimnames = list(paste0("g", 1:6), ids))
  fit <- fit_null_sc(sc$expr[1:6, ], sc$cells, covariates = ~ age + sex, future = FALSE)
  genes <- utils::read.delim(file.path(dir, "genes.tsv"))[1:6, ]
  runs <- list(
    userGWAS = function(cp) userGWAS(d$covstruc, d$snps, model = d$model, sub = "F1~SNP",
                                     cores = 1, batch_size = 8, checkpoint = cp),
    commonfactorGWAS = function(cp) commonfactorGWAS(d$covstruc, d$snps, cores = 1,
                                                     batch_size = 8, checkpoint = cp),
    fit_null_sc = function(cp) fit_null_sc(sc$expr[1:9, ], sc$cells, covariates = ~ age + sex,
                                           batch_size = 3, cores = 1, checkpoint = cp),
    fit_null = function(cp) fit_null(bulk, samples, grm[ids, ids], covariates = "age",
                                     batch_size = 2, cores = 1, checkpoint = cp),
    map_cis = function(cp) map_cis(fit, file.path(dir, "genotypes"), genes, window = 75,
                                   cores = 1, batch_size = 2, checkpoint = cp)
  )
  sequential <- lapply(runs, function(f) f(NULL))
  folders <- lapply(runs, function(f) {
    cp <- tempfile("gsem-cp-")
    f(cp)
    unlink(file.path(cp, "batch-000001.rds"))  # as if killed before the first batch was saved
    cp
  })
  withr::with_options(list(genomicsemrs.verbose = FALSE), {
    old <- future::plan("multisession", workers = 2)
    on.exit(future::plan(old), add = TRUE)
    resumed <- Map(function(f, cp) resumed_count(f(cp)), runs, folders)
  })
  for (name in names(runs)) {
    expect_gte(resumed[[name]]$resumed, 1L)
    expect_identical(resumed[[name]]$value, sequential[[name]], label = name)
  }
  unlink(unlist(folders), recursive = TRUE)
})

test_that("a checkpoint folder of another run is refused", {
  d <- gwas_inputs(20)
  dir <- withr::local_tempdir()
  userGWAS(d$covstruc, d$snps, model = d$model, sub = "F1~SNP", cores = 1, batch_size = 5,
           checkpoint = dir)
  changed <- d$snps
  changed$beta.T3[7] <- changed$beta.T3[7] * (1 + 1e-12)
  expect_error(userGWAS(d$covstruc, changed, model = d$model, sub = "F1~SNP", cores = 1,
                        batch_size = 5, checkpoint = dir),
               "holds batches of a run with other inputs", class = "genomicsemrs_error_checkpoint_mismatch")
  expect_error(userGWAS(d$covstruc, d$snps, model = d$model, sub = "F1~SNP", cores = 1,
                        batch_size = 5, GC = "conserv", checkpoint = dir),
               class = "genomicsemrs_error_checkpoint_mismatch")
  expect_error(commonfactorGWAS(d$covstruc, d$snps, cores = 1, batch_size = 5, checkpoint = dir),
               class = "genomicsemrs_error_checkpoint_mismatch")
  sc <- sc_example()
  expect_error(fit_null_sc(sc$expr[1:2, ], sc$cells, tau = "shared", checkpoint = dir, future = FALSE),
               "`checkpoint` needs gene batches", class = "genomicsemrs_error_argument")
  expect_error(userGWAS(d$covstruc, d$snps, model = d$model, sub = "F1~SNP", checkpoint = NA),
               "`checkpoint` must be a single non-empty string", class = "genomicsemrs_error_argument")
})

test_that("map_cis() resumes identically, with the variants returned or streamed to a file", {
  sc <- sc_example()
  dir <- genomicsemrs_example("single_cell")
  fit <- fit_null_sc(sc$expr[1:8, ], sc$cells, covariates = ~ age + sex, future = FALSE)
  genes <- utils::read.delim(file.path(dir, "genes.tsv"))[1:8, ]
  run <- function(...) map_cis(fit, file.path(dir, "genotypes"), genes, window = 75, cores = 1,
                               batch_size = 3, future = FALSE, ...)
  plain <- run()
  cp <- withr::local_tempdir()
  expect_identical(run(checkpoint = cp), plain)
  unlink(file.path(cp, "batch-000002.rds"))
  resumed <- resumed_count(run(checkpoint = cp))
  expect_identical(resumed$resumed, 2L)
  expect_identical(resumed$value, plain)

  files <- withr::local_tempdir()
  streamed <- run(output = file.path(files, "plain.tsv.gz"))
  cp2 <- withr::local_tempdir()
  run(checkpoint = cp2, output = file.path(files, "first.tsv.gz"))
  unlink(file.path(cp2, "batch-000001.rds"))
  again <- resumed_count(run(checkpoint = cp2, output = file.path(files, "resumed.tsv.gz")))
  expect_identical(again$resumed, 2L)
  expect_identical(again$value$genes, streamed$genes)  # `variants` names the file written
  expect_identical(readLines(file.path(files, "resumed.tsv.gz")),
                   readLines(file.path(files, "plain.tsv.gz")))
})
