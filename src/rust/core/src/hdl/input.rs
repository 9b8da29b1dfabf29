//! What `hdl()` takes and returns, and the shape checks of its input before any fit.

use super::error::HdlError;

/// One LD piece of the reference panel (the objects `LDsc` and `lam` of its .rda file; the
/// eigenvectors `V` stay in R, which projects the effects piece by piece to bound memory).
#[derive(Debug, Clone)]
pub struct Piece {
    pub name: String,
    pub ldsc: Vec<f64>,
    pub lam: Vec<f64>,
}

/// One trait's effects projected on each piece's eigenvectors, `crossprod(V, bhat)` with
/// `bhat = Z / sqrt(N)` aligned to the piece's SNPs (0 where missing).
#[derive(Debug, Clone)]
pub struct TraitEffects {
    pub bstar: Vec<Vec<f64>>,
    /// Per piece: the heritability start (weighted regression slope times M).
    pub start: Vec<f64>,
    /// Median N of the trait's panel SNPs.
    pub n: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HdlMethod {
    Piecewise,
    Jackknife,
}

#[derive(Debug, Clone)]
pub struct HdlInput {
    pub pieces: Vec<Piece>,
    pub traits: Vec<TraitEffects>,
    /// Per trait pair, column-major `k x k`: the smallest N of either trait.
    pub n0: Vec<f64>,
    /// Per trait pair, column-major `k x k`: the correlation of Z over shared SNPs.
    pub rho: Vec<f64>,
    /// Per trait pair `j < d` in cell order, per piece: the genetic-covariance start.
    pub gcov_start: Vec<Vec<f64>>,
    pub nref: f64,
    /// Total panel SNP count (the counter file), the M of genome-wide fits.
    pub m_ref: f64,
    pub method: HdlMethod,
}

#[derive(Debug, Clone)]
pub struct HdlResult {
    /// Column-major `k x k`.
    pub s: Vec<f64>,
    pub i: Vec<f64>,
    /// Column-major `pieces x k(k+1)/2`; cells in GenomicSEM's order (1,1), (1,2), ..., (2,2), ...
    pub v_hold: Vec<f64>,
}

/// Every piece and trait table has the sizes the cell loop indexes by, and finite values.
pub(super) fn validate(input: &HdlInput) -> Result<(), HdlError> {
    for piece in &input.pieces {
        let (m, q) = (piece.ldsc.len(), piece.lam.len());
        let bad = |detail: String| HdlError::PieceShape {
            piece: piece.name.clone(),
            detail,
        };
        if m == 0 || q == 0 {
            return Err(bad(format!("{m} LD scores and {q} eigenvalues")));
        }
        let finite = |x: &[f64]| x.iter().all(|v| v.is_finite());
        if !finite(&piece.ldsc) || !finite(&piece.lam) {
            return Err(bad("it holds missing or non-finite values".into()));
        }
    }
    for (t, tr) in input.traits.iter().enumerate() {
        if !(tr.n.is_finite() && tr.n > 0.0) {
            return Err(HdlError::NotFinite {
                what: format!("The median N of trait {}", t + 1),
            });
        }
        for (piece, bs) in input.pieces.iter().zip(&tr.bstar) {
            if bs.len() != piece.lam.len() {
                return Err(HdlError::EffectsShape {
                    trait_index: t + 1,
                    piece: piece.name.clone(),
                    expected: piece.lam.len(),
                    found: bs.len(),
                });
            }
            if bs.iter().any(|v| !v.is_finite()) {
                return Err(HdlError::NotFinite {
                    what: format!("An effect of trait {} in piece '{}'", t + 1, piece.name),
                });
            }
        }
        if tr.start.len() != input.pieces.len() || tr.bstar.len() != input.pieces.len() {
            return Err(HdlError::EffectsShape {
                trait_index: t + 1,
                piece: "(all)".into(),
                expected: input.pieces.len(),
                found: tr.bstar.len(),
            });
        }
    }
    let k = input.traits.len();
    let pairs = k * k.saturating_sub(1) / 2;
    if input.gcov_start.len() != pairs
        || input
            .gcov_start
            .iter()
            .any(|s| s.len() != input.pieces.len())
    {
        return Err(HdlError::NotFinite {
            what: "The table of covariance starting values".into(),
        });
    }
    if input.n0.len() != k * k || input.rho.len() != k * k {
        return Err(HdlError::NotFinite {
            what: "The pairwise N0/rho table".into(),
        });
    }
    for j in 0..k {
        for d in (j + 1)..k {
            let (n0, rho) = (input.n0[j + d * k], input.rho[j + d * k]);
            if !(n0.is_finite() && n0 >= 0.0 && rho.is_finite()) {
                return Err(HdlError::NotFinite {
                    what: format!(
                        "The overlap N or Z correlation of traits {} and {}",
                        j + 1,
                        d + 1
                    ),
                });
            }
        }
    }
    Ok(())
}
