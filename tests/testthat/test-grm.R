grm_text <- function() {
  as.matrix(utils::read.delim(fixture("single_cell/grm.tsv.gz"), row.names = 1,
                              check.names = FALSE))
}

test_that("a plink-written GCTA GRM is read back exactly, by prefix or .grm.bin path", {
  prefix <- file.path(genomicsemrs_example("single_cell"), "grm")
  grm <- read_grm(prefix)
  reference <- grm_text()
  expect_identical(dim(grm), c(120L, 120L))
  expect_identical(rownames(grm), rownames(reference))
  expect_identical(colnames(grm), rownames(reference))
  expect_identical(as.vector(grm), as.vector(reference))
  expect_identical(attr(grm, "family_ids"), rownames(reference))
  expect_identical(read_grm(paste0(prefix, ".grm.bin")), grm)
})

test_that("a SAIGE-style sparse GRM is read as the dense matrix it stands for", {
  reference <- grm_text()
  keep <- abs(reference) > 0.03 | diag(nrow(reference)) == 1
  sparse <- read_grm(fixture("single_cell/sparse_grm.mtx"))
  expect_identical(dimnames(sparse), dimnames(reference))
  expect_equal(unname(sparse), unname(reference * keep), tolerance = tolerances$exact)
  ids <- fixture("single_cell/sparse_grm.sampleIDs.txt")
  expect_identical(read_grm(fixture("single_cell/sparse_grm.mtx"), ids = ids, format = "sparse"),
                   sparse)
})

test_that("read_grm() reports missing and malformed files", {
  dir <- withr::local_tempdir()
  expect_snapshot(read_grm(file.path(dir, "nothing")), error = TRUE,
                  transform = function(x) gsub(dir, "<tmp>", x, fixed = TRUE))
  file.copy(fixture("single_cell/sparse_grm.mtx"), file.path(dir, "lonely.mtx"))
  expect_snapshot(read_grm(file.path(dir, "lonely.mtx")), error = TRUE,
                  transform = function(x) gsub(dir, "<tmp>", x, fixed = TRUE))
  prefix <- file.path(genomicsemrs_example("single_cell"), "grm")
  file.copy(paste0(prefix, ".grm.id"), file.path(dir, "short.grm.id"))
  writeBin(readBin(paste0(prefix, ".grm.bin"), "raw", 1000), file.path(dir, "short.grm.bin"))
  expect_error(read_grm(file.path(dir, "short")), class = "genomicsemrs_error_grm")
})
