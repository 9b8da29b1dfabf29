# Every class of silent wrong result and unclassed error reported in the reliability issue,
# each with the behaviour that replaced it.

quietly <- function(expr) {
  withr::local_options(genomicsemrs.verbose = FALSE)
  expr
}

small_raw <- function(n = NULL) {
  raw <- data.frame(SNP = c("rs7620941", "rs23504392", "rs30966875", "rs48322719"),
                    A1 = c("C", "A", "T", "C"), A2 = c("A", "C", "G", "T"),
                    BETA = c(0.01, -0.02, 0.03, 0.001), SE = 0.01,
                    P = c(0.5, 0.04, 0.01, 0.9), N = 1000)
  if (!is.null(n)) raw$N <- n
  raw
}

small_hm3 <- function(path = "hm3.txt") {
  writeLines(c("SNP A1 A2", "rs7620941 C A", "rs23504392 A C", "rs30966875 T G",
               "rs48322719 C T"), path)
  path
}

test_that("GWAS functions refuse factor and text SNP columns", {
  covstruc <- example_covstruc()
  snps <- readRDS(genomicsemrs_example("sumstats_T1_T5.rds"))[1:5, ]
  model <- "F1 =~ NA*T1 + T2 + T3 + T4 + T5\nF1 ~ SNP\nF1 ~~ 1*F1\nSNP ~~ SNP"
  as_factor <- snps
  as_factor$beta.T2 <- factor(as_factor$beta.T2)
  expect_error(userGWAS(covstruc, as_factor, model = model, sub = "F1~SNP", cores = 1),
               "Column 'beta.T2' of `SNPs` must be numeric, not a factor",
               class = "genomicsemrs_error_argument")
  as_text <- snps
  as_text$se.T4 <- as.character(as_text$se.T4)
  expect_error(commonfactorGWAS(covstruc, as_text, cores = 1),
               "Column 'se.T4' of `SNPs` must be numeric, not character",
               class = "genomicsemrs_error_argument")
  as_text$se.T4 <- snps$se.T4
  as_text$MAF <- factor(as_text$MAF)
  expect_error(userGWAS(covstruc, as_text, model = model, sub = "F1~SNP", cores = 1),
               "Column 'MAF'", class = "genomicsemrs_error_argument")
})

test_that("analytic userGWAS refuses a usermod fitted to another model", {
  covstruc <- example_covstruc()
  snps <- readRDS(genomicsemrs_example("sumstats_T1_T5.rds"))[1:5, ]
  model <- "F1 =~ NA*T1 + T2 + T3 + T4 + T5\nF1 ~ SNP\nF1 ~~ 1*F1\nSNP ~~ SNP"
  other <- sem_quiet(usermodel(covstruc, model = "F1 =~ NA*T1 + T2 + T3\nF2 =~ NA*T4 + T5\nF1 ~~ 1*F1\nF2 ~~ 1*F2"))
  expect_error(userGWAS(covstruc, snps, model = model, analytic = TRUE, usermod = other, cores = 1),
               "`usermod` was not fitted to the model without the SNP", class = "genomicsemrs_error_argument")
  expect_error(userGWAS(covstruc, snps, model = model, analytic = TRUE, usermod = "abc", cores = 1),
               "`usermod` must be the output of usermodel()", class = "genomicsemrs_error_argument")
  same <- sem_quiet(usermodel(covstruc, model = "F1 =~ NA*T1 + T2 + T3 + T4 + T5\nF1 ~~ 1*F1"))
  given <- userGWAS(covstruc, snps, model = model, analytic = TRUE, usermod = same, cores = 1)
  fitted_here <- sem_quiet(userGWAS(covstruc, snps, model = model, analytic = TRUE, cores = 1))
  expect_equal(given$beta_F1, fitted_here$beta_F1, tolerance = 1e-12)
})

