//! The row pairs, in order, that R's `merge(x, y, by = "SNP", sort = FALSE)` produces.
//!
//! R's order matters because the jackknife blocks are contiguous runs of rows: rows follow
//! x, except that all x rows sharing a key are pulled together at the key's first
//! occurrence, and a key present k times in x and l times in y yields all k*l pairs. Inside a
//! group, R orders rows with a (non-stable) Shell sort, reproduced here exactly. Keys are
//! dense integers (SNP ids interned once); [`NO_KEY`] marks an x row whose SNP is in no
//! LD-score file.
//!
//! The Shell sort costs O(n^1.25) over all rows, so it runs only when it can change a
//! result: when some duplicated key has rows whose contents differ (`x_same`/`y_same`
//! compare two rows of one table). Otherwise duplicates are grouped in file order, which
//! gives the same numbers.

/// Key of a row whose SNP matches nothing.
pub const NO_KEY: u32 = u32::MAX;

/// Pairs `(x_row, y_row)` in R's output order. `key_space` bounds every key other than
/// [`NO_KEY`]; y keys must all be below it.
pub fn r_merge(
    x_keys: &[u32],
    y_keys: &[u32],
    key_space: usize,
    x_same: impl Fn(u32, u32) -> bool,
    y_same: impl Fn(u32, u32) -> bool,
) -> Vec<(u32, u32)> {
    let mut y_count = vec![0u32; key_space];
    for &k in y_keys {
        if let Some(c) = y_count.get_mut(k as usize) {
            *c = c.saturating_add(1);
        }
    }
    // xinds: 1-based position, among x rows whose key is in y, of the key's first row.
    let mut first_position = vec![0u32; key_space];
    let mut xinds = vec![0u32; x_keys.len()];
    let mut position = 0u32;
    let mut x_duplicated = false;
    for (slot, &k) in xinds.iter_mut().zip(x_keys) {
        if y_count.get(k as usize).is_some_and(|&c| c > 0) {
            position += 1;
            let first = &mut first_position[k as usize];
            if *first == 0 {
                *first = position;
            } else {
                x_duplicated = true;
            }
            *slot = *first;
        }
    }
    let y_duplicated = y_keys.iter().any(|&k| {
        first_position.get(k as usize).is_some_and(|&f| f > 0) && y_count[k as usize] > 1
    });
    if !x_duplicated && !y_duplicated {
        return unique_key_pairs(x_keys, y_keys, &xinds, key_space);
    }
    let yinds: Vec<u32> = y_keys
        .iter()
        .map(|&k| first_position.get(k as usize).copied().unwrap_or(0))
        .collect();
    let x_groups = groups(&xinds, position as usize);
    let y_groups = groups(&yinds, position as usize);
    let uniform = |g: &Groups, same: &dyn Fn(u32, u32) -> bool| {
        g.members
            .iter()
            .zip(&g.leader)
            .all(|(&m, &lead)| m == lead || same(lead, m))
    };
    if uniform(&x_groups, &x_same) && uniform(&y_groups, &y_same) {
        x_groups.pairs_with(&y_groups)
    } else {
        grouped_pairs(xinds, yinds)
    }
}

/// Rows bucketed by their (1-based, dense) merge index, each bucket in row order.
struct Groups {
    /// `start[v]..start[v + 1]` indexes `members` for index value v (v = 0 unused).
    start: Vec<u32>,
    members: Vec<u32>,
    /// For each member, the first row of its bucket.
    leader: Vec<u32>,
}

fn groups(inds: &[u32], n_values: usize) -> Groups {
    let mut start = vec![0u32; n_values + 2];
    for &v in inds.iter().filter(|&&v| v > 0) {
        start[v as usize + 1] += 1;
    }
    for v in 1..start.len() {
        start[v] += start[v - 1];
    }
    let mut fill = start.clone();
    let mut members = vec![0u32; start[n_values + 1] as usize];
    for (row, &v) in inds.iter().enumerate().filter(|(_, &v)| v > 0) {
        members[fill[v as usize] as usize] = row as u32;
        fill[v as usize] += 1;
    }
    let mut leader = vec![0u32; members.len()];
    for v in 1..=n_values {
        let (a, b) = (start[v] as usize, start[v + 1] as usize);
        if a < b {
            let first = members[a];
            leader[a..b].fill(first);
        }
    }
    Groups {
        start,
        members,
        leader,
    }
}

impl Groups {
    /// Every x row of a value with every y row of it, values ascending.
    fn pairs_with(&self, y: &Groups) -> Vec<(u32, u32)> {
        let mut pairs = Vec::with_capacity(self.members.len());
        for v in 1..self.start.len() - 1 {
            let xs = &self.members[self.start[v] as usize..self.start[v + 1] as usize];
            let ys = y
                .start
                .get(v)
                .zip(y.start.get(v + 1))
                .map_or(&[][..], |(&a, &b)| &y.members[a as usize..b as usize]);
            for &xi in xs {
                for &yj in ys {
                    pairs.push((xi, yj));
                }
            }
        }
        pairs
    }
}

