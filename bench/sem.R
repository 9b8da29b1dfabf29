# Benchmark of commonfactor() and usermodel(): one fit of the common factor model on five
# indicators and of GenomicSEM's two-factor model (equality constraint, bound, `:=`), through
# the R functions and through the raw Rust entry points, against GenomicSEM's recorded times
# (or GenomicSEM itself in the same run when GENOMICSEM_R_DIR names a copy of its R/ folder).
# See bench/README.md. Usage: Rscript bench/sem.R [reference folder]
args <- commandArgs(trailingOnly = TRUE)
ref <- normalizePath(if (length(args) >= 1) args[[1]] else "../shared/reference/genomicsem")
suppressPackageStartupMessages(library(genomicsemrs))
options(genomicsemrs.verbose = FALSE)

covstruc <- readRDS(genomicsemrs_example("ldsc_T1_T5.rds"))
model_2f <- "F1 =~ NA*T1 + T2
F2 =~ NA*T3 + l1*T4 + l1*T5
F1 ~~ 1*F1
F2 ~~ 1*F2
F1 ~~ r*F2
T4 ~~ T5
T1 ~~ a*T1
a > .001
d := r*l1"

# Median seconds per call over `times` calls, repeated in batches so short calls are measurable.
per_call <- function(f, times = 200, batches = 5) {
  stats::median(replicate(batches, system.time(for (i in seq_len(times)) f())[["elapsed"]] / times))
}

S <- unname(covstruc$S)
V <- covstruc$V
traits <- colnames(covstruc$S)
rs <- asNamespace("genomicsemrs")
ours <- c(
  commonfactor_R = per_call(function() commonfactor(covstruc)),
  commonfactor_rust = per_call(function() rs$rs_commonfactor(S, traits, V, "DWLS")),
  usermodel_2f_R = per_call(function() usermodel(covstruc, model = model_2f)),
  usermodel_2f_rust = per_call(function() rs$rs_usermodel(S, traits, V, model_2f, "DWLS", FALSE, TRUE,
                                                           NULL, FALSE))
)

# GenomicSEM: recorded wall seconds on the reference machine (out/timings.tsv for
# commonfactor(DWLS); extended/timings.tsv for the two-factor model um_2f_DWLS), or a run here.
recorded <- function(file, column, name) {
  t <- utils::read.delim(file.path(ref, file))
  t$seconds <- if ("seconds" %in% names(t)) t$seconds else t$wall_s
  t$seconds[t[[column]] == name]
}
theirs <- c(commonfactor = recorded("out/timings.tsv", "step", "commonfactor(DWLS)"),
            usermodel_2f = recorded("extended/timings.tsv", "name", "um_2f_DWLS"))
source_note <- "recorded on the reference machine"
src <- Sys.getenv("GENOMICSEM_R_DIR")
if (nzchar(src) && dir.exists(src)) {
  for (p in c("lavaan", "Matrix", "gdata", "stringr")) suppressPackageStartupMessages(library(p, character.only = TRUE))
  env <- new.env()
  for (f in list.files(src, pattern = "\\.[Rr]$", full.names = TRUE)) sys.source(f, envir = env)
  sink(tempfile())
  theirs <- c(commonfactor = per_call(function() env$commonfactor(covstruc), times = 3, batches = 3),
              usermodel_2f = per_call(function() env$usermodel(covstruc, model = model_2f), times = 3, batches = 3))
  sink()
  source_note <- "GenomicSEM run here"
}

fmt <- function(s) sprintf("%.3f ms", 1000 * s)
cat(sprintf("commonfactor, 5 indicators: R %s, Rust %s; GenomicSEM %.3f s (%s): %.0fx faster\n",
            fmt(ours[["commonfactor_R"]]), fmt(ours[["commonfactor_rust"]]), theirs[["commonfactor"]],
            source_note, theirs[["commonfactor"]] / ours[["commonfactor_R"]]))
cat(sprintf("usermodel, two-factor model: R %s, Rust %s; GenomicSEM %.3f s (%s): %.0fx faster\n",
            fmt(ours[["usermodel_2f_R"]]), fmt(ours[["usermodel_2f_rust"]]), theirs[["usermodel_2f"]],
            source_note, theirs[["usermodel_2f"]] / ours[["usermodel_2f_R"]]))