test_that("sumstats() with OLS or linprob needs a sample size, and a usable one", {
  withr::local_dir(withr::local_tempdir())
  ref <- "ref.txt"
  writeLines(c("SNP CHR BP MAF A1 A2", "rs7620941 1 10 0.3 C A", "rs23504392 1 20 0.2 A C",
               "rs30966875 1 30 0.4 T G", "rs48322719 1 40 0.1 C T"), ref)
  no_n <- small_raw()
  no_n$N <- NULL
  write_raw(no_n, "no_n.txt")
  expect_error(quietly(sumstats("no_n.txt", ref, trait.names = "X", se.logit = FALSE, OLS = TRUE)),
               "`OLS = TRUE` needs one", class = "genomicsemrs_error_missing_column")
  expect_error(quietly(sumstats("no_n.txt", ref, trait.names = "X", se.logit = FALSE, linprob = TRUE)),
               "`linprob = TRUE` needs one", class = "genomicsemrs_error_missing_column")
  for (bad in list(0, -5, Inf)) {
    expect_error(quietly(sumstats("no_n.txt", ref, trait.names = "X", se.logit = FALSE, OLS = TRUE, N = bad)),
                 "`N` must be a single number > 0", class = "genomicsemrs_error_argument")
  }
  zero_n <- small_raw(n = c(1000, 0, 1000, Inf))
  write_raw(zero_n, "zero_n.txt")
  expect_warning(out <- quietly(sumstats("zero_n.txt", ref, trait.names = "X", se.logit = FALSE, OLS = TRUE)),
                 "2 row\\(s\\) .* removed because their sample size \\(N\\) is missing, zero, negative or infinite",
                 class = "genomicsemrs_warning_qc")
  expect_identical(nrow(out), 2L)
  expect_true(all(is.finite(out$beta.X) & is.finite(out$se.X) & out$se.X > 0))
  with_n <- quietly(sumstats("no_n.txt", ref, trait.names = "X", se.logit = FALSE, OLS = TRUE, N = 1000))
  # The closed form of OLS standardisation: beta = Z / sqrt(N * 2 MAF (1 - MAF)).
  z <- stats::qnorm(small_raw()$P / 2, lower.tail = FALSE) * sign(small_raw()$BETA)
  maf <- c(0.3, 0.2, 0.4, 0.1)
  expect_equal(with_n$beta.X, z / sqrt(1000 * 2 * maf * (1 - maf)), tolerance = 1e-12)
})

test_that("munge() refuses sample sizes it cannot use and never writes an empty file", {
  withr::local_dir(withr::local_tempdir())
  hm3 <- small_hm3()
  write_raw(small_raw(), "ok.txt")
  for (bad in list(0, -1, Inf)) {
    expect_error(quietly(munge("ok.txt", hm3, trait.names = "T", N = bad)), "`N` must be",
                 class = "genomicsemrs_error_argument")
  }
  write_raw(small_raw(n = c(1000, 0, -3, NA)), "bad_n.txt")
  expect_warning(quietly(munge("bad_n.txt", hm3, trait.names = "B")),
                 "3 row\\(s\\) were removed .* sample size \\(N\\) is missing, zero, negative or infinite",
                 class = "genomicsemrs_warning_qc")
  expect_identical(as.double(utils::read.delim("B.sumstats.gz")$N), 1000)
  write_raw(small_raw(n = Inf), "inf_n.txt")
  expect_error(suppressWarnings(quietly(munge("inf_n.txt", hm3, trait.names = "I"))), "No rows",
               class = "genomicsemrs_error_no_rows")
  expect_false(file.exists("I.sumstats.gz"))
  # Filters that leave nothing: an error, not an empty .sumstats.gz.
  low_maf <- small_raw()
  low_maf$MAF <- 0.001
  write_raw(low_maf, "low_maf.txt")
  expect_error(quietly(munge("low_maf.txt", hm3, trait.names = "L")),
               "No rows of 'low_maf.txt' are left after allele matching and the INFO and MAF filters",
               class = "genomicsemrs_error_no_rows")
  expect_false(file.exists("L.sumstats.gz"))
  expect_error(quietly(munge(character(0), hm3)), "`files` must be file paths",
               class = "genomicsemrs_error_argument")
  expect_error(quietly(munge(c("ok.txt", "ok.txt"), hm3, trait.names = c("T", "T"))),
               "`trait.names` must not repeat a value", class = "genomicsemrs_error_argument")
  expect_error(quietly(munge("ok.txt", hm3, trait.names = NA_character_)),
               "`trait.names` must be 1 non-empty string without NA", class = "genomicsemrs_error_argument")
})

test_that("munge() removes P = 0 rows with a warning instead of writing Z = Inf", {
  withr::local_dir(withr::local_tempdir())
  raw <- small_raw()
  raw$P[2] <- 0
  write_raw(raw, "p0.txt")
  expect_warning(quietly(munge("p0.txt", small_hm3(), trait.names = "P0")),
                 "1 row\\(s\\) were removed .* P value is exactly 0", class = "genomicsemrs_warning_qc")
  out <- utils::read.delim("P0.sumstats.gz")
  expect_false("rs23504392" %in% out$SNP)
  expect_true(all(is.finite(out$Z)))
})

