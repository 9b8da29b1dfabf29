//! A fixed-order dot-product tile for the stacked gene x variant products.
//!
//! Every entry of a tile is `dot(a, b)` over m terms summed in one order that depends on m
//! alone: lane l (0..4) accumulates a_i b_i for i = 4t + l, t = 0, 1, ... one fused
//! multiply-add at a time; the remaining m mod 4 terms go into a fifth running sum in index
//! order; the result is ((lane0 + lane1) + (lane2 + lane3)) + tail. So an entry is the same
//! bits whichever tile, stacking of genes or block of variants it is computed in (a general
//! matmul picks kernels and summation orders by shape). The x86_64 path (AVX2 + FMA, detected
//! once) and the portable path (separate multiply and add) may differ from each other by
//! rounding; one process always uses the same one.

/// Rows of a tile (lhs rows: gene weight rows) with AVX2's 16 vector registers: 12 sums,
/// 3 rows and a column.
pub const MR: usize = 3;
/// Rows of a tile where AVX-512VL gives 32 (still 256-bit) registers: 24 sums, 6 rows and a
/// column. Each column load then serves 6 rows instead of 3, so a tile streams about 30% less
/// from L2 per multiply-add; every entry is summed exactly as in a narrow tile.
pub const MR_WIDE: usize = 6;
/// Columns of a tile (rhs columns: projected variants).
pub const NR: usize = 4;

/// The rows per tile this CPU runs best: [`MR_WIDE`] with AVX-512VL, else [`MR`].
pub fn tile_rows() -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        if has_avx512vl() {
            return MR_WIDE;
        }
    }
    MR
}

/// `out[r][c] = dot(rows[r][..m], cols[c][..m])` in the fixed order above; with `SQUARE` the
/// terms are a_i (b_i b_i) (the columns squared on the fly, not stored).
///
/// # Panics
/// If a row or column is shorter than `m`.
#[cfg(test)]
pub fn dot_tile<const SQUARE: bool, const R: usize>(
    rows: [&[f64]; R],
    cols: [&[f64]; NR],
    m: usize,
) -> [[f64; NR]; R] {
    dot_tile_ahead::<SQUARE, R>(rows, cols, m, None)
}

/// [`dot_tile`], also asking the CPU to bring `next` (the next tile's columns, each at least
/// m long) into cache while it runs: one cache line per column every 8 terms, so the next
/// tile arrives as this one finishes. A hint only: the results are the same bits.
///
/// # Panics
/// If a row, column or next column is shorter than `m`.
pub fn dot_tile_ahead<const SQUARE: bool, const R: usize>(
    rows: [&[f64]; R],
    cols: [&[f64]; NR],
    m: usize,
    next: Option<[&[f64]; NR]>,
) -> [[f64; NR]; R] {
    assert!(rows.iter().chain(cols.iter()).all(|v| v.len() >= m));
    assert!(next.is_none_or(|n| n.iter().all(|v| v.len() >= m)));
    #[cfg(target_arch = "x86_64")]
    {
        let ahead = next.map(|n| n.map(|v| v.as_ptr()));
        if R > MR && has_avx512vl() {
            // SAFETY: the CPU supports AVX-512F/VL, AVX2 and FMA; every slice holds m values.
            return unsafe { x86::dot_tile_wide::<SQUARE, R>(&rows, &cols, m, ahead) };
        }
        if has_avx2_fma() {
            // SAFETY: the CPU supports AVX2 and FMA, and every slice holds at least m values.
            return unsafe { x86::dot_tile::<SQUARE, R>(&rows, &cols, m, ahead) };
        }
    }
    portable_tile::<SQUARE, R>(&rows, &cols, m)
}

