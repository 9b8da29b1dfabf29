test_that("errors reported by Rust become classed conditions with the user's call", {
  user_function <- function() genomicsemrs:::rs_value(genomicsemrs:::rs_read_delim("no/such/file.txt", -1))
  err <- tryCatch(user_function(), error = identity)
  expect_s3_class(err, c("genomicsemrs_error_io", "genomicsemrs_error", "error", "condition"),
                  exact = TRUE)
  expect_identical(conditionCall(err), quote(user_function()))
  expect_match(conditionMessage(err), "'no/such/file.txt' does not exist")
})

test_that("unexpected R errors inside a Rust call are reported as internal errors", {
  user_function <- function() genomicsemrs:::rs_value(stop("boom"))
  err <- tryCatch(user_function(), error = identity)
  expect_s3_class(err, "genomicsemrs_error_internal")
  expect_match(conditionMessage(err), "boom")
  expect_match(conditionMessage(err), "Please report it")
})

test_that("argument errors keep their own class when raised inside a Rust call's arguments", {
  err <- tryCatch(genomicsemrs_sitrep(cores = 0), error = identity)
  expect_s3_class(err, "genomicsemrs_error_argument")
  expect_identical(conditionCall(err), quote(genomicsemrs_sitrep(cores = 0)))
})

test_that("user-facing error messages are stable", {
  expect_snapshot(genomicsemrs_sitrep(cores = -1), error = TRUE)
  expect_snapshot(genomicsemrs_example("no-such-file"), error = TRUE)
})
