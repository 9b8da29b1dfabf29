# Benchmark of munge() and sumstats(): genomicsemrs versus GenomicSEM on the same input, and
# throughput on a generated 10-million-row file. See bench/README.md.
# Usage: Rscript bench/munge_sumstats.R [reference data folder] [rows of the generated file]
args <- commandArgs(trailingOnly = TRUE)
data_dir <- normalizePath(if (length(args) >= 1) args[[1]] else "../shared/reference/genomicsem/data")
big_rows <- if (length(args) >= 2) as.numeric(args[[2]]) else 1e7
suppressPackageStartupMessages(library(genomicsemrs))
options(genomicsemrs.verbose = FALSE, width = 200)

load_original <- function() {
  if (requireNamespace("GenomicSEM", quietly = TRUE)) return(asNamespace("GenomicSEM"))
  src <- Sys.getenv("GENOMICSEM_R_DIR")
  if (!nzchar(src) || !dir.exists(src)) return(NULL)
  for (p in c("data.table", "R.utils", "stringr", "dplyr", "doParallel", "foreach", "Matrix", "lavaan")) {
    suppressPackageStartupMessages(library(p, character.only = TRUE))
  }
  env <- new.env()
  for (f in list.files(src, pattern = "\\.[Rr]$", full.names = TRUE)) sys.source(f, envir = env)
  env
}

# Median wall time and median CPU time (user + system, all threads of this process) over
# `times` runs. On a machine shared with other jobs the wall time depends on the load; the CPU
# time much less.
median_time <- function(expr, times = 5) {
  expr <- substitute(expr)
  frame <- parent.frame()
  runs <- replicate(times, system.time(eval(expr, frame)))
  c(wall = stats::median(runs["elapsed", ]),
    cpu = stats::median(runs["user.self", ] + runs["sys.self", ]))
}

truth <- readRDS(file.path(data_dir, "truth.rds"))
files <- file.path(data_dir, truth$files)
traits <- paste0("T", 1:5)
work <- tempfile("bench")
dir.create(work)
old <- setwd(work)
on.exit(setwd(old), add = TRUE)

run_munge <- function(f) f(files, hm3 = file.path(data_dir, "w_hm3.snplist"), trait.names = traits,
                          info.filter = 0.9, maf.filter = 0.01)
run_sumstats <- function(f) f(files, ref = file.path(data_dir, "reference.1000G.maf.0.005.txt"),
                             trait.names = traits, se.logit = c(TRUE, FALSE, FALSE, FALSE, FALSE),
                             OLS = c(FALSE, FALSE, TRUE, TRUE, TRUE), linprob = c(FALSE, TRUE, FALSE, FALSE, FALSE),
                             N = c(NA, 58333, NA, NA, NA), info.filter = 0.6, maf.filter = 0.01)

ours <- rbind(munge = median_time(suppressWarnings(run_munge(genomicsemrs::munge))),
              sumstats = median_time(suppressWarnings(run_sumstats(genomicsemrs::sumstats))))
original <- load_original()
if (!is.null(original)) {
  sink(tempfile())
  theirs <- rbind(munge = median_time(suppressWarnings(run_munge(original$munge)), 1),
                  sumstats = median_time(suppressWarnings(run_sumstats(original$sumstats)), 1))
  sink()
  source_of_theirs <- "measured in this run"
} else {
  recorded <- utils::read.delim(file.path(data_dir, "..", "out", "timings.tsv"))
  theirs <- cbind(wall = c(munge = recorded$seconds[recorded$step == "munge"][1],
                           sumstats = recorded$seconds[recorded$step == "sumstats"][1]),
                  cpu = NA_real_)
  source_of_theirs <- "recorded (GenomicSEM not available here)"
}
load <- if (file.exists("/proc/loadavg")) {
  paste(utils::head(strsplit(readLines("/proc/loadavg", warn = FALSE), " ")[[1]], 3), collapse = " ")
} else "unknown"
cat(sprintf("Reference set, 5 files x ~60,000 rows, %d threads available, load average %s\n",
            parallel::detectCores(), load))
print(data.frame(step = rownames(ours), genomicsemrs_s = round(ours[, "wall"], 3),
                 GenomicSEM_s = round(theirs[, "wall"], 3),
                 speedup = round(theirs[, "wall"] / ours[, "wall"], 1),
                 genomicsemrs_cpu_s = round(ours[, "cpu"], 3), GenomicSEM_cpu_s = round(theirs[, "cpu"], 3),
                 cpu_ratio = round(theirs[, "cpu"] / ours[, "cpu"], 1),
                 GenomicSEM_timing = source_of_theirs), row.names = FALSE)

# Throughput on a generated file: big_rows rows, of which one in ten is on the SNP list, so the
# output (and the memory that may grow with it) is a tenth of the input.
set.seed(1)
ids <- paste0("rs", seq_len(big_rows))
alleles <- c("A", "C", "G", "T")
a1 <- sample(alleles, big_rows, TRUE)
a2 <- alleles[(match(a1, alleles) %% 4) + 1]
raw <- data.frame(SNP = ids, A1 = a1, A2 = a2, BETA = signif(stats::rnorm(big_rows, 0, 0.02), 6),
                  SE = 0.01, P = signif(stats::runif(big_rows), 6), N = 100000L,
                  INFO = 0.95, MAF = signif(stats::runif(big_rows, 0.05, 0.5), 5))
data.table::fwrite(raw, "big.txt", sep = "\t")
keep <- seq(1, big_rows, by = 10)
data.table::fwrite(raw[keep, c("SNP", "A1", "A2")], "big_hm3.snplist", sep = "\t")
rm(raw)
invisible(gc())
child <- sprintf(paste0("suppressPackageStartupMessages(library(genomicsemrs)); options(genomicsemrs.verbose = FALSE);",
                        "t <- system.time(munge('big.txt', hm3 = 'big_hm3.snplist', trait.names = 'big'))[['elapsed']];",
                        "hwm <- grep('VmHWM', readLines('/proc/self/status'), value = TRUE);",
                        "cat(t, as.numeric(gsub('[^0-9]', '', hwm)) / 1024, '\\n')"))
result <- scan(text = system2("Rscript", c("-e", shQuote(child)), stdout = TRUE,
                              env = paste0("R_LIBS=", paste(.libPaths(), collapse = ":"))), quiet = TRUE)
cat(sprintf("\nGenerated file: %.0f rows (%.0f MB), %d on the SNP list\n", big_rows,
            file.size("big.txt") / 2^20, length(keep)))
cat(sprintf("munge(): %.2f s, %.2f million rows per second, peak memory of the R process %.0f MB\n",
            result[1], big_rows / result[1] / 1e6, result[2]))