/// The same order with separate multiplies and adds (CPUs without AVX2 and FMA).
fn portable_tile<const SQUARE: bool, const R: usize>(
    rows: &[&[f64]; R],
    cols: &[&[f64]; NR],
    m: usize,
) -> [[f64; NR]; R] {
    let full = m / 4 * 4;
    let mut out = [[0.0; NR]; R];
    for r in 0..R {
        for c in 0..NR {
            let term = |i: usize| {
                rows[r][i]
                    * if SQUARE {
                        cols[c][i] * cols[c][i]
                    } else {
                        cols[c][i]
                    }
            };
            let mut lane = [0.0f64; 4];
            for t in (0..full).step_by(4) {
                for (l, x) in lane.iter_mut().enumerate() {
                    *x += term(t + l);
                }
            }
            let tail = (full..m).fold(0.0, |s, i| s + term(i));
            out[r][c] = ((lane[0] + lane[1]) + (lane[2] + lane[3])) + tail;
        }
    }
    out
}

#[cfg(target_arch = "x86_64")]
fn has_avx2_fma() -> bool {
    use std::sync::OnceLock;
    static DETECTED: OnceLock<bool> = OnceLock::new();
    *DETECTED.get_or_init(|| {
        std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
    })
}

#[cfg(target_arch = "x86_64")]
fn has_avx512vl() -> bool {
    use std::sync::OnceLock;
    static DETECTED: OnceLock<bool> = OnceLock::new();
    *DETECTED.get_or_init(|| {
        has_avx2_fma()
            && std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512vl")
    })
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::NR;
    use std::arch::x86_64::*;

    /// One kernel body compiled twice: for AVX2 + FMA, and with AVX-512VL enabled so that the
    /// compiler may keep a wide tile's sums in the 16 extra registers (same instructions,
    /// same order: the same bits).
    macro_rules! tile_kernel {
        ($name:ident, $features:literal) => {
            /// # Safety
            /// The CPU must support the enabled features and every slice must hold at least m
            /// values.
            #[target_feature(enable = $features)]
            pub unsafe fn $name<const SQUARE: bool, const R: usize>(
                rows: &[&[f64]; R],
                cols: &[&[f64]; NR],
                m: usize,
                ahead: Option<[*const f64; NR]>,
            ) -> [[f64; NR]; R] {
                let full = m / 4 * 4;
                let (prefetch, next) = match ahead {
                    Some(next) => (true, next),
                    None => (false, [std::ptr::null(); NR]),
                };
                let a: [*const f64; R] = std::array::from_fn(|r| rows[r].as_ptr());
                let b: [*const f64; NR] = std::array::from_fn(|c| cols[c].as_ptr());
                let mut acc = [[_mm256_setzero_pd(); NR]; R];
                let mut i = 0;
                while i < full {
                    if prefetch && i % 8 == 0 {
                        for n in next {
                            _mm_prefetch::<_MM_HINT_T0>(n.wrapping_add(i) as *const i8);
                        }
                    }
                    let x: [__m256d; R] = std::array::from_fn(|r| _mm256_loadu_pd(a[r].add(i)));
                    for c in 0..NR {
                        let mut y = _mm256_loadu_pd(b[c].add(i));
                        if SQUARE {
                            y = _mm256_mul_pd(y, y);
                        }
                        for r in 0..R {
                            acc[r][c] = _mm256_fmadd_pd(x[r], y, acc[r][c]);
                        }
                    }
                    i += 4;
                }
                let mut out = [[0.0; NR]; R];
                for r in 0..R {
                    for c in 0..NR {
                        let mut lane = [0.0f64; 4];
                        _mm256_storeu_pd(lane.as_mut_ptr(), acc[r][c]);
                        let mut tail = 0.0f64;
                        for j in full..m {
                            let y = *b[c].add(j);
                            let y = if SQUARE { y * y } else { y };
                            // A hardware fused multiply-add, like the lanes.
                            tail = (*a[r].add(j)).mul_add(y, tail);
                        }
                        out[r][c] = ((lane[0] + lane[1]) + (lane[2] + lane[3])) + tail;
                    }
                }
                out
            }
        };
    }

    tile_kernel!(dot_tile, "avx2,fma");
    tile_kernel!(dot_tile_wide, "avx2,fma,avx512f,avx512vl");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(n: usize, seed: u64) -> Vec<f64> {
        let mut s = seed;
        (0..n)
            .map(|_| {
                s = s
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((s >> 11) as f64 / (1u64 << 53) as f64) - 0.5
            })
            .collect()
    }

    #[test]
    fn an_entry_does_not_depend_on_its_tile() {
        for m in [1, 3, 4, 5, 7, 8, 13, 120, 1611] {
            let v: Vec<Vec<f64>> = (0..6).map(|s| data(m, s as u64 + 1)).collect();
            let t1 = dot_tile::<false, MR>([&v[0], &v[1], &v[2]], [&v[3], &v[4], &v[5], &v[0]], m);
            let t2 = dot_tile::<false, MR>([&v[5], &v[1], &v[1]], [&v[2], &v[2], &v[0], &v[3]], m);
            assert_eq!(t1[1][0].to_bits(), t2[1][3].to_bits());
            assert_eq!(t1[0][2].to_bits(), t2[0][2].to_bits());
            let exact: f64 = v[1].iter().zip(&v[3]).map(|(x, y)| x * y).sum();
            assert!((t1[1][0] - exact).abs() <= 1e-13 * (1.0 + exact.abs()));
        }
    }

    #[test]
    fn wide_tiles_give_the_narrow_tiles_bits() {
        for m in [1, 5, 8, 13, 1611] {
            let v: Vec<Vec<f64>> = (0..10).map(|s| data(m, s as u64 + 21)).collect();
            let rows: [&[f64]; MR_WIDE] = std::array::from_fn(|r| &v[r][..]);
            let cols: [&[f64]; NR] = std::array::from_fn(|c| &v[6 + c][..]);
            let top = [rows[0], rows[1], rows[2]];
            let bottom = [rows[3], rows[4], rows[5]];
            for square in [false, true] {
                let (wide, narrow) = if square {
                    let n = [
                        dot_tile::<true, MR>(top, cols, m),
                        dot_tile::<true, MR>(bottom, cols, m),
                    ];
                    (dot_tile::<true, MR_WIDE>(rows, cols, m), n)
                } else {
                    let n = [
                        dot_tile::<false, MR>(top, cols, m),
                        dot_tile::<false, MR>(bottom, cols, m),
                    ];
                    (dot_tile::<false, MR_WIDE>(rows, cols, m), n)
                };
                for r in 0..MR_WIDE {
                    for c in 0..NR {
                        assert_eq!(
                            wide[r][c].to_bits(),
                            narrow[r / MR][r % MR][c].to_bits(),
                            "m {m} r {r} c {c} square {square}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn entries_match_the_exact_sums() {
        for m in [0, 1, 6, 1611] {
            let v: Vec<Vec<f64>> = (0..7).map(|s| data(m, s as u64 + 11)).collect();
            let rows = [&v[0][..], &v[1][..], &v[2][..]];
            let cols = [&v[3][..], &v[4][..], &v[5][..], &v[6][..]];
            let fast = dot_tile::<false, MR>(rows, cols, m);
            for r in 0..MR {
                for c in 0..NR {
                    let exact: f64 = rows[r].iter().zip(cols[c]).map(|(x, y)| x * y).sum();
                    assert!((fast[r][c] - exact).abs() <= 1e-13 * (1.0 + exact.abs()));
                }
            }
            let square = dot_tile::<true, MR>(rows, cols, m);
            let exact: f64 = rows[2].iter().zip(cols[1]).map(|(x, y)| x * y * y).sum();
            assert!((square[2][1] - exact).abs() <= 1e-13 * (1.0 + exact.abs()));
            // The fallback path: the same sums to rounding, tile-independent.
            let slow = portable_tile::<false, MR>(&rows, &cols, m);
            let moved = portable_tile::<false, MR>(&[rows[1], rows[0], rows[2]], &[cols[3]; NR], m);
            assert_eq!(slow[1][3].to_bits(), moved[0][0].to_bits());
            for r in 0..MR {
                for c in 0..NR {
                    assert!((slow[r][c] - fast[r][c]).abs() <= 1e-13 * (1.0 + fast[r][c].abs()));
                }
            }
        }
    }
}