/// Without duplicated keys R's result is simply x's matched rows in order.
fn unique_key_pairs(
    x_keys: &[u32],
    y_keys: &[u32],
    xinds: &[u32],
    key_space: usize,
) -> Vec<(u32, u32)> {
    let mut y_row = vec![u32::MAX; key_space];
    for (j, &k) in y_keys.iter().enumerate() {
        if let Some(slot) = y_row.get_mut(k as usize) {
            *slot = j as u32;
        }
    }
    x_keys
        .iter()
        .zip(xinds)
        .enumerate()
        .filter(|(_, (_, &xi))| xi > 0)
        .map(|(i, (&k, _))| (i as u32, y_row[k as usize]))
        .collect()
}

/// R's `.Internal(merge())` on the index vectors: sort both with the same Shell sort, then
/// pair every x row of a group with every y row of it.
fn grouped_pairs(mut xinds: Vec<u32>, mut yinds: Vec<u32>) -> Vec<(u32, u32)> {
    let mut ix: Vec<u32> = (0..xinds.len() as u32).collect();
    let mut iy: Vec<u32> = (0..yinds.len() as u32).collect();
    shell_sort_with_index(&mut xinds, &mut ix);
    shell_sort_with_index(&mut yinds, &mut iy);
    let nx = xinds.len();
    let ny = yinds.len();
    let mut i = xinds.iter().position(|&v| v > 0).unwrap_or(nx);
    let mut j = yinds.iter().position(|&v| v > 0).unwrap_or(ny);
    let mut pairs = Vec::new();
    while i < nx {
        let key = xinds[i];
        let mut next_i = i;
        while next_i < nx && xinds[next_i] == key {
            next_i += 1;
        }
        while j < ny && yinds[j] < key {
            j += 1;
        }
        let mut next_j = j;
        while next_j < ny && yinds[next_j] == key {
            next_j += 1;
        }
        for &xi in &ix[i..next_i] {
            for &yj in &iy[j..next_j] {
                pairs.push((xi, yj));
            }
        }
        i = next_i;
        j = next_j;
    }
    pairs
}

/// R's `isort_with_index` (util.c): Shell sort with increments 1, 4, 13, ...
fn shell_sort_with_index(x: &mut [u32], index: &mut [u32]) {
    let n = x.len();
    let mut h = 1usize;
    while h <= n / 9 {
        h = 3 * h + 1;
    }
    while h > 0 {
        for i in h..n {
            let v = x[i];
            let iv = index[i];
            let mut j = i;
            while j >= h && x[j - h] > v {
                x[j] = x[j - h];
                index[j] = index[j - h];
                j -= h;
            }
            x[j] = v;
            index[j] = iv;
        }
        h /= 3;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // R 4.2.2: merge(data.frame(SNP=c("b","a","c","a")), data.frame(SNP=c("a","c","b")),
    //                by="SNP", sort=FALSE) gives x rows 1,2,4,3 paired with y rows 3,1,1,2.
    #[test]
    fn duplicated_x_keys_are_grouped_at_first_occurrence() {
        let (a, b, c) = (0, 1, 2);
        let differ = |i: u32, j: u32| i == j;
        let pairs = r_merge(&[b, a, c, a], &[a, c, b], 3, differ, differ);
        assert_eq!(pairs, vec![(0, 2), (1, 0), (3, 0), (2, 1)]);
    }

    const R_ORDER: [u32; 10] = [1, 3, 4, 9, 7, 2, 6, 10, 5, 8];

    #[test]
    fn unmatched_rows_are_dropped_and_order_kept() {
        let pairs = r_merge(&[2, NO_KEY, 0, 1], &[1, 0], 3, |_, _| true, |_, _| true);
        assert_eq!(pairs, vec![(2, 1), (3, 0)]);
    }

    #[test]
    fn duplicated_y_keys_give_all_pairs() {
        let pairs = r_merge(&[0, 1], &[1, 0, 1], 2, |_, _| true, |_, _| true);
        assert_eq!(pairs, vec![(0, 1), (1, 0), (1, 2)]);
        let pairs = r_merge(&[0, 1], &[1, 0, 1], 2, |_, _| true, |i, j| i == j);
        assert_eq!(pairs, vec![(0, 1), (1, 0), (1, 2)]);
    }

    /// Shell sort reorders equal keys: with 10 rows (h = 4, then 1) R gives this order.
    #[test]
    fn shell_sort_order_of_equal_keys_is_r_s() {
        // R 4.2.2: merge(data.frame(SNP = c("z","a","z","z","b","a","z","c","z","a"), i = 1:10),
        //                data.frame(SNP = c("a","b","c","z")), by = "SNP", sort = FALSE)$i
        let keys = [3, 0, 3, 3, 1, 0, 3, 2, 3, 0];
        let pairs = r_merge(&keys, &[0, 1, 2, 3], 4, |i, j| i == j, |_, _| true);
        let order: Vec<u32> = pairs.iter().map(|p| p.0 + 1).collect();
        assert_eq!(order, R_ORDER);
    }
}
