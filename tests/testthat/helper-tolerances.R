# Numerical tolerances of the R test suite, in one place, each with its reason.
tolerances <- list(
  # Parsing text to doubles must be exact: the reader hands R the same decimal strings.
  exact = 0,
  # Z (and betas derived from it) against GenomicSEM. GenomicSEM computes
  # Z = sqrt(qchisq(P, 1, lower.tail = FALSE)); R's qchisq is off by up to 4e-10 relative near
  # P = 1e-14 (its Z reproduces P only to 2e-8; ours, the exact normal quantile, to 6e-15).
  # Elsewhere the two agree to 1e-15; goldens in text carry 15-17 significant digits.
  z_vs_genomicsem = 5e-10,
  # Standard errors that do not depend on Z (se.logit, OR SE): floating-point rounding only.
  se_vs_genomicsem = 1e-12,
  # Z recovered from log P for P below the double range: R's pnorm(log.p = TRUE) agrees with
  # our Newton-refined quantile to rounding.
  tiny_p_roundtrip = 1e-12,
  # ldsc() S, V, I, S_Stand, V_Stand against GenomicSEM, element by element relative to the
  # golden. Two runs of the original already differ (extended/checks.txt: mean relative
  # difference 1.7e-14 in V) because jackknife sums depend on summation order; relative to
  # the element, V entries near zero carry the largest error (measured worst case 1.5e-11, select = "ODD").
  # Any real difference in the formulas shows at 1e-4 or more.
  ldsc_vs_genomicsem = 1e-10
)

# Largest relative difference, NA where either is NA must agree (checked separately).
max_rel_diff <- function(x, y) {
  ok <- !is.na(x) & !is.na(y)
  if (!any(ok)) return(0)
  max(abs(x[ok] - y[ok]) / pmax(abs(y[ok]), .Machine$double.xmin))
}
