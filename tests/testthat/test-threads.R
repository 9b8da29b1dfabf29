measured_threads <- function(cores = NULL) {
  info <- suppressMessages(capture.output(x <- genomicsemrs_sitrep(cores)))
  x
}

test_that("the cores argument wins over the option and the environment", {
  withr::local_options(genomicsemrs.threads = 2L)
  withr::local_envvar(GENOMICSEMRS_NUM_THREADS = "3")
  x <- measured_threads(cores = 1)
  expect_identical(x$threads, 1L)
  expect_identical(x$pool_threads, 1L)
  expect_identical(x$threads_source, "argument or option")
})

test_that("the option wins over the environment variable", {
  withr::local_options(genomicsemrs.threads = 2L)
  withr::local_envvar(GENOMICSEMRS_NUM_THREADS = "3")
  expect_identical(measured_threads()$pool_threads, 2L)
})

test_that("the environment variable is used when neither argument nor option is set", {
  withr::local_options(genomicsemrs.threads = NULL)
  withr::local_envvar(GENOMICSEMRS_NUM_THREADS = "3")
  x <- measured_threads()
  expect_identical(x$pool_threads, 3L)
  expect_identical(x$threads_source, "environment variable")
})

test_that("the default is every available core", {
  withr::local_options(genomicsemrs.threads = NULL)
  withr::local_envvar(GENOMICSEMRS_NUM_THREADS = NA)
  x <- measured_threads()
  expect_identical(x$threads_source, "default (all cores)")
  expect_identical(x$pool_threads, as.integer(parallel::detectCores()))
})

test_that("invalid thread counts are rejected with a clear error", {
  withr::local_options(genomicsemrs.threads = NULL)
  expect_error(measured_threads(cores = 1.5), class = "genomicsemrs_error_argument")
  expect_error(measured_threads(cores = "two"), class = "genomicsemrs_error_argument")
  withr::local_envvar(GENOMICSEMRS_NUM_THREADS = "many")
  expect_error(measured_threads(), "GENOMICSEMRS_NUM_THREADS is 'many'",
               class = "genomicsemrs_error_argument")
  withr::local_envvar(GENOMICSEMRS_NUM_THREADS = "0")
  expect_error(measured_threads(), "positive", class = "genomicsemrs_error_argument")
})

test_that("work runs on every thread of the pool", {
  counts <- genomicsemrs:::rs_value(genomicsemrs:::rs_selftest_spin(0.1, 2L))
  expect_length(counts, 2L)
  expect_true(all(counts >= 1))
})

test_that("forked children (parallel::mclapply) can use the pools without hanging", {
  skip_on_os("windows")
  # The parent uses a pool first: with rayon's global pool this made children hang forever.
  genomicsemrs:::rs_value(genomicsemrs:::rs_selftest_spin(0.05, 2L))
  job <- parallel::mcparallel(
    parallel::mclapply(1:2, function(i) genomicsemrs:::rs_selftest_spin(0.05, 2L), mc.cores = 2)
  )
  result <- parallel::mccollect(job, wait = FALSE, timeout = 30)
  if (is.null(result)) tools::pskill(job$pid, tools::SIGKILL)
  expect_false(is.null(result), label = "children finished within 30 s")
  counts <- result[[1]]
  expect_length(counts, 2L)
  expect_true(all(vapply(counts, function(x) length(x) == 2L && all(x >= 1), logical(1))))
})

test_that("Ctrl-C stops a long call within a second and leaves the session usable", {
  skip_on_os("windows")
  job <- parallel::mcparallel({
    started <- Sys.time()
    outcome <- tryCatch(
      genomicsemrs:::rs_value(genomicsemrs:::rs_selftest_spin(30, 2L)),
      genomicsemrs_error_interrupted = function(e) "interrupted"
    )
    after <- genomicsemrs:::rs_value(genomicsemrs:::rs_selftest_spin(0.05, 1L))
    list(outcome = outcome, seconds = as.numeric(difftime(Sys.time(), started, units = "secs")),
         usable = length(after) == 1L)
  })
  Sys.sleep(1)
  tools::pskill(job$pid, tools::SIGINT)
  result <- parallel::mccollect(job, wait = FALSE, timeout = 10)[[1]]
  if (is.null(result)) tools::pskill(job$pid, tools::SIGKILL)
  expect_identical(result$outcome, "interrupted")
  expect_lt(result$seconds, 3) # 1 s before the signal, then at most about 1 s to stop
  expect_true(result$usable)
})
