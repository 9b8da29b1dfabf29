# Benchmark of userGWAS() and commonfactorGWAS() at scale, in one run on `threads` threads:
# (1) CPU us per SNP (user + system time of all threads, robust on a shared machine) for the
#     whole exported call and for the Rust loop alone (the internal batch call on all SNPs),
#     with the ratio to GenomicSEM's recorded CPU cost per SNP (extended/timings.tsv), for:
#     userGWAS(sub = "F1~SNP"), userGWAS(sub = FALSE), commonfactorGWAS(),
#     userGWAS(analytic = TRUE), and a two-factor model with Q_SNP = TRUE on 6 traits;
# (2) the HapMap3-sized run: 1.1 million SNPs x 5 traits, wall and CPU time and peak RSS
#     (VmHWM, reset before each call) for userGWAS(sub) and commonfactorGWAS().
# See bench/README.md. Usage: Rscript bench/gwas.R [n_big = 1.1e6] [threads = 2] [n = 2e5]
args <- commandArgs(trailingOnly = TRUE)
n_big <- if (length(args) >= 1) as.numeric(args[[1]]) else 1.1e6
threads <- if (length(args) >= 2) as.integer(args[[2]]) else 2L
n <- if (length(args) >= 3) as.numeric(args[[3]]) else 2e5
ref <- normalizePath(Sys.getenv("GENOMICSEMRS_REFERENCE", "../shared/reference"), mustWork = FALSE)
suppressPackageStartupMessages(library(genomicsemrs))
ns <- asNamespace("genomicsemrs")
covstruc <- readRDS(genomicsemrs_example("ldsc_T1_T5.rds"))
sumstats_file <- file.path(ref, "genomicsem", "out", "sumstats.rds")
snps <- readRDS(if (file.exists(sumstats_file)) sumstats_file else genomicsemrs_example("sumstats_T1_T5.rds"))
model <- "F1 =~ NA*T1 + T2 + T3 + T4 + T5\nF1 ~ SNP\nF1 ~~ 1*F1\nSNP ~~ SNP"
repeat_rows <- function(d, n) {
  d <- d[rep_len(seq_len(nrow(d)), n), ]
  d$SNP <- paste0(d$SNP, "_", seq_len(n))
  rownames(d) <- NULL
  d
}
cpu_time <- function(expr) {
  t0 <- proc.time()
  force(expr)
  t <- proc.time() - t0
  c(cpu = t[["user.self"]] + t[["sys.self"]], wall = t[["elapsed"]])
}
reset_peak <- function() try(writeLines("5", "/proc/self/clear_refs"), silent = TRUE)
peak_mb <- function() {
  status <- readLines("/proc/self/status")
  as.numeric(gsub("[^0-9]", "", grep("^VmHWM", status, value = TRUE))) / 1024
}

# A sixth trait for the two-factor case (no 6-trait ldsc() output is bundled): T6 is T5's
# genetics scaled by 0.9 with extra residual variance; V gets T5's sampling variances for the
# new moments (positive definite as a permutation of blockdiag(V, diagonal)).
six_traits <- function(covstruc, snps) {
  S <- covstruc$S; k <- ncol(S)
  S6 <- rbind(cbind(S, 0.9 * S[, k]), c(0.9 * S[k, ], 0.81 * S[k, k] + 0.05))
  dimnames(S6) <- list(NULL, c(colnames(S), "T6"))
  I6 <- rbind(cbind(covstruc$I, covstruc$I[, k]), c(covstruc$I[k, ], covstruc$I[k, k]))
  vech_pairs <- function(k) do.call(rbind, lapply(seq_len(k), function(j) cbind(j:k, j)))
  old <- vech_pairs(k); new <- vech_pairs(k + 1)
  map <- match(paste(new[, 1], new[, 2]), paste(old[, 1], old[, 2]))
  V6 <- matrix(0, nrow(new), nrow(new))
  V6[!is.na(map), !is.na(map)] <- covstruc$V[map[!is.na(map)], map[!is.na(map)]]
  like <- match(paste(pmin(new[, 1], k), pmin(new[, 2], k)), paste(old[, 1], old[, 2]))
  diag(V6)[is.na(map)] <- diag(covstruc$V)[like[is.na(map)]]
  snps$beta.T6 <- 0.9 * snps$beta.T5
  snps$se.T6 <- snps$se.T5
  list(covstruc = list(V = V6, S = S6, I = I6), snps = snps)
}

recorded <- utils::read.delim(file.path(ref, "genomicsem", "extended", "timings.tsv"))
original_us <- function(name) {
  r <- recorded[recorded$name == name, ]
  1e6 * (r$cpu_self_s + r$cpu_child_s) / r$n_snps
}

cmp <- repeat_rows(snps, n)
six <- six_traits(covstruc, cmp)
model2 <- paste("F1 =~ NA*T1 + T2 + T3", "F2 =~ NA*T4 + T5 + T6", "F1 ~ SNP", "F2 ~ SNP",
                "F1 ~~ 1*F1", "F2 ~~ 1*F2", "F1 ~~ F2", "SNP ~~ SNP", sep = "\n")
