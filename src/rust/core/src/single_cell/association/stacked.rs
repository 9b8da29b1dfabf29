//! The tests of all genes that share a block of projected variants, as one stacked product.
//!
//! A gene alone gives a product of only p + 1 (~8) rows against its variants; stacking every
//! gene of a block reuses each tile of NR variant columns while all genes' rows pass over it:
//! their weight rows against G~, then their q rows against G~ o G~ squared on the fly
//! (sum_i q_i g_i^2). Each tile takes only the rows of the genes whose window meets it, cut
//! into as few row tiles as the tile height allows, of balanced sizes (no padded rows, no
//! rows outside a window, no load-bound one-row tiles); columns outside a gene's window are
//! discarded (cheaper than splitting the block at window edges: the waste is at most one tile
//! of columns per window edge). At m = 1,611 a tile (51.5 KB) is larger than L1: the first row
//! tile over it prefetches the next tile's columns, which otherwise come cold from memory
//! (bench/README.md). Every entry comes from [`dot_tile_ahead`], whose summation order does
//! not depend on the tile, so a gene's results are the same bits whatever genes it is stacked
//! with and however its window is cut into blocks.

use super::dot::{dot_tile_ahead, tile_rows, MR_WIDE, NR};
use super::score::{GeneScore, VariantTest};

/// One gene of a stacked block: its null and its columns `from..to` of the block.
#[derive(Debug, Clone, Copy)]
pub struct StackedGene<'a> {
    pub score: &'a GeneScore,
    pub from: usize,
    pub to: usize,
}

/// Buffers reused from block to block.
#[derive(Debug, Default)]
pub struct StackedScratch {
    /// (gene, row) of every stacked row: row p + 1 is the gene's q row.
    rows: Vec<(usize, usize)>,
    /// Per gene and column: the p + 1 weight products, then sum q g^2.
    products: Vec<f64>,
    offsets: Vec<usize>,
}

