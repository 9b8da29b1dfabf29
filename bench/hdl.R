# hdl() on the wave2 inputs, timed against the original's recorded times (timings.tsv of the
# reference set: wall and CPU seconds on a shared 2-core box). Reports our wall time and CPU
# time (user + system of all threads), best of `reps` runs, and the load average.
# Run from the package root after installing:
#   Rscript bench/hdl.R [library] [reps]      (threads: HDL_THREADS, default 2)
args <- commandArgs(trailingOnly = TRUE)
if (length(args)) .libPaths(c(args[1], .libPaths()))
reps <- if (length(args) > 1) as.integer(args[2]) else 3L
suppressMessages(library(genomicsemrs))
options(genomicsemrs.verbose = FALSE, genomicsemrs.threads = as.integer(Sys.getenv("HDL_THREADS", "2")))
w2 <- normalizePath(Sys.getenv("GENOMICSEMRS_WAVE2", "../shared/reference/genomicsem/wave2"))
timings <- utils::read.delim(file.path(w2, "timings.tsv"))
panel <- file.path(w2, "inputs", "hdl_ref")
traits <- file.path(w2, "inputs", "hdl_sumstats", paste0("H", 1:3, ".sumstats.gz"))
calls <- list(
  hdl_piecewise = quote(hdl(traits = traits, trait.names = c("H1", "H2", "H3"), LD.path = panel)),
  hdl_jackknife = quote(hdl(traits = traits, trait.names = c("H1", "H2", "H3"), LD.path = panel,
                            method = "jackknife")),
  hdl_liab_nonames = quote(hdl(traits = traits[c(1, 3)], sample.prev = c(0.3, NA),
                               population.prev = c(0.1, NA), LD.path = panel, Nref = 100000))
)
load_avg <- tryCatch(readLines("/proc/loadavg"), error = function(e) NA)
rows <- lapply(names(calls), function(name) {
  t <- replicate(reps, {
    s <- system.time(eval(calls[[name]]))
    c(wall = s[["elapsed"]], cpu = s[["user.self"]] + s[["sys.self"]])
  })
  best <- t[, which.min(t["wall", ])]
  orig <- timings[timings$name == name, ]
  data.frame(call = name, ours_wall = best[["wall"]], ours_cpu = best[["cpu"]],
             original_wall = orig$wall_s, original_cpu = orig$cpu_s,
             speedup_wall = orig$wall_s / best[["wall"]], speedup_cpu = orig$cpu_s / best[["cpu"]])
})
res <- do.call(rbind, rows)
print(res, digits = 3)
cat(sprintf("hdl: total %.2f s wall / %.2f s CPU vs %.2f s wall / %.2f s CPU (%.0fx wall, %.0fx CPU); load average %s\n",
            sum(res$ours_wall), sum(res$ours_cpu), sum(res$original_wall), sum(res$original_cpu),
            sum(res$original_wall) / sum(res$ours_wall), sum(res$original_cpu) / sum(res$ours_cpu),
            load_avg))
