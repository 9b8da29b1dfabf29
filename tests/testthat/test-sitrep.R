test_that("genomicsemrs_sitrep() reports versions and threads", {
  out <- capture.output(info <- genomicsemrs_sitrep(cores = 2))
  expect_s3_class(info, "genomicsemrs_sitrep")
  expect_identical(info$package_version, as.character(utils::packageVersion("genomicsemrs")))
  expect_match(info$rustc_version, "^rustc [0-9]+\\.[0-9]+")
  expect_match(info$extendr_version, "^0\\.9\\.")
  expect_identical(info$threads, 2L)
  expect_true(any(grepl("Threads: +2", out)))
})
