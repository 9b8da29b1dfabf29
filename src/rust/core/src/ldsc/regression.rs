//! The weighted LD-score regression of one cell with its block jackknife, following R's
//! ldsc: per-block cross-products, the full fit, delete-one-block fits, pseudo-values.

use crate::rmath::Accumulator;

/// Contiguous blocks `[start, end)` as ldsc cuts them:
/// `from = floor(seq(1, n, length.out = B + 1))`, `to = c(from[2:B] - 1, n)`.
/// `None` when some block would be empty (fewer than B + 1 rows).
pub fn jackknife_blocks(n: usize, n_blocks: usize) -> Option<Vec<(usize, usize)>> {
    if n_blocks < 2 || n < n_blocks + 1 {
        return None;
    }
    let step = (n as f64 - 1.0) / n_blocks as f64;
    let from = |i: usize| {
        if i == 0 {
            1
        } else {
            (1.0 + i as f64 * step).floor() as usize
        }
    };
    let mut blocks = Vec::with_capacity(n_blocks);
    for b in 0..n_blocks {
        let start = from(b);
        let end = if b + 1 < n_blocks { from(b + 1) - 1 } else { n };
        if end < start {
            return None;
        }
        blocks.push((start - 1, end));
    }
    Some(blocks)
}

/// The regressors are `(L2 * weight, weight)` and the response `chi2 * weight`.
/// Cross-products: [x'x (xx, xw, ww), x'y (xy, wy)].
#[derive(Clone, Copy, Default)]
struct CrossProducts {
    xx: f64,
    xw: f64,
    ww: f64,
    xy: f64,
    wy: f64,
}

impl CrossProducts {
    fn minus(&self, o: &CrossProducts) -> CrossProducts {
        CrossProducts {
            xx: self.xx - o.xx,
            xw: self.xw - o.xw,
            ww: self.ww - o.ww,
            xy: self.xy - o.xy,
            wy: self.wy - o.wy,
        }
    }

    /// `solve(xtx, xty)` with LAPACK's LU (partial pivoting, reciprocal pivot scaling).
    fn solve(&self) -> Option<[f64; 2]> {
        let (mut a11, mut a12, mut a21, mut a22) = (self.xx, self.xw, self.xw, self.ww);
        let (mut b1, mut b2) = (self.xy, self.wy);
        if a21.abs() > a11.abs() {
            std::mem::swap(&mut a11, &mut a21);
            std::mem::swap(&mut a12, &mut a22);
            std::mem::swap(&mut b1, &mut b2);
        }
        if a11 == 0.0 || !a11.is_finite() {
            return None;
        }
        let l21 = a21 * (1.0 / a11);
        let u22 = a22 - l21 * a12;
        if u22 == 0.0 || !u22.is_finite() {
            return None;
        }
        let y2 = b2 - l21 * b1;
        let x2 = y2 / u22;
        let x1 = (b1 - x2 * a12) / a11;
        Some([x1, x2])
    }
}

/// Result of one cell's regression.
pub struct JackknifeFit {
    /// `reg[1]`: slope on the LD score (before dividing by N and multiplying by M).
    pub slope: f64,
    pub intercept: f64,
    /// `cov(pseudo.values) / B`: [slope var, intercept var].
    pub slope_variance: f64,
    pub intercept_variance: f64,
    /// Slope pseudo-values, one per block (a column of R's `V.hold`).
    pub slope_pseudo: Vec<f64>,
}

/// Fit `y_i * w_i ~ (L2_i * w_i, w_i)` over all rows and each delete-one-block subset.
/// `row(i)` gives `(L2_i, w_i, y_i)` unweighted; weights are applied here.
pub fn fit_with_jackknife(
    blocks: &[(usize, usize)],
    row: impl Fn(usize) -> (f64, f64, f64),
) -> Option<JackknifeFit> {
    let per_block: Vec<CrossProducts> = blocks
        .iter()
        .map(|&(start, end)| {
            let mut c = CrossProducts::default();
            for i in start..end {
                let (l2, w, y) = row(i);
                let x = l2 * w;
                let yw = y * w;
                c.xx += x * x;
                c.xw += x * w;
                c.ww += w * w;
                c.xy += x * yw;
                c.wy += w * yw;
            }
            c
        })
        .collect();
    let total = column_sums(&per_block);
    let reg = total.solve()?;
    let b = blocks.len() as f64;
    let mut slope_pseudo = Vec::with_capacity(blocks.len());
    let mut intercept_pseudo = Vec::with_capacity(blocks.len());
    for block in &per_block {
        let deleted = total.minus(block).solve()?;
        slope_pseudo.push(b * reg[0] - (b - 1.0) * deleted[0]);
        intercept_pseudo.push(b * reg[1] - (b - 1.0) * deleted[1]);
    }
    Some(JackknifeFit {
        slope: reg[0],
        intercept: reg[1],
        slope_variance: covariance(&slope_pseudo, &slope_pseudo) / b,
        intercept_variance: covariance(&intercept_pseudo, &intercept_pseudo) / b,
        slope_pseudo,
    })
}

/// `colSums` over blocks (R accumulates in long double; compensation comes close).
fn column_sums(blocks: &[CrossProducts]) -> CrossProducts {
    let mut acc = [Accumulator::default(); 5];
    for c in blocks {
        for (a, v) in acc.iter_mut().zip([c.xx, c.xw, c.ww, c.xy, c.wy]) {
            a.add(v);
        }
    }
    CrossProducts {
        xx: acc[0].value(),
        xw: acc[1].value(),
        ww: acc[2].value(),
        xy: acc[3].value(),
        wy: acc[4].value(),
    }
}

/// `cov(a, b)` as R's C code computes it: two-pass means, n - 1 denominator.
pub fn covariance(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len();
    if n < 2 || b.len() != n {
        return f64::NAN;
    }
    let ma = crate::rmath::r_mean(a);
    let mb = crate::rmath::r_mean(b);
    let mut acc = Accumulator::default();
    for (x, y) in a.iter().zip(b) {
        acc.add((x - ma) * (y - mb));
    }
    acc.value() / (n as f64 - 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    // R: floor(seq(1, 10, length.out = 4)) = 1 4 7 10 -> blocks 1:3, 4:6, 7:10.
    #[test]
    fn blocks_follow_r_seq() {
        assert_eq!(jackknife_blocks(10, 3), Some(vec![(0, 3), (3, 6), (6, 10)]));
        assert_eq!(jackknife_blocks(3, 3), None);
    }

    #[test]
    fn exact_line_is_recovered_with_zero_jackknife_variance() {
        let l2: Vec<f64> = (0..40).map(|i| 1.0 + i as f64 * 0.37 % 5.0).collect();
        let blocks = jackknife_blocks(40, 4).unwrap();
        let fit = fit_with_jackknife(&blocks, |i| (l2[i], 1.0, 2.0 * l2[i] + 1.5)).unwrap();
        assert!((fit.slope - 2.0).abs() < 1e-12 && (fit.intercept - 1.5).abs() < 1e-12);
        assert!(fit.slope_variance.abs() < 1e-20);
    }
}