test_that("munge(overwrite = FALSE) protects the log too; unwritable logs are classed errors", {
  withr::local_dir(withr::local_tempdir())
  write_raw(small_raw(), "ok.txt")
  writeLines("old log", "T_munge.log")
  expect_error(quietly(munge("ok.txt", small_hm3(), trait.names = "T", overwrite = FALSE)),
               "T_munge.log exist", class = "genomicsemrs_error_io")
  expect_identical(readLines("T_munge.log"), "old log")
  expect_error(quietly(munge("ok.txt", small_hm3(), trait.names = "T", log.name = "no/such/dir/x")),
               "the folder 'no/such/dir' does not exist", class = "genomicsemrs_error_io")
})

test_that("munge() arguments are checked before any work", {
  withr::local_dir(withr::local_tempdir())
  write_raw(small_raw(), "ok.txt")
  hm3 <- small_hm3()
  expect_error(quietly(munge("ok.txt", hm3, trait.names = "T", info.filter = c(.9, .8))),
               "`info.filter` must be a single number", class = "genomicsemrs_error_argument")
  expect_error(quietly(munge("ok.txt", hm3, trait.names = "T", column.names = list(P = NA))),
               "`column.names\\$P` must be a single non-empty string", class = "genomicsemrs_error_argument")
})

test_that("input files in other formats and encodings get an error that says what they are", {
  withr::local_dir(withr::local_tempdir())
  hm3 <- small_hm3()
  lines <- c(paste(names(small_raw()), collapse = "\t"),
             apply(small_raw(), 1, paste, collapse = "\t"))
  # A UTF-8 byte-order mark is skipped: the SNP column is found.
  con <- file("bom.txt", "wb")
  writeBin(as.raw(c(0xef, 0xbb, 0xbf)), con)
  writeBin(charToRaw(paste0(paste(lines, collapse = "\n"), "\n")), con)
  close(con)
  quietly(munge("bom.txt", hm3, trait.names = "BOM"))
  expect_identical(nrow(utils::read.delim("BOM.sumstats.gz")), 4L)
  # Latin-1 bytes.
  latin <- lines
  latin[3] <- paste0(latin[3], "\tcaf\xe9")
  con <- file("latin1.txt", "wb")
  writeBin(charToRaw(paste(c(paste0(lines[1], "\tNOTE"), latin[-1]), collapse = "\n")), con)
  close(con)
  expect_error(quietly(munge("latin1.txt", hm3, trait.names = "L")), "is not UTF-8 text",
               class = "genomicsemrs_error_io")
  # bzip2, xz and UTF-16 by their first bytes.
  writeBin(as.raw(c(0x42, 0x5a, 0x68, 0x39, 0x31)), "x.bz2")
  expect_error(quietly(munge("x.bz2", hm3, trait.names = "Z")), "is bzip2-compressed",
               class = "genomicsemrs_error_io")
  writeBin(as.raw(c(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x01)), "x.xz")
  expect_error(quietly(munge("x.xz", hm3, trait.names = "Z")), "is xz-compressed",
               class = "genomicsemrs_error_io")
  writeBin(as.raw(c(0xff, 0xfe, 0x53, 0x00)), "x16.txt")
  expect_error(quietly(munge("x16.txt", hm3, trait.names = "Z")), "is UTF-16 text",
               class = "genomicsemrs_error_io")
})

test_that("ldsc() refuses unusable SNP counts, sample sizes and prevalences", {
  withr::local_dir(withr::local_tempdir())
  traits <- paste0("T", 1:2)
  muffle(quietly(munge(example_files()[1:2], hm3 = genomicsemrs_example("w_hm3.snplist"),
                       trait.names = traits)), "duplicates")
  ld <- genomicsemrs_example("eur_ld_chr")
  dir.create("ld")
  file.copy(list.files(ld, full.names = TRUE), "ld")
  run <- function(...) {
    quietly(ldsc(paste0(traits, ".sumstats.gz"), sample.prev = c(NA, NA),
                 population.prev = c(NA, NA), ld = "ld", wld = "ld", ...))
  }
  for (content in list(character(0), "0", "-5")) {
    writeLines(content, "ld/3.l2.M_5_50")
    expect_error(run(), "M_5_50", class = "genomicsemrs_error_ldsc_input")
  }
  file.copy(file.path(ld, "3.l2.M_5_50"), "ld", overwrite = TRUE)
  file.copy("T1.sumstats.gz", "T1.kept.gz")
  zero <- utils::read.delim("T1.sumstats.gz")
  zero$N[5] <- 0
  utils::write.table(zero, gzfile("T1.sumstats.gz"), sep = "\t", quote = FALSE, row.names = FALSE)
  expect_error(run(), "column 'N \\(a sample size, which must be positive and finite\\)' holds '0'",
               class = "genomicsemrs_error_ldsc_input")
  file.copy("T1.kept.gz", "T1.sumstats.gz", overwrite = TRUE)
  expect_error(quietly(ldsc(paste0(traits, ".sumstats.gz"), sample.prev = c(1e-300, NA),
                            population.prev = c(.1, NA), ld = ld, wld = ld)),
               "non-finite", class = "genomicsemrs_error_result")
})

