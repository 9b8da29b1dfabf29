# A small fuzzing harness for the exported functions: start from a valid call, mutate one
# argument (or two, in the long run) into a value of the wrong type, length or range, run
# the call and classify what happened. The only acceptable outcomes are a classed
# genomicsemrs error, or a result that passes the target's own check (with classed warnings
# only). Everything else is a finding: a panic, an internal error, an unclassed error or
# warning, or a result with non-finite or missing values where finite ones are expected.

fuzz_value_mutations <- list(
  null = function(x) NULL,
  na = function(x) NA,
  na_real = function(x) NA_real_,
  nan = function(x) NaN,
  inf = function(x) Inf,
  minus_inf = function(x) -Inf,
  zero = function(x) 0,
  negative = function(x) -1,
  fraction = function(x) 0.5,
  huge = function(x) 1e300,
  tiny = function(x) 1e-300,
  text = function(x) "abc",
  empty_text = function(x) "",
  no_text = function(x) character(0),
  no_number = function(x) numeric(0),
  doubled = function(x) c(x, x),
  first = function(x) if (length(x) > 1) x[1] else x,
  factor = function(x) if (is.atomic(x) && length(x)) factor(x) else factor("a"),
  as_text = function(x) if (is.atomic(x)) as.character(x) else "1",
  na_inside = function(x) if (is.atomic(x) && length(x)) replace(x, 1, NA) else NA,
  list = function(x) list(x),
  true = function(x) TRUE,
  false = function(x) FALSE,
  frame = function(x) data.frame(a = 1:2, b = c("x", "y")),
  matrix = function(x) matrix(c(1, 2, 3, 4), 2),
  fun = function(x) mean,
  long = function(x) strrep("x", 3000)
)

# Mutations of a data frame or matrix argument's content.
fuzz_table_mutations <- list(
  no_rows = function(x) x[0, , drop = FALSE],
  one_row = function(x) x[1, , drop = FALSE],
  drop_col = function(x) x[, -ncol(x), drop = FALSE],
  na_cell = function(x) { x[1, ncol(x)] <- NA; x },
  inf_cell = function(x) { if (is.numeric(x[, ncol(x)])) x[1, ncol(x)] <- Inf; x },
  factor_col = function(x) { if (is.data.frame(x)) x[[ncol(x)]] <- factor(x[[ncol(x)]]); x },
  text_col = function(x) { if (is.data.frame(x)) x[[ncol(x)]] <- as.character(x[[ncol(x)]]) else x[] <- as.character(x); x },
  dup_names = function(x) { if (!is.null(colnames(x)) && ncol(x) > 1) colnames(x)[2] <- colnames(x)[1]; x },
  dup_rows = function(x) x[c(1, seq_len(nrow(x))), , drop = FALSE],
  negative = function(x) { if (is.numeric(x[, ncol(x)])) x[1, ncol(x)] <- -x[1, ncol(x)] - 1; x },
  transposed = function(x) if (is.matrix(x)) t(x)[, -1, drop = FALSE] else x
)

# Run one call and classify it. `check(value)` returns NULL for a good result or a string
# saying what is wrong with it.
fuzz_outcome <- function(fun, args, check) {
  warnings <- character()
  value <- withCallingHandlers(
    tryCatch(do.call(fun, args), error = function(e) e),
    warning = function(w) {
      if (!inherits(w, "genomicsemrs_warning")) warnings <<- c(warnings, conditionMessage(w))
      invokeRestart("muffleWarning")
    },
    message = function(m) invokeRestart("muffleMessage")
  )
  if (inherits(value, "error")) {
    msg <- paste(conditionMessage(value), collapse = " ")
    if (length(conditionMessage(value)) != 1L) {
      return(list(kind = "unclassed_error", message = paste("[message of length",
                                                            length(conditionMessage(value)), "]", msg)))
    }
    kind <- if (grepl("panic", msg, ignore.case = TRUE)) "panic" else
      if (inherits(value, "genomicsemrs_error_internal")) "internal" else
      if (inherits(value, "genomicsemrs_error")) "classed_error" else "unclassed_error"
    return(list(kind = kind, message = msg))
  }
  if (length(warnings)) return(list(kind = "unclassed_warning", message = warnings[1]))
  problem <- tryCatch(check(value), error = function(e) paste("check failed:", conditionMessage(e)))
  if (is.null(problem)) list(kind = "ok", message = "") else list(kind = "bad_result", message = problem)
}

# The single-argument cases of a target: every value mutation of every argument, plus the
# table mutations of its table arguments.
fuzz_single_cases <- function(target) {
  cases <- list()
  for (arg in names(target$args)) {
    for (m in names(fuzz_value_mutations)) cases[[length(cases) + 1]] <- list(list(arg, "value", m))
    if (arg %in% target$tables) {
      for (m in names(fuzz_table_mutations)) cases[[length(cases) + 1]] <- list(list(arg, "table", m))
    }
  }
  cases
}

fuzz_random_cases <- function(target, n, seed) {
  withr::with_seed(seed, lapply(seq_len(n), function(i) {
    args <- sample(names(target$args), min(2L, length(target$args)))
    lapply(args, function(arg) {
      table <- arg %in% target$tables && stats::runif(1) < 0.4
      pool <- if (table) fuzz_table_mutations else fuzz_value_mutations
      list(arg, if (table) "table" else "value", sample(names(pool), 1))
    })
  }))
}

fuzz_apply <- function(args, edits) {
  for (e in edits) {
    pool <- if (e[[2]] == "table") fuzz_table_mutations else fuzz_value_mutations
    new <- pool[[e[[3]]]](args[[e[[1]]]])
    if (is.null(new)) args[e[[1]]] <- list(NULL) else args[[e[[1]]]] <- new
  }
  args
}

# Run the cases of every target in `dir`; returns one row per case.
fuzz_run <- function(targets, extra_random = 0L, seed = 1L) {
  rows <- list()
  for (name in names(targets)) {
    target <- targets[[name]]
    cases <- c(fuzz_single_cases(target),
               if (extra_random > 0) fuzz_random_cases(target, extra_random, seed))
    for (edits in cases) {
      args <- fuzz_apply(target$args, edits)
      out <- withr::with_options(list(genomicsemrs.verbose = FALSE),
                                 fuzz_outcome(target$fun, args, target$check))
      rows[[length(rows) + 1]] <- data.frame(
        target = name,
        edit = paste(vapply(edits, function(e) paste0(e[[1]], ":", e[[3]]), ""), collapse = " & "),
        kind = out$kind, message = gsub("[\t\r\n]+", " ", substr(out$message, 1, 300)),
        stringsAsFactors = FALSE
      )
    }
  }
  do.call(rbind, rows)
}

fuzz_findings <- function(results) {
  results[!results$kind %in% c("ok", "classed_error"), , drop = FALSE]
}

# Checks of results shared by the targets.
all_finite <- function(x, what) {
  if (!length(x)) return(paste(what, "is empty"))
  if (!all(is.finite(as.double(unlist(x))))) return(paste(what, "has non-finite values"))
  NULL
}
