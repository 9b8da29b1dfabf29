write_gz_members <- function(path, ...) {
  # Each gzfile(open = "a") call appends a separate gzip member, as bgzip and fwrite do.
  for (chunk in list(...)) {
    con <- gzfile(path, "a")
    writeLines(chunk, con)
    close(con)
  }
}

test_that("tab, comma and white-space separated files are read with quotes removed", {
  dir <- withr::local_tempdir()
  writeLines(c("SNP\tA1\tP", "rs1\tA\t0.5", "rs2\tG\t1e-300"), file.path(dir, "tab.txt"))
  writeLines(c("SNP,A1,P", "\"rs1\",\"A\",0.5", "rs2,G,1e-300"), file.path(dir, "comma.csv"))
  writeLines(c("SNP  A1 P", "  rs1 A   0.5", "rs2 G 1e-300  "), file.path(dir, "space.txt"))
  for (f in c("tab.txt", "comma.csv", "space.txt")) {
    x <- genomicsemrs:::read_text_table(file.path(dir, f))
    expect_identical(x, data.frame(SNP = c("rs1", "rs2"), A1 = c("A", "G"), P = c("0.5", "1e-300")),
                     label = f)
  }
})

test_that("every member of a multi-member gzip file is read", {
  path <- file.path(withr::local_tempdir(), "multi.txt.gz")
  write_gz_members(path, c("SNP N", "rs1 10"), "rs2 20", c("rs3 30", "rs4 40"))
  x <- genomicsemrs:::read_text_table(path)
  expect_identical(x$SNP, c("rs1", "rs2", "rs3", "rs4"))
  expect_identical(x$N, c("10", "20", "30", "40"))
})

test_that("short rows are filled with NA and long rows are reported", {
  path <- file.path(withr::local_tempdir(), "ragged.txt")
  writeLines(c("SNP\tA1\tA2", "rs1\tA", "rs2\tC\tG\textra"), path)
  expect_warning(x <- genomicsemrs:::read_text_table(path), "1 row\\(s\\) of 'ragged.txt' have more fields")
  expect_identical(x$A2, c(NA, "G"))
})

test_that("n_max limits the rows read", {
  x <- genomicsemrs:::read_text_table(genomicsemrs_example("w_hm3.snplist"), n_max = 7)
  expect_identical(nrow(x), 7L)
})

test_that("missing, empty and truncated files give clear I/O errors", {
  dir <- withr::local_tempdir()
  expect_error(genomicsemrs:::read_text_table(file.path(dir, "absent.txt")),
               "does not exist", class = "genomicsemrs_error_io")
  file.create(file.path(dir, "empty.txt"))
  expect_error(genomicsemrs:::read_text_table(file.path(dir, "empty.txt")),
               "is empty", class = "genomicsemrs_error_io")
  whole <- file.path(dir, "whole.txt.gz")
  write_gz_members(whole, c("SNP N", sprintf("rs%d %d", 1:5000, 1:5000)))
  bytes <- readBin(whole, "raw", file.size(whole))
  cut <- file.path(dir, "cut.txt.gz")
  writeBin(bytes[seq_len(length(bytes) %/% 2)], cut)
  expect_error(genomicsemrs:::read_text_table(cut), "damaged.*truncated",
               class = "genomicsemrs_error_io")
})

test_that("a bad path argument is an argument error", {
  expect_error(genomicsemrs:::read_text_table(c("a", "b")), class = "genomicsemrs_error_argument")
})
