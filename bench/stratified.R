# s_ldsc() and enrich() on the wave2 inputs, timed against the original's recorded wall times
# (timings.tsv of the reference set): wall and CPU (user + system) ratios. Run from the
# package root after installing:
#   Rscript bench/stratified.R [library]
args <- commandArgs(trailingOnly = TRUE)
if (length(args)) .libPaths(c(args[1], .libPaths()))
suppressMessages(library(genomicsemrs))
options(genomicsemrs.verbose = FALSE, genomicsemrs.threads = 2L)
w2 <- normalizePath(Sys.getenv("GENOMICSEMRS_WAVE2", "../shared/reference/genomicsem/wave2"))
timings <- utils::read.delim(file.path(w2, "timings.tsv"))
scratch <- tempfile("bench_stratified_")
dir.create(scratch)
file.symlink(file.path(w2, "inputs"), file.path(scratch, "inputs"))
old <- setwd(scratch)
munged <- file.path(dirname(w2), "out", "munged", paste0("T", 1:5, ".sumstats.gz"))
sld <- "inputs/sldsc/baseline."; wld <- "inputs/sldsc/weights."; frq <- "inputs/sldsc/1000G.EUR.QC."
model_1f <- "F1 =~ T1 + T2 + T3 + T4 + T5"
model_2f <- "F1 =~ T1 + T2 + T3\nF2 =~ T4 + T5\nF1 ~~ F2"
s <- NULL
calls <- list(
  sldsc_default = quote(s <<- s_ldsc(traits = munged, sample.prev = c(0.5, 25000 / 60000, NA, NA, NA),
    population.prev = c(0.15, 0.01, NA, NA, NA), ld = sld, wld = wld, frq = frq,
    trait.names = paste0("T", 1:5), ldsc.log = "sldsc_default")),
  sldsc_cont_noprev = quote(s_ldsc(traits = munged[3:5], ld = sld, wld = wld, frq = frq, n.blocks = 100,
    exclude_cont = FALSE)),
  sldsc_extra_annot = quote(s_ldsc(traits = munged[c(1, 3, 4)], sample.prev = c(0.5, NA, NA),
    population.prev = c(0.15, NA, NA), ld = c("inputs/sldsc_custom/custom.", "inputs/sldsc/baseline"),
    wld = wld, frq = frq, trait.names = c("T1", "T3", "T4"), ldsc.log = "sldsc_extra")),
  enrich_default = quote(enrich(s, model = model_1f, params = "F1~~F1")),
  enrich_tau = quote(enrich(s, model = model_1f, params = "F1~~F1", tau = TRUE)),
  enrich_nobase_keepflank = quote(enrich(s, model = model_1f, params = "F1~~F1", base = FALSE, rm_flank = FALSE)),
  enrich_2f_variances = quote(enrich(s, model = model_2f, params = "F1~~F2", fix = "variances")),
  enrich_2f_covariances_fixparam = quote(enrich(s, model = model_2f, params = "F1~~F2", fix = "covariances",
    fixparam = c("F1=~T1", "F2=~T4"))),
  enrich_stdlv_loadings = quote(enrich(s, model = model_1f, params = c("F1=~T1", "F1=~T5"), std.lv = TRUE))
)
rows <- lapply(names(calls), function(name) {
  t <- system.time(eval(calls[[name]]))
  cpu <- t[["user.self"]] + t[["sys.self"]] + t[["user.child"]] + t[["sys.child"]]
  orig <- timings[timings$name == name, ]
  data.frame(call = name, ours_wall = t[["elapsed"]], ours_cpu = cpu, original_wall = orig$wall_s,
             original_cpu = orig$cpu_s, speedup_wall = orig$wall_s / t[["elapsed"]],
             speedup_cpu = orig$cpu_s / cpu)
})
setwd(old)
res <- do.call(rbind, rows)
print(res, digits = 3)
for (f in c("s_ldsc", "enrich")) {
  r <- res[if (f == "s_ldsc") grepl("^sldsc", res$call) else grepl("^enrich", res$call), ]
  cat(sprintf("%s: total %.2f s wall, %.2f s CPU vs %.2f s wall (%.0fx), %.2f s CPU (%.0fx)\n", f,
              sum(r$ours_wall), sum(r$ours_cpu), sum(r$original_wall),
              sum(r$original_wall) / sum(r$ours_wall), sum(r$original_cpu),
              sum(r$original_cpu) / sum(r$ours_cpu)))
}
