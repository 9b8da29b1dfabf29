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

impl FxHasher {
    #[inline]
    fn mix(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        // Whole words straight from the slice; a byte-wise copy per word cost more than the
        // table probe itself.
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let mut w = [0u8; 8];
            w.copy_from_slice(word);
            self.mix(u64::from_le_bytes(w));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.mix(u64::from_le_bytes(w));
        }
    }

    #[inline]
    fn write_u8(&mut self, byte: u8) {
        self.mix(u64::from(byte));
    }

    #[inline]
    fn write_u32(&mut self, value: u32) {
        self.mix(u64::from(value));
    }

    #[inline]
    fn write_u64(&mut self, value: u64) {
        self.mix(value);
    }

    #[inline]
    fn write_usize(&mut self, value: usize) {
        self.mix(value as u64);
    }

    #[inline]
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
    h.write_u8(0xff);
    h.finish()
}

/// A hasher for keys that are already well-mixed 64-bit hashes: it passes them through.
#[derive(Default, Clone, Copy)]
pub struct PassHasher(u64);

impl Hasher for PassHasher {
    fn write(&mut self, bytes: &[u8]) {
        // Only u64 keys are hashed with it; stay correct (if slow) for anything else.
        let mut h = FxHasher(self.0);
        h.write(bytes);
        self.0 = h.finish();
    }

    #[inline]
    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Rows of a [`StrColumn`] by value. Besides the lookup, it records for every row the first
/// row with the same value (its group) and the next row with the same value, so callers can
/// join on the value with plain array indexing instead of hashing.
#[derive(Debug, Default, Clone)]
pub struct StrIndex {
    /// Hash of a value -> first and last row with that hash.
    ends: HashMap<u64, (u32, u32), BuildHasherDefault<PassHasher>>,
    /// Next row with the same hash (distinct values can share a hash: compare the text).
    next_hash: Vec<u32>,
    /// Next row with exactly the same value.
    next_same: Vec<u32>,
    /// First row with exactly the same value.
    group: Vec<u32>,
}

pub const END: u32 = u32::MAX;

impl StrIndex {
    pub fn build(column: &StrColumn) -> StrIndex {
        let n = column.len();
        // Hash -> (first, last) row, chaining rows with equal hashes in row order.
        let mut ends: HashMap<u64, (u32, u32), BuildHasherDefault<PassHasher>> =
            HashMap::with_capacity_and_hasher(n, Default::default());
        let mut next_hash = vec![END; n];
        for (row, value) in column.iter().enumerate() {
            let row = row as u32;
            ends.entry(hash_str(value))
                .and_modify(|(_, last)| {
                    next_hash[*last as usize] = row;
                    *last = row;
                })
                .or_insert((row, row));
        }
        // Groups of equal values: walk each hash chain from its first unassigned row. A chain
        // holds one value except on a hash collision, so this is linear in practice.
        let mut group = vec![END; n];
        let mut next_same = vec![END; n];
        for row in 0..n {
            if group[row] != END {
                continue;
            }
            group[row] = row as u32;
            let value = column.get(row);
            let (mut last, mut other) = (row, next_hash[row]);
            while other != END {
                let o = other as usize;
                if group[o] == END && column.get(o) == value {
                    group[o] = row as u32;
                    next_same[last] = other;
                    last = o;
                }
                other = next_hash[o];
            }
        }
        StrIndex {
            ends,
            next_hash,
            next_same,
            group,
        }
    }

    /// The first row whose value is `key`.
    pub fn first_row(&self, column: &StrColumn, key: &str) -> Option<usize> {
        let mut row = self.ends.get(&hash_str(key)).map_or(END, |e| e.0);
        while row != END {
            let r = row as usize;
            if column.get(r) == key {
                return Some(r);
            }
            row = self.next_hash[r];
        }
        None
    }

    /// The first row whose value is `key` and the row where it was found, trying the row
    /// `hint` before the hash table: callers walking a file sorted like the column find most
    /// keys there, in memory they just touched.
    pub fn first_row_near(
        &self,
        column: &StrColumn,
        key: &str,
        hint: usize,
    ) -> Option<(usize, usize)> {
        if hint < column.len() && column.get(hint) == key {
            return Some((self.group[hint] as usize, hint));
        }
        self.first_row(column, key).map(|row| (row, row))
    }

    /// The first row with the same value as `row`.
    pub fn group(&self, row: usize) -> usize {
        self.group[row] as usize
    }

    /// The rows with the same value as `row` that follow it, in row order.
    pub fn same_after(&self, row: usize) -> impl Iterator<Item = usize> + '_ {
        let mut r = self.next_same.get(row).copied().unwrap_or(END);
        std::iter::from_fn(move || {
            (r != END).then(|| {
                let current = r as usize;
                r = self.next_same[current];
                current
            })
        })
    }

    /// The rows whose value is `key`, in row order.
    pub fn rows<'a>(
        &'a self,
        column: &'a StrColumn,
        key: &'a str,
    ) -> impl Iterator<Item = usize> + 'a {
        self.first_row(column, key)
            .into_iter()
            .flat_map(move |first| std::iter::once(first).chain(self.same_after(first)))
    }

    pub fn contains(&self, column: &StrColumn, key: &str) -> bool {
        self.first_row(column, key).is_some()
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
        assert_eq!(index.first_row(&column, "rs1"), Some(0));
        assert_eq!(index.first_row_near(&column, "rs1", 5), Some((0, 5)));
        assert_eq!(index.first_row_near(&column, "rs3", 1), Some((4, 4)));
        assert_eq!(index.first_row_near(&column, "rs4", 9), None);
        let groups: Vec<usize> = (0..column.len()).map(|r| index.group(r)).collect();
        assert_eq!(groups, [0, 1, 0, 3, 4, 0]);
        assert_eq!(index.same_after(2).collect::<Vec<_>>(), [5]);
        assert_eq!(index.same_after(1).count(), 0);
    }

    #[test]
    fn hashing_words_matches_hashing_bytes() {
        // The word-at-a-time paths must agree with the byte path (hash tables rely on it).
        let mut a = FxHasher::default();
        a.write_u64(0x0102_0304_0506_0708);
        a.write_u8(7);
        let mut b = FxHasher::default();
        b.write(&0x0102_0304_0506_0708u64.to_le_bytes());
        b.write(&[7]);
        assert_eq!(a.finish(), b.finish());
    }
}