test_that("fit_null_sc() flags variance ratios it cannot identify", {
  d <- sc_example()
  one_per_donor <- d$cells[!duplicated(d$cells$donor_id), ]
  expr <- d$expr[1:3, one_per_donor$cell_id, drop = FALSE]
  fit <- fit_null_sc(expr, one_per_donor, grm = NULL, covariates = ~ age + sex, future = FALSE)
  expect_identical(unique(fit$genes$status), "tau_not_identifiable")
  expect_true(all(is.na(fit$genes$tau)))
  # A fixed tau needs no identification.
  fixed <- fit_null_sc(expr, one_per_donor, grm = NULL, covariates = ~ age + sex, tau = 0.5,
                       future = FALSE)
  expect_identical(unique(fixed$genes$status), "ok")
  grm <- read_grm(d$grm_prefix)
  ones <- grm
  ones[] <- 1
  zeros <- grm
  zeros[] <- 0
  cells <- d$cells[d$cells$donor_id %in% rownames(grm)[1:40], ]
  expr <- d$expr[1:3, cells$cell_id, drop = FALSE]
  for (kernel in list(ones, zeros)) {
    fit <- fit_null_sc(expr, cells, grm = kernel, covariates = ~ age, future = FALSE)
    expect_identical(unique(fit$genes$status), "tau_not_identifiable")
  }
  ok <- fit_null_sc(expr, cells, grm = grm, covariates = ~ age, future = FALSE)
  expect_identical(unique(ok$genes$status), "ok")
})

test_that("GRM files with repeated ids, NUL bytes or a bad format argument are classed errors", {
  withr::local_dir(withr::local_tempdir())
  prefix <- file.path(genomicsemrs_example("single_cell"), "grm")
  for (ext in c(".grm.bin", ".grm.id", ".grm.N.bin")) file.copy(paste0(prefix, ext), paste0("g", ext))
  ids <- readLines("g.grm.id")
  writeLines(c(ids[1], ids[1], ids[-(1:2)]), "g.grm.id")
  expect_error(read_grm("g"), "lists individual id\\(s\\) more than once", class = "genomicsemrs_error_grm")
  con <- file("g.grm.id", "wb")
  writeBin(c(charToRaw(ids[1]), as.raw(0), charToRaw(paste0("\n", paste(ids[-1], collapse = "\n")))), con)
  close(con)
  expect_error(read_grm("g"), "NUL byte", class = "genomicsemrs_error_grm")
  expect_error(read_grm("g", format = "plink"), "`format` must be one of", class = "genomicsemrs_error_argument")
})

test_that("fit_null_sc() covariates naming absent columns or one-level factors are classed errors", {
  d <- sc_example()
  expr <- d$expr[1:2, ]
  expect_error(fit_null_sc(expr, d$cells, covariates = ~ age + batch, future = FALSE),
               "Covariate\\(s\\) not found in `cells`.*: batch", class = "genomicsemrs_error_argument")
  cells <- d$cells
  cells$site <- "A"
  expect_error(fit_null_sc(expr, cells, covariates = ~ age + site, future = FALSE),
               "Covariate `site` has 1 level", class = "genomicsemrs_error_argument")
})

test_that("contradictory bounds in a model are a syntax error, not a panic", {
  covstruc <- example_covstruc()
  model <- "F1 =~ NA*T1 + a*T2 + T3 + T4 + T5\nF1 ~~ 1*F1\na > 10\na < 1"
  expect_error(sem_quiet(usermodel(covstruc, model = model)),
               "inequality constraints on `a` contradict each other", class = "genomicsemrs_error_model_syntax")
})

test_that("batch sizes must be finite whole numbers", {
  covstruc <- example_covstruc()
  snps <- readRDS(genomicsemrs_example("sumstats_T1_T5.rds"))[1:3, ]
  expect_error(commonfactorGWAS(covstruc, snps, batch_size = Inf, cores = 1),
               "`batch_size` must be a single whole number >= 1, not Inf", class = "genomicsemrs_error_argument")
  d <- sc_example()
  expect_error(fit_null_sc(d$expr[1:2, ], d$cells, batch_size = 2.5, future = FALSE),
               "`batch_size` must be a single whole number", class = "genomicsemrs_error_argument")
})
