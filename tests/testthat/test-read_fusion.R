# read_fusion() against the original GenomicSEM's outputs (wave2 goldens rf_*), and end to end
# into the GWAS functions with TWAS = TRUE.

wave2 <- function(...) reference_dir("genomicsem", "wave2", ...)
fusion_files <- function(traits = paste0("T", 1:5)) {
  wave2("inputs", "fusion", paste0(traits, ".dat"))
}
N_fusion <- c(168000, 58333, 300000, 150000, 80000)

expect_fusion_golden <- function(ours, name) {
  golden <- readRDS(wave2(paste0(name, ".rds")))
  expect_identical(names(ours), names(golden))
  expect_identical(attr(ours, "row.names"), attr(golden, "row.names"))
  expect_identical(attr(ours, "na.action"), attr(golden, "na.action"))
  for (col in names(golden)) {
    if (is.character(golden[[col]])) {
      expect_identical(ours[[col]], golden[[col]], info = paste(name, col))
    } else {
      expect_lt(max_rel_diff(ours[[col]], golden[[col]]), tolerances$fusion_vs_genomicsem)
    }
  }
}

test_that("five files, mixed binary and continuous, match rf_5files", {
  ours <- read_fusion(fusion_files(), trait.names = paste0("T", 1:5),
                      binary = c(TRUE, TRUE, FALSE, FALSE, FALSE), N = N_fusion)
  expect_fusion_golden(ours, "rf_5files")
})

test_that("one file keeps the column order HSQ, Panel, Gene (rf_1file)", {
  ours <- read_fusion(fusion_files("T3"), trait.names = "T3", binary = FALSE, N = 300000)
  expect_fusion_golden(ours, "rf_1file")
})

test_that("perm with binary = NULL and no trait names matches rf_perm_binary_default", {
  expect_message(
    ours <- read_fusion(fusion_files(c("T1", "T2")), N = N_fusion[1:2], perm = TRUE),
    "binary"
  )
  expect_fusion_golden(ours, "rf_perm_binary_default")
})

test_that("perm with continuous traits matches rf_perm_continuous", {
  ours <- read_fusion(fusion_files(c("T3", "T4")), trait.names = c("T3", "T4"),
                      binary = c(FALSE, FALSE), N = N_fusion[3:4], perm = TRUE)
  expect_fusion_golden(ours, "rf_perm_continuous")
})

test_that("the bundled example files read", {
  files <- genomicsemrs_example(file.path("fusion", paste0("T", 1:5, ".dat")))
  genes <- read_fusion(files, trait.names = paste0("T", 1:5),
                       binary = c(TRUE, TRUE, FALSE, FALSE, FALSE), N = N_fusion)
  expect_identical(names(genes)[1:3], c("Gene", "Panel", "HSQ"))
  expect_gt(nrow(genes), 10)
  expect_false(anyNA(genes))
})

test_that("read_fusion output runs through userGWAS and commonfactorGWAS with TWAS = TRUE", {
  covstruc <- readRDS(genomicsemrs_example("ldsc_T1_T5.rds"))
  files <- genomicsemrs_example(file.path("fusion", paste0("T", 1:5, ".dat")))
  genes <- read_fusion(files, trait.names = paste0("T", 1:5),
                       binary = c(TRUE, TRUE, FALSE, FALSE, FALSE), N = N_fusion)[1:6, ]
  model <- "F1 =~ T1 + T2 + T3 + T4 + T5\nF1 ~ Gene"
  twas <- userGWAS(covstruc, genes, model = model, TWAS = TRUE, sub = "F1~Gene",
                   parallel = FALSE)
  expect_length(twas, 1L)
  expect_identical(names(twas[[1]])[1:3], c("Gene", "Panel", "HSQ"))
  expect_identical(twas[[1]]$Gene, genes$Gene)
  expect_true(all(is.finite(twas[[1]]$est)))
  # The same genes as SNPs whose variance 2 MAF (1 - MAF) equals HSQ give the same numbers.
  as_snps <- data.frame(SNP = genes$Gene, CHR = 1L, BP = seq_len(nrow(genes)),
                        MAF = (1 - sqrt(1 - 2 * genes$HSQ)) / 2, A1 = "A", A2 = "G",
                        genes[, -(1:3)])
  snp <- userGWAS(covstruc, as_snps, model = sub("Gene", "SNP", model), sub = "F1~SNP",
                  parallel = FALSE)
  expect_equal(twas[[1]]$est, snp[[1]]$est, tolerance = 1e-8)
  expect_equal(twas[[1]]$SE, snp[[1]]$SE, tolerance = 1e-8)
  cf <- commonfactorGWAS(covstruc, genes, TWAS = TRUE, parallel = FALSE)
  expect_identical(names(cf)[1:3], c("Gene", "Panel", "HSQ"))
  expect_identical(nrow(cf), nrow(genes))
  expect_true(all(is.finite(cf$est)))
})

test_that("bad input gives classed errors", {
  files <- genomicsemrs_example(file.path("fusion", paste0("T", 1:2, ".dat")))
  expect_error(read_fusion(c(files[1], "no/such.dat"), N = c(1, 2)), class = "genomicsemrs_error_io")
  expect_error(read_fusion(files, binary = TRUE, N = c(1, 2)),
               class = "genomicsemrs_error_argument")
  expect_error(read_fusion(files, binary = c(TRUE, TRUE)), class = "genomicsemrs_error_argument")
  expect_error(read_fusion(files, binary = c(TRUE, TRUE), N = c(1, -2)),
               class = "genomicsemrs_error_argument")
  expect_error(read_fusion(files, trait.names = "A", binary = c(TRUE, TRUE), N = c(1, 2)),
               class = "genomicsemrs_error_argument")
  bad <- withr::local_tempfile(fileext = ".dat")
  writeLines(c("PANEL\tFILE\tID\tHSQ", "P\tW/P/G.wgt\tG\t0.2"), bad)
  expect_error(read_fusion(bad, binary = FALSE, N = 100), class = "genomicsemrs_error_missing_column")
  writeLines(c("FILE\tID\tHSQ\tTWAS.Z", "W/P/G.wgt\tG\t0.2\t1.5"), bad)
  expect_error(read_fusion(bad, binary = FALSE, N = 100, perm = TRUE),
               class = "genomicsemrs_error_missing_column")
  writeLines(c("FILE\tID\tHSQ\tTWAS.Z", "W/P/G.wgt\tG\thigh\t1.5"), bad)
  expect_error(read_fusion(bad, binary = FALSE, N = 100), class = "genomicsemrs_error_input")
})

test_that("error messages name the argument and the fix", {
  files <- genomicsemrs_example(file.path("fusion", paste0("T", 1:2, ".dat")))
  expect_snapshot(read_fusion(files, binary = TRUE, N = c(1, 2)), error = TRUE)
  expect_snapshot(read_fusion(files, binary = c(TRUE, FALSE)), error = TRUE)
})
