//! A fixed-seed generator and byte-level mutations for the no-panic fuzz tests.

use std::path::PathBuf;

/// xorshift64*: small, fast and reproducible; statistical quality does not matter here.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in 0..n (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Cases per target: `FUZZ_CASES` if set, else `default`.
pub fn cases(default: usize) -> usize {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gsem-fuzz-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Bytes that break readers in different ways: NUL, invalid UTF-8, separators, line ends,
/// signs, exponents, a byte-order mark, compression magic numbers.
const NASTY: &[&[u8]] = &[
    b"\0",
    b"\xff",
    b"\xe9",
    b"\t",
    b",",
    b" ",
    b"\n",
    b"\r\n",
    b"\r",
    b"-",
    b"e",
    b"E999",
    b"NaN",
    b"Inf",
    b"-Inf",
    b"NA",
    b"\xef\xbb\xbf",
    b"BZh9",
    b"\x1f\x8b",
    b"\"",
    b"#",
    b"1e-400",
    b"0",
    b"-1",
    b"99999999999999999999999",
    b"",
    b"..",
    b"\xf0\x9f\x98\x80",
];

/// 1 to 4 random edits: overwrite, insert or delete bytes, splice in a nasty token, truncate,
/// duplicate a line, or replace the whole input by random bytes.
pub fn mutate_bytes(input: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(8) {
            0 if !out.is_empty() => {
                let last = out.len() - 1;
                out[at.min(last)] = rng.next() as u8;
            }
            1 => out.insert(at, rng.next() as u8),
            2 if at < out.len() => {
                let end = (at + 1 + rng.below(16)).min(out.len());
                out.drain(at..end);
            }
            3 | 4 => {
                let token = NASTY[rng.below(NASTY.len())];
                out.splice(at..at, token.iter().copied());
            }
            5 => out.truncate(at),
            6 => {
                let line_end = out[at..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map(|p| at + p + 1);
                if let Some(end) = line_end {
                    let start = out[..at]
                        .iter()
                        .rposition(|&b| b == b'\n')
                        .map_or(0, |p| p + 1);
                    let line = out[start..end].to_vec();
                    out.splice(end..end, line);
                }
            }
            7 if rng.below(8) == 0 => {
                out = (0..rng.below(64)).map(|_| rng.next() as u8).collect();
            }
            _ => {}
        }
    }
    out
}
