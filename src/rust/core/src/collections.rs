//! Compact containers for large text tables: strings stored back to back in one buffer, and
//! an index from strings to row numbers that allocates nothing per key.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Many strings in one buffer; `get(i)` borrows the i-th.
#[derive(Debug, Default, Clone)]
pub struct StrColumn {
    text: String,
    ends: Vec<usize>,
}

impl StrColumn {
    pub fn push(&mut self, s: &str) {
        self.text.push_str(s);
        self.ends.push(self.text.len());
    }

    pub fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).map(move |i| self.get(i))
    }
}

/// A fast, non-cryptographic hash for short keys such as SNP ids: FxHash's word mixing
/// followed by a full avalanche (murmur3's finaliser), without which ids that differ only in
/// their last digits crowd into few hash-table groups.
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(SEED);
        }
    }

    fn finish(&self) -> u64 {
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

pub type FxBuild = BuildHasherDefault<FxHasher>;

fn hash_str(s: &str) -> u64 {
    let mut h = FxHasher::default();
    h.write(s.as_bytes());
    h.write(&[0xff]);
    h.finish()
}

/// Rows of a [`StrColumn`] by value. Rows with equal strings are chained in row order.
#[derive(Debug, Default, Clone)]
pub struct StrIndex {
    first: HashMap<u64, u32, FxBuild>,
    next: Vec<u32>,
}

const END: u32 = u32::MAX;

impl StrIndex {
    pub fn build(column: &StrColumn) -> StrIndex {
        let mut first: HashMap<u64, u32, FxBuild> =
            HashMap::with_capacity_and_hasher(column.len(), FxBuild::default());
        let mut last: HashMap<u64, u32, FxBuild> =
            HashMap::with_capacity_and_hasher(column.len(), FxBuild::default());
        let mut next = vec![END; column.len()];
        for (row, value) in column.iter().enumerate() {
            let h = hash_str(value);
            match last.insert(h, row as u32) {
                Some(previous) => next[previous as usize] = row as u32,
                None => {
                    first.insert(h, row as u32);
                }
            }
        }
        StrIndex { first, next }
    }

    /// The rows whose value is `key`, in row order.
    pub fn rows<'a>(
        &'a self,
        column: &'a StrColumn,
        key: &'a str,
    ) -> impl Iterator<Item = usize> + 'a {
        let mut row = self.first.get(&hash_str(key)).copied().unwrap_or(END);
        std::iter::from_fn(move || {
            while row != END {
                let current = row as usize;
                row = self.next[current];
                // Distinct strings with equal hashes share a chain: compare the text.
                if column.get(current) == key {
                    return Some(current);
                }
            }
            None
        })
    }

    pub fn contains(&self, column: &StrColumn, key: &str) -> bool {
        self.rows(column, key).next().is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_finds_every_row_of_a_value_in_order() {
        let mut column = StrColumn::default();
        for s in ["rs1", "rs2", "rs1", "", "rs3", "rs1"] {
            column.push(s);
        }
        let index = StrIndex::build(&column);
        assert_eq!(index.rows(&column, "rs1").collect::<Vec<_>>(), [0, 2, 5]);
        assert_eq!(index.rows(&column, "").collect::<Vec<_>>(), [3]);
        assert!(!index.contains(&column, "rs4"));
        assert_eq!(column.get(4), "rs3");
    }
}
