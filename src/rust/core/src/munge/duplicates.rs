//! Counting repeated SNP ids over a whole file with 8 bytes per row (a hash of the id), so
//! sumstats can log GenomicSEM's counts without keeping every row. The hash must be strong:
//! a weak one (FxHash) collides on structured ids such as rs numbers.

use std::collections::hash_map::DefaultHasher;
use std::hash::Hasher;

#[derive(Default)]
pub struct DuplicateCounter {
    hashes: Vec<u64>,
    direction_failed: Vec<u64>,
}

pub fn hash_id(id: &str) -> u64 {
    let mut h = DefaultHasher::new();
    h.write(id.as_bytes());
    h.finish()
}

impl DuplicateCounter {
    /// Record one row; `direction_failed` marks rows the direction filter would remove.
    pub fn add(&mut self, id: &str, direction_failed: bool) {
        let h = hash_id(id);
        self.hashes.push(h);
        if direction_failed {
            self.direction_failed.push(h);
        }
    }

    /// The set of ids (as hashes) that occur more than once, sorted, and the number of rows
    /// carrying them; then the number of direction failures among the other rows.
    pub fn finish(mut self) -> (Vec<u64>, usize, usize) {
        self.hashes.sort_unstable();
        let mut repeated = Vec::new();
        let mut rows = 0usize;
        let mut i = 0;
        while i < self.hashes.len() {
            let mut j = i + 1;
            while j < self.hashes.len() && self.hashes[j] == self.hashes[i] {
                j += 1;
            }
            if j - i > 1 {
                repeated.push(self.hashes[i]);
                rows += j - i;
            }
            i = j;
        }
        let direction = self
            .direction_failed
            .iter()
            .filter(|h| repeated.binary_search(h).is_err())
            .count();
        (repeated, rows, direction)
    }
}
