# Covariance helpers (rgmodel, QTrait, paLDSC, summaryGLS*, write.model, subSV) against the
# original GenomicSEM's recorded times on the same calls (wave2/timings.tsv; wall seconds on a
# shared 2-core machine). Run from the package root after installing into build/Rlib:
#   Rscript bench/helpers13.R [path to the reference set]
.libPaths(c("build/Rlib", .libPaths()))
suppressPackageStartupMessages(library(genomicsemrs))
args <- commandArgs(trailingOnly = TRUE)
ref <- normalizePath(if (length(args)) args[1] else "../shared/reference", mustWork = TRUE)
W <- file.path(ref, "genomicsem", "wave2")
timings <- utils::read.delim(file.path(W, "timings.tsv"))
L <- readRDS(file.path(ref, "genomicsem", "out", "ldsc.rds"))
het <- readRDS(file.path(W, "inputs", "ldsc_qtrait_het.rds"))
options(genomicsemrs.verbose = FALSE)
grDevices::pdf(NULL)
invisible(requireNamespace("ggplot2", quietly = TRUE))  # load once, as a session would
scratch <- tempfile("bench_h13_")
dir.create(scratch)
owd <- setwd(scratch)
calls <- list(
  rgmodel_T1T5 = function() rgmodel(L),
  qtrait_default = function() QTrait(L, c("T1", "T2", "T3", "T4"), "T5"),
  # the same call without the PDF: the model fits alone (ggplot2's drawing of the two pages
  # dominates the call above)
  qtrait_default_noplots = function() QTrait(L, c("T1", "T2", "T3", "T4"), "T5", save.plots = FALSE),
  qtrait_het_unstd = function() QTrait(het, c("T1", "T2", "T3", "T4"), "T5", stdout = FALSE),
  qtrait_rdata_2traits = function() QTrait(file.path(W, "inputs", "ldsc_for_qtrait.RData"), c("T1", "T2", "T3"),
                                           c("T4", "T5"), mresid = 0.2, lsrmrthreshold = 0.05, save.plots = FALSE),
  pa_default = function() { set.seed(1); paLDSC(S = L$S_Stand, V = L$V_Stand, r = 200) },
  pa_cov_savepdf = function() { set.seed(3); paLDSC(S = L$S, V = L$V, r = 50, p = 0.9, diag = TRUE, save.pdf = TRUE) }
)
# Wall and CPU (user + system of this process) per call; the original's timings record both,
# so the CPU ratio is the one that holds on a loaded machine.
rows <- lapply(names(calls), function(name) {
  calls[[name]]()  # warm-up
  reps <- 5
  t <- system.time(for (i in seq_len(reps)) calls[[name]]()) / reps
  cpu <- sum(t[c("user.self", "sys.self")])
  orig <- timings[timings$name == sub("_noplots$", "", name), ]
  data.frame(call = name, ours_wall_s = signif(t[["elapsed"]], 3), ours_cpu_s = signif(cpu, 3),
             original_wall_s = orig$wall_s, original_cpu_s = orig$cpu_s,
             speedup_wall = round(orig$wall_s / t[["elapsed"]], 1), speedup_cpu = round(orig$cpu_s / cpu, 1))
})
cat(sprintf("load average at the end: %s\n", paste(readLines("/proc/loadavg"), collapse = "")))
setwd(owd)
grDevices::dev.off()
print(do.call(rbind, rows), row.names = FALSE)
