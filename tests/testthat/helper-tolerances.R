# Numerical tolerances of the R test suite, in one place, each with its reason.
tolerances <- list(
  # Parsing text to doubles must be exact: the reader hands R the same decimal strings.
  exact = 0
)
