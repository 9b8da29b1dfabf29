//! A fast 128-bit fingerprint of a vector of doubles, for checkpoint folders: equal inputs
//! give equal fingerprints (bit for bit), and any change of a value or of the length changes
//! it with overwhelming probability. Not cryptographic; it guards against mixing two runs,
//! not against an adversary. Chunks are hashed in parallel on the caller's pool and combined
//! in order, so the result does not depend on the number of threads.

use rayon::prelude::*;

const CHUNK: usize = 1 << 16;
const K1: u64 = 0x9e37_79b9_7f4a_7c15;
const K2: u64 = 0xc2b2_ae3d_27d4_eb4f;

/// splitmix64's finaliser: every input bit affects every output bit.
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

fn hash_chunk(values: &[f64]) -> (u64, u64) {
    let (mut a, mut b) = (K1, K2);
    for v in values {
        let w = v.to_bits();
        a = (a ^ w).wrapping_mul(K2).rotate_left(29);
        b = b.wrapping_add(w).wrapping_mul(K1).rotate_left(37) ^ a;
    }
    (mix(a), mix(b ^ values.len() as u64))
}

/// The fingerprint of `values`, as 32 hexadecimal digits.
pub fn fingerprint_doubles(values: &[f64]) -> String {
    let chunks: Vec<(u64, u64)> = values.par_chunks(CHUNK).map(hash_chunk).collect();
    let (mut a, mut b) = (mix(values.len() as u64 ^ K1), mix(values.len() as u64 ^ K2));
    for (i, (x, y)) in chunks.into_iter().enumerate() {
        a = mix(a ^ x ^ (i as u64).wrapping_mul(K1));
        b = mix(b.wrapping_add(y) ^ (i as u64).wrapping_mul(K2));
    }
    format!("{a:016x}{b:016x}")
}

#[cfg(test)]
mod tests {
    use super::fingerprint_doubles;

    #[test]
    fn equal_inputs_agree_and_any_change_shows() {
        let x: Vec<f64> = (0..200_000).map(|i| (i as f64).sin()).collect();
        let base = fingerprint_doubles(&x);
        assert_eq!(base, fingerprint_doubles(&x.clone()));
        let mut y = x.clone();
        y[150_000] = f64::from_bits(y[150_000].to_bits() ^ 1); // one bit of one value
        assert_ne!(base, fingerprint_doubles(&y));
        assert_ne!(base, fingerprint_doubles(&x[..199_999]));
        let mut swapped = x.clone();
        swapped.swap(10, 70_000); // values moved between chunks
        assert_ne!(base, fingerprint_doubles(&swapped));
        assert_ne!(fingerprint_doubles(&[0.0]), fingerprint_doubles(&[-0.0]));
        assert_ne!(fingerprint_doubles(&[]), fingerprint_doubles(&[0.0]));
    }
}
