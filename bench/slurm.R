# userGWAS() through a Slurm cluster (for example the one-node cluster of
# tools/slurm-local.sh): a checkpointed run is killed after some batches (the driving R
# process with SIGKILL, its jobs with scancel), resumed through Slurm, and compared with an
# uninterrupted local run. Prints the batches resumed and whether the results are identical().
# Usage (as a user that may submit jobs; the working directory must be shared with the jobs):
#   Rscript bench/slurm.R [n SNPs = 2000] [batch_size = 200]
args <- commandArgs(trailingOnly = TRUE)
n <- if (length(args) >= 1) as.integer(args[[1]]) else 2000L
batch_size <- if (length(args) >= 2) as.integer(args[[2]]) else 200L
suppressPackageStartupMessages({
  library(genomicsemrs)
  library(future.batchtools)
})
options(genomicsemrs.verbose = FALSE)
covstruc <- readRDS(genomicsemrs_example("ldsc_T1_T5.rds"))
snps <- readRDS(genomicsemrs_example("sumstats_T1_T5.rds"))
snps <- snps[rep_len(seq_len(nrow(snps)), n), ]
model <- "F1 =~ NA*T1 + T2 + T3 + T4 + T5\nF1 ~ SNP\nF1 ~~ 1*F1\nSNP ~~ SNP"
template <- system.file("slurm", "batchtools.slurm.tmpl", package = "genomicsemrs")
work <- file.path(getwd(), "slurm-bench")
unlink(work, recursive = TRUE)
dir.create(work)
checkpoint <- file.path(work, "checkpoint")
slurm_run <- function() {
  future::plan(batchtools_slurm, template = template, workers = 4,
               resources = list(ncpus = 1, memory = 1000, walltime = 600))
  userGWAS(covstruc, snps, model = model, sub = "F1~SNP", cores = 1, batch_size = batch_size,
           checkpoint = checkpoint)
}
local <- userGWAS(covstruc, snps, model = model, sub = "F1~SNP", cores = 1, batch_size = batch_size)
n_batches <- ceiling(n / batch_size)

driver <- parallel::mcparallel(slurm_run(), silent = TRUE)
done <- function() length(list.files(checkpoint, "^batch-"))
deadline <- Sys.time() + 600
while (done() < 2 && Sys.time() < deadline) Sys.sleep(0.2)
tools::pskill(driver$pid, tools::SIGKILL)
invisible(suppressWarnings(parallel::mccollect(driver, wait = TRUE)))
system("scancel --user=$(id -un)")
Sys.sleep(2)
killed_at <- done()
cat(sprintf("killed after %d of %d batches were on disk\n", killed_at, n_batches))

msgs <- character()
resumed <- withCallingHandlers(slurm_run(), message = function(m) {
  msgs <<- c(msgs, conditionMessage(m))
  invokeRestart("muffleMessage")
})
cat(grep("Resumed", msgs, value = TRUE), "\n")
cat(sprintf("resumed through Slurm identical to the uninterrupted local run: %s\n",
            identical(resumed, local)))
