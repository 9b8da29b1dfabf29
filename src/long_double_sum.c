/* sum() as R computes it for doubles: sequential accumulation in long double, rounded to
 * double once. hdl() needs R's likelihood values to the last bit, because GenomicSEM's
 * estimates are where R's L-BFGS-B stops, and that stopping point moves with one-ulp changes.
 * Called from the Rust bindings (src/rust/bindings/src/r_optim.rs). */
#include <stddef.h>
#include <float.h>

double genomicsemrs_long_double_sum(const double *x, size_t n)
{
    long double s = 0.0;
    for (size_t i = 0; i < n; i++) s += x[i];
    if (s > DBL_MAX) return 1.0 / 0.0;
    if (s < -DBL_MAX) return -1.0 / 0.0;
    return (double) s;
}