cases <- list(
  `userGWAS(sub = "F1~SNP")` = list(original = "ug_sub", whole = function(d) userGWAS(covstruc, d, model = model, sub = "F1~SNP", cores = threads),
                                    loop = list(f = "user", cov = covstruc, model = model, keep = "F1~SNP")),
  `userGWAS(sub = FALSE)` = list(original = "ug_default", whole = function(d) userGWAS(covstruc, d, model = model, cores = threads),
                                 loop = list(f = "user", cov = covstruc, model = model, keep = NULL)),
  `commonfactorGWAS()` = list(original = "cfg_default", whole = function(d) commonfactorGWAS(covstruc, d, cores = threads),
                              loop = list(f = "common", cov = covstruc)),
  `userGWAS(analytic = TRUE)` = list(original = "ug_sub", whole = function(d) userGWAS(covstruc, d, model = model, analytic = TRUE, cores = threads),
                                     loop = NULL),
  `2 factors, Q_SNP, 6 traits` = list(original = "ug_QSNP_sub", whole = function(d) userGWAS(six$covstruc, six$snps, model = model2, sub = c("F1~SNP", "F2~SNP"), Q_SNP = TRUE, cores = threads),
                                      loop = list(f = "user", cov = six$covstruc, model = model2, keep = c("F1~SNP", "F2~SNP"), q_snp = TRUE, d = six$snps))
)
rust_loop <- function(spec, d) {
  call <- quote(bench())
  d <- if (is.null(spec$d)) d else spec$d
  cov <- ns$gwas_covstruc(spec$cov, call)
  s <- ns$gwas_snps(d, length(cov$names), FALSE, call)
  opts <- ns$gwas_options("DWLS", "standard", FALSE, FALSE, FALSE, FALSE, spec$f == "user",
                          isTRUE(spec$q_snp), FALSE, call)
  base <- ns$gwas_snp_list(s, s$base)
  all <- ns$gwas_snp_list(s, seq_len(nrow(d)))
  if (spec$f == "common") return(cpu_time(ns$rs_commonfactor_gwas(cov, base, all, opts, threads)))
  table <- ns$rs_user_gwas_table(cov, base, spec$model, opts)$table
  keep <- if (is.null(spec$keep)) seq_along(table$lhs) else which(paste0(table$lhs, table$op, table$rhs) %in% spec$keep)
  cpu_time(ns$rs_user_gwas(cov, base, all, spec$model, opts, keep, threads))
}

cat(sprintf("(1) %s SNPs (the reference rows repeated), %d threads, load average at start %s\n",
            format(n, big.mark = ","), threads, readLines("/proc/loadavg")))
cat(sprintf("%-28s %14s %14s %14s %16s %10s\n", "case", "whole us CPU", "whole us wall",
            "Rust loop CPU", "GenomicSEM CPU", "ratio"))
invisible(cases[[1]]$whole(cmp[1:100, ]))  # warm-up: loading compiled code is not counted
for (name in names(cases)) {
  case <- cases[[name]]
  invisible(gc())
  whole <- cpu_time(out <- case$whole(cmp))
  rm(out)
  invisible(gc())
  loop <- if (is.null(case$loop)) c(cpu = NA, wall = NA) else rust_loop(case$loop, cmp)
  orig <- original_us(case$original)
  cat(sprintf("%-28s %14.2f %14.2f %14.2f %13.0f us %9.0fx\n", name, 1e6 * whole[["cpu"]] / n,
              1e6 * whole[["wall"]] / n, 1e6 * loop[["cpu"]] / n, orig, orig / (1e6 * whole[["cpu"]] / n)))
}
cat("(GenomicSEM: recorded single-thread CPU per SNP of ug_sub, ug_default, cfg_default, ug_sub (no",
    "analytic mode there), ug_QSNP_sub (one factor, 5 traits))\n")

# (3) Scaling of userGWAS(sub) over threads, and over future processes (1 thread each).
cat(sprintf("\n(3) scaling, userGWAS(sub = \"F1~SNP\") on %s SNPs (load average %s):\n",
            format(n, big.mark = ","), readLines("/proc/loadavg")))
for (th in unique(c(1L, threads))) {
  t <- cpu_time(userGWAS(covstruc, cmp, model = model, sub = "F1~SNP", cores = th))
  cat(sprintf("  %d thread(s): %6.2f s wall, %6.2f s CPU (%5.2f us CPU per SNP)\n", th, t[["wall"]],
              t[["cpu"]], 1e6 * t[["cpu"]] / n))
}
if (requireNamespace("future.apply", quietly = TRUE)) {
  future::plan("multisession", workers = threads)
  invisible(userGWAS(covstruc, cmp[1:100, ], model = model, sub = "F1~SNP", cores = 1))
  t <- cpu_time(userGWAS(covstruc, cmp, model = model, sub = "F1~SNP", cores = 1, batch_size = n / (2 * threads)))
  future::plan("sequential")
  cat(sprintf("  future multisession, %d workers x 1 thread: %6.2f s wall (CPU of the workers not in this process)\n",
              threads, t[["wall"]]))
}
rm(cmp, six)

# (2) A HapMap3-sized run.
big <- repeat_rows(snps, n_big)
invisible(gc())
cat(sprintf("\n(2) %s SNPs x 5 traits, %d threads (load average %s):\n", format(n_big, big.mark = ","),
            threads, readLines("/proc/loadavg")))
for (f in c("userGWAS", "commonfactorGWAS")) {
  reset_peak()
  t <- cpu_time(out <- if (f == "userGWAS") {
    userGWAS(covstruc, big, model = model, sub = "F1~SNP", cores = threads, batch_size = 100000)
  } else {
    commonfactorGWAS(covstruc, big, cores = threads, batch_size = 100000)
  })
  cat(sprintf("%-17s %6.1f s wall, %6.1f s CPU (%5.2f us CPU per SNP), peak RSS %.0f MB (output %.0f MB, input %.0f MB)\n",
              f, t[["wall"]], t[["cpu"]], 1e6 * t[["cpu"]] / n_big, peak_mb(),
              as.numeric(object.size(out)) / 2^20, as.numeric(object.size(big)) / 2^20))
  rm(out)
  invisible(gc())
}
