//! Aligning a file's alleles to the reference, with R's three-valued logic: a missing allele
//! makes a comparison NA, `FALSE & NA` is FALSE, and `subset()` drops rows whose condition is
//! NA, so the counts in the log (A1 step versus A2 step) come out as GenomicSEM's.

/// A file's alleles as small codes into a table of upper-cased names: A, C, G and T are
/// 0..3, other alleles (kept only with `keep_other`, as sumstats' `keep.indel`) follow, and
/// [`AlleleColumn::MISSING`] is NA. Without `keep_other` anything but A, C, G or T is missing
/// (GenomicSEM's `factor(toupper(x), c("A", "C", "G", "T"))`).
#[derive(Debug, Clone)]
pub struct AlleleColumn {
    pub codes: Vec<u32>,
    names: Vec<String>,
    keep_other: bool,
}

impl AlleleColumn {
    pub const MISSING: u32 = u32::MAX;

    pub fn new(keep_other: bool) -> Self {
        let names = ["A", "C", "G", "T"].map(str::to_owned).to_vec();
        AlleleColumn {
            codes: Vec::new(),
            names,
            keep_other,
        }
    }

    pub fn push(&mut self, text: Option<&str>) {
        let code = match text.map(str::as_bytes) {
            None => Self::MISSING,
            Some([b]) if b"ACGTacgt".contains(b) => match b.to_ascii_uppercase() {
                b'A' => 0,
                b'C' => 1,
                b'G' => 2,
                _ => 3,
            },
            Some(_) if !self.keep_other => Self::MISSING,
            Some(_) => {
                let upper = text.unwrap_or_default().to_uppercase();
                match self.names.iter().position(|n| *n == upper) {
                    Some(i) => i as u32,
                    None => {
                        self.names.push(upper);
                        (self.names.len() - 1) as u32
                    }
                }
            }
        };
        self.codes.push(code);
    }

    pub fn get(&self, row: usize) -> Option<&str> {
        self.names.get(self.codes[row] as usize).map(String::as_str)
    }
}

/// What alignment decides for one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alignment {
    /// Keep the row; flip the effect's sign if `Some(true)`, make it missing if `None`.
    Keep { flip: Option<bool> },
    /// The file's A1 matches neither reference allele.
    DropA1,
    /// The file's A2 matches neither reference allele.
    DropA2,
}

fn ne(x: &str, y: Option<&str>) -> Option<bool> {
    y.map(|y| x != y)
}

fn and(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

/// Align file alleles (`a1`, `a2`, possibly missing) to the reference pair (`r1`, `r2`).
pub fn align(r1: &str, r2: &str, a1: Option<&str>, a2: Option<&str>) -> Alignment {
    // ifelse(A1.x != A1.y & A1.x == A2.y, -effect, effect)
    let flip = and(ne(r1, a1), ne(r1, a2).map(|b| !b));
    // subset(!(A1.x != A1.y & A1.x != A2.y)): dropped unless the condition is FALSE
    if and(ne(r1, a1), ne(r1, a2)) != Some(false) {
        return Alignment::DropA1;
    }
    if and(ne(r2, a2), ne(r2, a1)) != Some(false) {
        return Alignment::DropA2;
    }
    Alignment::Keep { flip }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching_and_swapped_alleles() {
        assert_eq!(
            align("A", "G", Some("A"), Some("G")),
            Alignment::Keep { flip: Some(false) }
        );
        assert_eq!(
            align("A", "G", Some("G"), Some("A")),
            Alignment::Keep { flip: Some(true) }
        );
        assert_eq!(align("A", "G", Some("C"), Some("T")), Alignment::DropA1);
        assert_eq!(align("A", "G", Some("A"), Some("T")), Alignment::DropA2);
    }

    #[test]
    fn a_missing_allele_follows_r_logic() {
        // A1 missing, A2 equal to the reference A1: the A1 condition is `NA & FALSE` = FALSE
        // (kept), but the A2 condition is `TRUE & NA` = NA, which subset() drops.
        assert_eq!(align("A", "G", None, Some("A")), Alignment::DropA2);
        // A1 missing, A2 equal to the reference A2: the A1 condition is `NA & TRUE` = NA.
        assert_eq!(align("A", "G", None, Some("G")), Alignment::DropA1);
        let mut strict = AlleleColumn::new(false);
        let mut lenient = AlleleColumn::new(true);
        for a in [Some("a"), Some("AT"), None, Some("at")] {
            strict.push(a);
            lenient.push(a);
        }
        assert_eq!(
            (0..4).map(|i| strict.get(i)).collect::<Vec<_>>(),
            [Some("A"), None, None, None]
        );
        assert_eq!(
            (0..4).map(|i| lenient.get(i)).collect::<Vec<_>>(),
            [Some("A"), Some("AT"), None, Some("AT")]
        );
    }
}
