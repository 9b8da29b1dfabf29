//! Sums and means with the accuracy of R's long-double accumulation (`sum()`, `mean()`),
//! approximated by compensated summation.

/// A running sum with Neumaier compensation: close to R's long-double accumulation.
#[derive(Clone, Copy, Default)]
pub struct Accumulator {
    sum: f64,
    carry: f64,
}

impl Accumulator {
    #[inline]
    pub fn add(&mut self, v: f64) {
        let t = self.sum + v;
        if self.sum.abs() >= v.abs() {
            self.carry += (self.sum - t) + v;
        } else {
            self.carry += (v - t) + self.sum;
        }
        self.sum = t;
    }

    #[inline]
    pub fn value(&self) -> f64 {
        self.sum + self.carry
    }
}

/// `sum(x)` as R computes it (long-double accumulation, approximated by compensation).
pub fn r_sum(values: impl IntoIterator<Item = f64>) -> f64 {
    let mut acc = Accumulator::default();
    values.into_iter().for_each(|v| acc.add(v));
    acc.value()
}

/// `mean(x)` as R computes it: a first mean, then the mean of the residuals added back.
pub fn r_mean(values: &[f64]) -> f64 {
    mean_by(values.len(), |i| values[i])
}

/// `mean()` of `f(0), ..., f(n-1)` without materialising the vector.
pub fn mean_by(n: usize, f: impl Fn(usize) -> f64) -> f64 {
    if n == 0 {
        return f64::NAN;
    }
    let nf = n as f64;
    let first = r_sum((0..n).map(&f)) / nf;
    if !first.is_finite() {
        return first;
    }
    first + r_sum((0..n).map(|i| f(i) - first)) / nf
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compensated_sum_keeps_small_terms() {
        // Exact: 1e16 + 1 + 1 - 1e16 = 2; naive left-to-right double summation gives 0 or 4.
        assert_eq!(r_sum([1e16, 1.0, 1.0, -1e16]), 2.0);
        // R: mean(c(1, 2, 4)) == 7/3
        assert_eq!(r_mean(&[1.0, 2.0, 4.0]), 7.0 / 3.0);
        assert!(r_mean(&[]).is_nan());
    }
}
