# Fuzz target of hdl() on the bundled HDL example (see test-fuzz.R).
fuzz_targets_hdl <- function(dir) {
  d <- genomicsemrs_example("hdl")
  list(hdl = list(fun = function(...) withr::with_options(list(genomicsemrs.verbose = FALSE), hdl(...)),
                  tables = character(),
                  args = list(traits = file.path(d, paste0("H", 1:2, ".sumstats.gz")),
                              sample.prev = NA, population.prev = NA, trait.names = c("H1", "H2"),
                              LD.path = file.path(d, "panel"), Nref = 335265, method = "piecewise"),
                  check = function(x) {
                    bad <- all_finite(x$S, "S")
                    if (is.null(bad)) all_finite(x$V, "V") else bad
                  }))
}
