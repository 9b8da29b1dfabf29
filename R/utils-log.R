# GenomicSEM-style log files: every message goes to the log file and, unless marked quiet, to
# the console (set options(genomicsemrs.verbose = FALSE) to silence the console).

log_open <- function(path, call = caller_call()) {
  force(call)
  con <- open_for_writing(function() file(path, open = "wt"), paste0("the log file '", path, "'"),
                          call)
  structure(list(con = con, path = path), class = "genomicsemrs_log")
}

# A connection opened for writing by `open()`, or a classed error naming `what` (R's own
# error, "cannot open the connection", names neither the file nor the fix).
open_for_writing <- function(open, what, call) {
  fail <- function(cond) {
    gsem_abort(paste0("Cannot write ", what, ": ", conditionMessage(cond),
                      ". Check that its folder exists and is writable."), class = "io", call = call)
  }
  tryCatch(open(), error = fail, warning = fail)
}

log_write <- function(log, ..., print = TRUE) {
  msg <- paste0(..., "\n")
  if (print && isTRUE(getOption("genomicsemrs.verbose", TRUE))) cat(msg)
  cat(msg, file = log$con, append = TRUE)
}

# Messages prepared by Rust: list(messages, printed, warnings).
log_replay <- function(log, rust_log, call) {
  for (i in seq_along(rust_log$messages)) {
    msg <- rust_log$messages[[i]]
    if (rust_log$printed[[i]] && isTRUE(getOption("genomicsemrs.verbose", TRUE))) cat(msg)
    cat(msg, file = log$con, append = TRUE)
  }
  for (w in rust_log$warnings) gsem_warn(w, class = "qc", call = call)
}

log_close <- function(log) {
  flush(log$con)
  close(log$con)
}

# "<m> minutes and <s> seconds", as GenomicSEM logs durations.
log_duration <- function(begin, end) {
  total <- difftime(time1 = end, time2 = begin, units = "sec")
  mins <- floor(floor(total) / 60)
  secs <- total - mins * 60
  paste0(mins, " minutes and ", secs, " seconds")
}

# A log file name from trait names, shortened as GenomicSEM does.
log_stem <- function(trait.names, log.name = NULL) {
  if (!is.null(log.name)) return(log.name)
  stem <- paste(trait.names, collapse = "_")
  if (nchar(stem) > 200) stem <- substr(stem, 1, 100)
  stem
}

# Warn about values that were not numbers (GenomicSEM would have stopped or misread them).
warn_malformed <- function(report, file, call) {
  if (length(report$malformed_columns)) {
    gsem_warn(paste0("In '", file, "', ", paste0(report$malformed_counts, " value(s) of column ",
                     report$malformed_columns, collapse = " and "),
                     " are not numbers; they were treated as missing."),
              class = "malformed", call = call)
  }
  if (report$overlong_rows > 0) {
    gsem_warn(paste0(report$overlong_rows, " row(s) of '", file, "' have more fields than its ",
                     "header; the extra fields were ignored."), class = "malformed", call = call)
  }
}

# Write each file's report (from Rust) to the main log, or to its own log file in parallel
# mode, raise the first file's error, and run `after(i, report, file_log)` for extra lines.
replay_file_reports <- function(reports, log, per_file_logs, files, call, after = NULL) {
  for (i in seq_along(reports)) {
    report <- reports[[i]]
    file_log <- if (is.null(per_file_logs)) log else log_open(per_file_logs[i])
    if (is.null(per_file_logs)) log_write(log, "\n\n", print = FALSE)
    if (!isTRUE(report$ok)) {
      if (!is.null(per_file_logs)) log_close(file_log)
      gsem_abort(report$message, class = report$class, call = call)
    }
    log_replay(file_log, report$log, call)
    warn_malformed(report, files[i], call)
    if (!is.null(after)) after(i, report, file_log)
    if (!is.null(per_file_logs)) log_close(file_log)
  }
}