/// Test the genes `genes` on the block `block` (m x k column-major projected genotypes).
/// `out` receives, gene after gene, one result per column of the gene's `from..to`.
pub fn test_stacked(
    genes: &[StackedGene<'_>],
    block: &[f64],
    m: usize,
    scratch: &mut StackedScratch,
    out: &mut Vec<VariantTest>,
) {
    let k = block.len().checked_div(m).unwrap_or(0);
    out.clear();
    scratch.offsets.clear();
    let mut total = 0;
    for g in genes {
        scratch.offsets.push(total);
        total += (g.to - g.from) * (g.score.p + 2);
    }
    scratch.products.clear();
    scratch.products.resize(total, 0.0);
    let (lo, hi) = genes
        .iter()
        .fold((k, 0), |(lo, hi), g| (lo.min(g.from), hi.max(g.to.min(k))));
    if lo >= hi {
        return;
    }
    let chunk = tile_rows();
    for c0 in (lo..hi).step_by(NR) {
        let c1 = (c0 + NR).min(hi);
        // Only the genes whose window meets the tile: their weight rows, then their q rows
        // (row p + 1), so that no tile row is computed for a gene outside it.
        let covering = || (0..genes.len()).filter(|&i| genes[i].from < c1 && genes[i].to > c0);
        scratch.rows.clear();
        for i in covering() {
            scratch.rows.extend((0..=genes[i].score.p).map(|a| (i, a)));
        }
        let split = scratch.rows.len();
        scratch
            .rows
            .extend(covering().map(|i| (i, genes[i].score.p + 1)));
        let (weight_rows, q_rows) = scratch.rows.split_at(split);
        // Short edge tiles repeat their last column: the same entries, discarded. Both kinds
        // of rows pass over the tile while it is in cache.
        let cols: [&[f64]; NR] = std::array::from_fn(|c| {
            let c = (c0 + c).min(c1 - 1);
            &block[c * m..(c + 1) * m]
        });
        // The next tile's columns, fetched while the first rows pass over this one.
        let next = (c1 < hi).then(|| {
            std::array::from_fn(|c| {
                let c = (c1 + c).min(hi - 1);
                &block[c * m..(c + 1) * m]
            })
        });
        let tile = Tile {
            genes,
            cols,
            next,
            c0,
            c1,
            m,
            offsets: &scratch.offsets,
        };
        tile.rows::<false>(weight_rows, chunk, &mut scratch.products);
        tile.rows::<true>(q_rows, chunk, &mut scratch.products);
    }
    for (i, g) in genes.iter().enumerate() {
        let stride = g.score.p + 2;
        let products = &scratch.products[scratch.offsets[i]..];
        out.extend(
            (0..g.to - g.from).map(|j| g.score.finish(&products[j * stride..(j + 1) * stride])),
        );
    }
}

/// A tile of NR columns `c0..c1` of the block, for the genes of a stack.
struct Tile<'a, 'b> {
    genes: &'a [StackedGene<'b>],
    cols: [&'a [f64]; NR],
    next: Option<[&'a [f64]; NR]>,
    c0: usize,
    c1: usize,
    m: usize,
    offsets: &'a [usize],
}

impl Tile<'_, '_> {
    /// products[offset of gene + column * (p + 2) + row] for the stacked `rows` (gene, row;
    /// row p + 1 is q, else a weight column) and the tile's columns inside each row's window,
    /// at most `chunk` rows per [`dot_tile_ahead`] of exactly their number.
    fn rows<const SQUARE: bool>(
        &self,
        rows: &[(usize, usize)],
        chunk: usize,
        products: &mut [f64],
    ) {
        let (genes, m, c0, c1) = (self.genes, self.m, self.c0, self.c1);
        let row_of = |(i, a): (usize, usize)| {
            let score = genes[i].score;
            if a > score.p {
                &score.q[..m]
            } else {
                &score.weights[a * m..(a + 1) * m]
            }
        };
        // As few tiles as `chunk` rows allow, of balanced sizes (49 rows in chunks of 6 run
        // as 6,6,6,6,5,5,5,5,5 and not 6 x 8 + 1: a one-row tile is load-bound).
        let tiles = rows.len().div_ceil(chunk.max(1));
        let mut at = 0;
        for t in 0..tiles {
            let size = rows.len() / tiles + usize::from(t < rows.len() % tiles);
            let part = &rows[at..at + size];
            at += size;
            let lhs: [&[f64]; MR_WIDE] =
                std::array::from_fn(|r| row_of(part[r.min(part.len() - 1)]));
            let next = if t == 0 && !SQUARE { self.next } else { None };
            let tile = exact_tile::<SQUARE>(&lhs, part.len(), self.cols, m, next);
            for (r, &(i, a)) in part.iter().enumerate() {
                let g = &genes[i];
                let stride = g.score.p + 2;
                for c in c0.max(g.from)..c1.min(g.to) {
                    products[self.offsets[i] + (c - g.from) * stride + a] = tile[r][c - c0];
                }
            }
        }
    }
}

/// The first `n` (1..=6) rows of `lhs` against `cols`, by the tile of exactly n rows.
fn exact_tile<const SQUARE: bool>(
    lhs: &[&[f64]; MR_WIDE],
    n: usize,
    cols: [&[f64]; NR],
    m: usize,
    next: Option<[&[f64]; NR]>,
) -> [[f64; NR]; MR_WIDE] {
    fn run<const SQUARE: bool, const R: usize>(
        lhs: &[&[f64]; MR_WIDE],
        cols: [&[f64]; NR],
        m: usize,
        next: Option<[&[f64]; NR]>,
    ) -> [[f64; NR]; MR_WIDE] {
        let tile = dot_tile_ahead::<SQUARE, R>(std::array::from_fn(|r| lhs[r]), cols, m, next);
        std::array::from_fn(|r| if r < R { tile[r] } else { [0.0; NR] })
    }
    match n {
        0 | 1 => run::<SQUARE, 1>(lhs, cols, m, next),
        2 => run::<SQUARE, 2>(lhs, cols, m, next),
        3 => run::<SQUARE, 3>(lhs, cols, m, next),
        4 => run::<SQUARE, 4>(lhs, cols, m, next),
        5 => run::<SQUARE, 5>(lhs, cols, m, next),
        _ => run::<SQUARE, 6>(lhs, cols, m, next),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> f64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 11) as f64 / (1u64 << 53) as f64
        }
        fn below(&mut self, n: usize) -> usize {
            ((self.next() * n as f64) as usize).min(n - 1)
        }
    }

    fn gene(rng: &mut Rng, m: usize, p: usize) -> GeneScore {
        GeneScore {
            q: (0..m).map(|_| 0.2 + rng.next()).collect(),
            weights: (0..m * (p + 1)).map(|_| rng.next() - 0.5).collect(),
            s2e: 0.5 + rng.next(),
            p,
        }
    }

    fn naive(g: &GeneScore, col: &[f64]) -> VariantTest {
        let m = g.q.len();
        let mut h: Vec<f64> = (0..=g.p)
            .map(|a| (0..m).map(|i| g.weights[a * m + i] * col[i]).sum())
            .collect();
        h.push((0..m).map(|i| g.q[i] * col[i] * col[i]).sum());
        g.finish(&h)
    }

    /// Every gene's results are the same bits alone, in any stack and cut into any blocks,
    /// over narrow and wide shapes and every remainder of m mod 4.
    #[test]
    fn results_do_not_depend_on_the_stack_or_the_blocks() {
        let mut rng = Rng(7);
        let mut scratch = StackedScratch::default();
        let (mut out, mut alone) = (Vec::new(), Vec::new());
        for m in [1, 2, 3, 5, 8, 31, 130, 1611] {
            for &k in &[1usize, 3, 4, 9, 37, 128] {
                let block: Vec<f64> = (0..m * k).map(|_| rng.next() * 2.0).collect();
                let n_genes = 1 + rng.below(9);
                let scores: Vec<GeneScore> = (0..n_genes)
                    .map(|_| {
                        let p = 1 + rng.below(8);
                        gene(&mut rng, m, p)
                    })
                    .collect();
                let stack: Vec<StackedGene> = scores
                    .iter()
                    .map(|score| {
                        let from = rng.below(k);
                        let to = from + 1 + rng.below(k - from);
                        StackedGene { score, from, to }
                    })
                    .collect();
                test_stacked(&stack, &block, m, &mut scratch, &mut out);
                let mut at = 0;
                for g in &stack {
                    let cols = &block[g.from * m..g.to * m];
                    g.score
                        .test_block(cols, g.to - g.from, &mut scratch, &mut alone);
                    for (j, t) in alone.iter().enumerate() {
                        let s = out[at + j];
                        assert_eq!(s.tstat.to_bits(), t.tstat.to_bits(), "m {m} k {k}");
                        assert_eq!(s.var.to_bits(), t.var.to_bits(), "m {m} k {k}");
                        let r = naive(g.score, &cols[j * m..(j + 1) * m]);
                        let close = |x: f64, y: f64| {
                            (x.is_nan() && y.is_nan()) || (x - y).abs() <= 1e-12 * (1.0 + y.abs())
                        };
                        assert!(close(s.tstat, r.tstat) && close(s.var, r.var));
                    }
                    // The same window cut into blocks at an arbitrary point.
                    let cut = g.from + rng.below(g.to - g.from);
                    let mut pieces = Vec::new();
                    for (a, b) in [(g.from, cut), (cut, g.to)] {
                        let one = [StackedGene {
                            score: g.score,
                            from: a,
                            to: b,
                        }];
                        test_stacked(&one, &block, m, &mut scratch, &mut alone);
                        pieces.extend_from_slice(&alone);
                    }
                    for (j, t) in pieces.iter().enumerate() {
                        assert_eq!(out[at + j].tstat.to_bits(), t.tstat.to_bits());
                        assert_eq!(out[at + j].var.to_bits(), t.var.to_bits());
                    }
                    at += g.to - g.from;
                }
                assert_eq!(at, out.len());
            }
        }
    }
}
