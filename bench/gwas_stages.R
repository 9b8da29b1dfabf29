# Per-stage CPU cost of userGWAS() and commonfactorGWAS() (us of CPU per SNP, user + system of
# all threads): input checks, setup (the base fit), the Rust loop (per batch call, including
# its own set-up), the batch plumbing in R, and output assembly. Stages are run through the
# package's internal functions in the order the exported functions run them.
# Usage: Rscript bench/gwas_stages.R [n = 2e5] [threads = 2] [batch_size = 20000]
args <- commandArgs(trailingOnly = TRUE)
n <- if (length(args) >= 1) as.numeric(args[[1]]) else 2e5
threads <- if (length(args) >= 2) as.integer(args[[2]]) else 2L
batch_size <- if (length(args) >= 3) as.integer(args[[3]]) else 20000L
suppressPackageStartupMessages(library(genomicsemrs))
ns <- asNamespace("genomicsemrs")
covstruc <- readRDS(genomicsemrs_example("ldsc_T1_T5.rds"))
snps0 <- readRDS(genomicsemrs_example("sumstats_T1_T5.rds"))
big <- snps0[rep_len(seq_len(nrow(snps0)), n), ]
model <- "F1 =~ NA*T1 + T2 + T3 + T4 + T5\nF1 ~ SNP\nF1 ~~ 1*F1\nSNP ~~ SNP"
cpu <- function(expr) {
  t0 <- proc.time()
  force(expr)
  t <- proc.time() - t0
  c(cpu = t[["user.self"]] + t[["sys.self"]], wall = t[["elapsed"]])
}
us <- function(t) 1e6 * t / n
stage <- function(label, t) cat(sprintf("  %-28s %7.2f us CPU/SNP  (%6.2f us wall)\n", label, us(t[["cpu"]]), us(t[["wall"]])))
call <- quote(bench())
cat(sprintf("%s SNPs x 5 traits, %d threads, batch_size %d, load average %s\n", format(n, big.mark = ","),
            threads, batch_size, readLines("/proc/loadavg")))
for (f in c("user_sub", "user_all", "common")) {
  invisible(gc())
  t_in <- cpu({
    cov <- ns$gwas_covstruc(covstruc, call)
    snps <- ns$gwas_snps(big, length(cov$names), FALSE, call)
    opts <- ns$gwas_options("DWLS", "standard", FALSE, FALSE, FALSE, FALSE, f != "common", FALSE, FALSE, call)
    base <- ns$gwas_snp_list(snps, snps$base)
  })
  if (f != "common") {
    t_setup <- cpu({
      prepared <- ns$rs_user_gwas_table(cov, base, model, opts)
      table <- as.data.frame(prepared$table, stringsAsFactors = FALSE)
      keep <- if (f == "user_sub") which(paste0(table$lhs, table$op, table$rhs) == "F1~SNP") else seq_len(nrow(table))
    })
  } else t_setup <- c(cpu = 0, wall = 0)
  batches <- lapply(seq(1L, n, by = batch_size), function(s) s:min(n, s + batch_size - 1L))
  t_lists <- cpu(lists <- lapply(batches, function(r) ns$gwas_snp_list(snps, r)))
  t_rust <- cpu(results <- lapply(lists, function(l) {
    if (f == "common") ns$rs_commonfactor_gwas(cov, base, l, opts, threads)
    else ns$rs_user_gwas(cov, base, l, model, opts, keep, threads)
  }))
  t_out <- cpu(out <- if (f == "common") ns$common_gwas_output(snps, results, opts) else
    ns$user_gwas_output(snps, table[keep, , drop = FALSE], results, prepared, opts, TRUE, f == "user_sub", FALSE))
  rm(out, results, lists); invisible(gc())
  t_whole <- cpu(out <- switch(f,
    user_sub = userGWAS(covstruc, big, model = model, sub = "F1~SNP", cores = threads, batch_size = batch_size),
    user_all = userGWAS(covstruc, big, model = model, cores = threads, batch_size = batch_size),
    common = commonfactorGWAS(covstruc, big, cores = threads, batch_size = batch_size)))
  rm(out)
  cat(f, ":\n", sep = "")
  stage("input checks + base columns", t_in)
  stage("setup (table, base fit)", t_setup)
  stage("batch columns in R", t_lists)
  stage("Rust batch calls", t_rust)
  stage("output assembly", t_out)
  stage("sum of stages", t_in + t_setup + t_lists + t_rust + t_out)
  stage("whole exported call", t_whole)
}
