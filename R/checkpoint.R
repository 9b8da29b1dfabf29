# Checkpoints: a long run's batches written to a folder as they finish, so that a run that
# was killed resumes where it stopped. Each batch is one file, written under a temporary
# name unique to the writing process and renamed into place (a rename within a folder is
# atomic), so a kill never leaves a half-written batch that counts as done and workers that
# finish at the same time never collide. The folder records a fingerprint of everything that
# changes the results; a call with other inputs is refused rather than mixed in.

checkpoint_open <- function(dir, fingerprint_of, n_batches, call) {
  if (is.null(dir)) return(NULL)
  check_string(dir, "checkpoint", call = call)
  if (!dir.exists(dir) && !dir.create(dir, recursive = TRUE, showWarnings = FALSE)) {
    gsem_abort(paste0("Cannot create the checkpoint folder '", dir, "'. Check that its parent ",
                      "exists and is writable."), class = "io", call = call)
  }
  fingerprint <- checkpoint_fingerprint(c(fingerprint_of, list(n_batches = n_batches)))
  record <- file.path(dir, "fingerprint.txt")
  if (file.exists(record)) {
    saved <- readLines(record, warn = FALSE)
    if (!identical(saved[1], fingerprint)) {
      gsem_abort(paste0("The checkpoint folder '", dir, "' holds batches of a run with other ",
                        "inputs or options (fingerprint ", saved[1], ", this call ", fingerprint,
                        "). Use another folder, or delete this one to start over."),
                 class = "checkpoint_mismatch", call = call)
    }
  } else {
    writeLines(c(fingerprint, paste("genomicsemrs", getNamespaceVersion("genomicsemrs"))),
               record)
  }
  list(dir = normalizePath(dir), n = n_batches)
}

# An md5 of the serialised inputs: R's own serialisation of doubles is exact, so equal
# fingerprints mean equal inputs. Large double vectors (SNP columns, expression matrices) are
# first replaced by their Rust fingerprint, which needs no serialised copy.
checkpoint_fingerprint <- function(x) {
  x <- compact_doubles(x)
  path <- tempfile("gsem-fingerprint-")
  on.exit(unlink(path))
  con <- file(path, "wb")
  serialize(x, con, xdr = FALSE)
  close(con)
  unname(tools::md5sum(path))
}

compact_doubles <- function(x) {
  if (is.double(x) && length(x) > 1e4) {
    return(paste0("doubles[", paste(c(length(x), dim(x)), collapse = ","), "]:",
                  rs_value(rs_fingerprint_doubles(x, NA_integer_))))
  }
  if (isS4(x)) {
    return(lapply(stats::setNames(nm = methods::slotNames(x)),
                  function(s) compact_doubles(methods::slot(x, s))))
  }
  if (is.list(x)) {
    out <- lapply(x, compact_doubles)
    return(if (is.data.frame(x)) list(names = names(x), columns = unname(out)) else out)
  }
  x
}

checkpoint_path <- function(cp, i) file.path(cp$dir, sprintf("batch-%06d.rds", i))

checkpoint_done <- function(cp) {
  if (is.null(cp)) return(logical())
  file.exists(checkpoint_path(cp, seq_len(cp$n)))
}

checkpoint_save <- function(cp, i, value) {
  if (is.null(cp)) return(invisible())
  final <- checkpoint_path(cp, i)
  tmp <- file.path(cp$dir, sprintf(".batch-%06d.%s.%d.tmp", i, Sys.info()[["nodename"]],
                                   Sys.getpid()))
  saveRDS(value, tmp, compress = FALSE)
  file.rename(tmp, final)
  invisible()
}

# Run `run_task(task, threads)` over `tasks` in order, sequentially or with future.apply,
# skipping the batches a checkpoint already holds. Returns the results in task order, each
# passed through `keep` once it is saved (to hold less in memory than the files hold).
run_batches <- function(tasks, run_task, threads, use_future, checkpoint, call, keep = identity) {
  done <- checkpoint_done(checkpoint)
  if (any(done)) {
    gsem_inform("Resumed ", sum(done), " of ", length(tasks), " batches from checkpoint '",
                checkpoint$dir, "'.")
  }
  todo <- if (length(done)) which(!done) else seq_along(tasks)
  progress <- progress_function(length(todo))
  pause <- getOption("genomicsemrs.batch_pause", 0)  # tests: time to kill a run mid-way
  task <- function(i, threads) {
    out <- run_task(tasks[[i]], threads)
    checkpoint_save(checkpoint, i, out)
    if (pause > 0) Sys.sleep(pause)
    progress()
    keep(out)
  }
  results <- vector("list", length(tasks))
  if (length(todo)) {
    computed <- if (use_future && length(todo) > 1L) {
      worker_threads <- if (is.na(threads)) 1L else threads
      future.apply::future_lapply(todo, task, threads = worker_threads, future.seed = NULL,
                                  future.packages = "genomicsemrs")
    } else {
      lapply(todo, task, threads = threads)
    }
    results[todo] <- computed
  }
  for (i in which(done)) results[[i]] <- keep(readRDS(checkpoint_path(checkpoint, i)))
  results
}
