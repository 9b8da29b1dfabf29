//! One S_Full and V_Full holding several SNPs (or genes) in LD together with the traits, as
//! GenomicSEM's `multiSNP()` and `multiGene()` build them for `usermodel()`.
//!
//! Variables are ordered SNP 1..f, then the k traits; V_Full follows vech(S_Full). With
//! D_ax = SE_ax I_xx var_a (intercepts as in GC = "conserv", diagonal clamped at 1):
//! * SNP-SNP entries of S: LD_ab sqrt(var_a var_b), fixed (sampling variance `var_se2`);
//! * SNP-trait entries: var_a beta_ax, sampling covariance D_ax D_ay I_xy within a SNP and
//!   D_ax D_bx LD_ab within a trait;
//! * across SNPs and traits GenomicSEM fills sqrt(V_uu V_qq) c_w LD_last, with c_w cycling
//!   over the off-diagonal intercepts (column-major, those < 1) in the order of the V rows and
//!   LD_last the last lower-triangle LD value, for every SNP pair. Reproduced as is.
//! * `multiGene()` additionally takes the SE product of its within-gene cross-trait terms
//!   from the upper-triangle pairs in column-major order while walking them row-major
//!   (reproduced; the intercept used is the right one).
//!
//! S_Full and V_Full are replaced by `nearPD()` when their smallest eigenvalue is <= 0.

use nalgebra::DMatrix;

use crate::sem::nearpd::{min_eigenvalue, nearpd};
use crate::sem::SemError;

/// The joint inputs: f SNPs (or genes) and k traits.
#[derive(Debug, Clone)]
pub struct MultiInput<'a> {
    pub s_ld: &'a DMatrix<f64>,
    pub v_ld: &'a DMatrix<f64>,
    pub intercepts: &'a DMatrix<f64>,
    /// f x f correlations, signs already aligned with the SNPs' A1.
    pub ld: &'a DMatrix<f64>,
    /// Per SNP: 2 MAF (1 - MAF), or the gene's HSQ.
    pub var: &'a [f64],
    /// f x k.
    pub beta: &'a DMatrix<f64>,
    pub se: &'a DMatrix<f64>,
    pub var_se2: f64,
    /// `multiGene()`'s pairing of SEs in the within-gene cross-trait terms.
    pub gene_pairing: bool,
}

#[derive(Debug, Clone)]
pub struct MultiFull {
    pub s_full: DMatrix<f64>,
    pub v_full: DMatrix<f64>,
    pub s_smoothed: bool,
    pub v_smoothed: bool,
}

/// 0-based position of S[r, c] (r >= c) in vech order for an n x n matrix:
/// sum_{j<c} (n - j) + (r - c).
fn vech_pos(n: usize, r: usize, c: usize) -> usize {
    c * n - c * c.saturating_sub(1) / 2 + (r - c)
}

fn check(input: &MultiInput<'_>) -> Result<(usize, usize), SemError> {
    let (f, k) = (input.var.len(), input.s_ld.nrows());
    let kst = k * (k + 1) / 2;
    let bad = |what: &str| {
        Err(SemError::BadInput {
            what: what.to_string(),
        })
    };
    if f == 0 || k == 0 {
        return bad("multiSNP needs at least one SNP and one trait");
    }
    if input.ld.shape() != (f, f) || input.beta.shape() != (f, k) || input.se.shape() != (f, k) {
        return bad("the LD matrix, betas and SEs must match the number of SNPs and traits");
    }
    if input.v_ld.shape() != (kst, kst) || input.intercepts.shape() != (k, k) {
        return bad("covstruc's V and I do not match its S");
    }
    let all = input
        .ld
        .iter()
        .chain(input.beta.iter())
        .chain(input.se.iter())
        .chain(input.var.iter())
        .chain(input.intercepts.iter())
        .chain(input.s_ld.iter())
        .chain(input.v_ld.iter());
    if all.copied().any(|x| !x.is_finite()) {
        return bad(
            "the SNPs' betas, SEs and variances, the LD matrix and covstruc must all be finite",
        );
    }
    if min_eigenvalue(input.ld) <= 0.0 {
        return Err(SemError::NotPositiveDefinite {
            what: "LD matrix `LD`".to_string(),
        });
    }
    Ok((f, k))
}

/// Builds S_Full and V_Full (see the module docs).
pub fn build_multi(input: &MultiInput<'_>) -> Result<MultiFull, SemError> {
    let (f, k) = check(input)?;
    let n = f + k;
    let p = n * (n + 1) / 2;
    let mut icept = input.intercepts.clone();
    for x in 0..k {
        icept[(x, x)] = icept[(x, x)].max(1.0);
    }
    let d = DMatrix::from_fn(f, k, |a, x| input.se[(a, x)] * icept[(x, x)] * input.var[a]);

    let mut s = DMatrix::zeros(n, n);
    for a in 0..f {
        for b in 0..f {
            s[(a, b)] = if a == b {
                input.var[a]
            } else {
                input.ld[(a, b)] * input.var[a].sqrt() * input.var[b].sqrt()
            };
        }
        for x in 0..k {
            let cov = input.var[a] * input.beta[(a, x)];
            s[(f + x, a)] = cov;
            s[(a, f + x)] = cov;
        }
    }
    for x in 0..k {
        for y in 0..k {
            s[(f + x, f + y)] = input.s_ld[(x, y)];
        }
    }

    let mut v = DMatrix::zeros(p, p);
    let pos = |r: usize, c: usize| vech_pos(n, r.max(c), r.min(c));
    for a in 0..f {
        for b in a..f {
            let i = pos(b, a);
            v[(i, i)] = input.var_se2;
        }
    }
    // Owner SNP and trait of each SNP-trait element of vech(S_Full).
    let mut owner: Vec<Option<(usize, usize)>> = vec![None; p];
    for a in 0..f {
        for x in 0..k {
            owner[pos(f + x, a)] = Some((a, x));
        }
    }
    let upper_col_major: Vec<(usize, usize)> =
        (1..k).flat_map(|y| (0..y).map(move |x| (x, y))).collect();
    let mut within = 0usize;
    for a in 0..f {
        for x in 0..k {
            for y in x..k {
                let value = if x == y {
                    d[(a, x)] * d[(a, x)]
                } else {
                    let (sx, sy) = if input.gene_pairing {
                        upper_col_major[within % upper_col_major.len()]
                    } else {
                        (x, y)
                    };
                    within += 1;
                    d[(a, sx)] * d[(a, sy)] * icept[(y, x)]
                };
                let (i, j) = (pos(f + x, a), pos(f + y, a));
                v[(i, j)] = value;
                v[(j, i)] = value;
            }
            for b in (a + 1)..f {
                let value = d[(a, x)] * d[(b, x)] * input.ld[(b, a)];
                let (i, j) = (pos(f + x, a), pos(f + x, b));
                v[(i, j)] = value;
                v[(j, i)] = value;
            }
        }
    }
    cross_snp_cross_trait(input.ld, &icept, &owner, &mut v);
    let kst = k * (k + 1) / 2;
    for r in 0..kst {
        for c in 0..kst {
            v[(p - kst + r, p - kst + c)] = input.v_ld[(r, c)];
        }
    }

    let mut out = MultiFull {
        s_full: s,
        v_full: v,
        s_smoothed: false,
        v_smoothed: false,
    };
    if min_eigenvalue(&out.s_full) <= 0.0 {
        out.s_full = nearpd(&out.s_full)?.mat;
        out.s_smoothed = true;
    }
    if min_eigenvalue(&out.v_full) <= 0.0 {
        out.v_full = nearpd(&out.v_full)?.mat;
        out.v_smoothed = true;
    }
    Ok(out)
}

/// GenomicSEM's cross-SNP cross-trait terms (module docs), in its fill order.
fn cross_snp_cross_trait(
    ld: &DMatrix<f64>,
    icept: &DMatrix<f64>,
    owner: &[Option<(usize, usize)>],
    v: &mut DMatrix<f64>,
) {
    let f = ld.nrows();
    if f < 2 {
        return;
    }
    let last = ld[(f - 1, f - 2)];
    let cycle: Vec<f64> = icept.iter().copied().filter(|&c| c < 1.0).collect();
    let mut w = 0usize;
    for u in 0..owner.len() {
        let Some((au, xu)) = owner[u] else { continue };
        for q in 0..u {
            let Some((aq, xq)) = owner[q] else { continue };
            if au == aq || xu == xq {
                continue;
            }
            let c = if cycle.is_empty() {
                0.0
            } else {
                cycle[w % cycle.len()]
            };
            w += 1;
            let value = (v[(u, u)] * v[(q, q)]).sqrt() * c * last;
            v[(u, q)] = value;
            v[(q, u)] = value;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vech_positions_are_column_major_lower() {
        let n = 4;
        let mut expected = 0;
        for c in 0..n {
            for r in c..n {
                assert_eq!(vech_pos(n, r, c), expected);
                expected += 1;
            }
        }
    }
}

#[cfg(test)]
mod build_tests {
    use super::*;

    #[test]
    fn two_snps_in_ld_fill_s_and_the_within_trait_terms() {
        let s_ld = DMatrix::from_row_slice(2, 2, &[0.3, 0.1, 0.1, 0.2]);
        let v_ld = DMatrix::from_diagonal(&nalgebra::DVector::from_vec(vec![1e-3, 5e-4, 1e-3]));
        let icept = DMatrix::from_row_slice(2, 2, &[1.1, 0.05, 0.05, 1.0]);
        let ld = DMatrix::from_row_slice(2, 2, &[1.0, -0.5, -0.5, 1.0]);
        let var = [0.3, 0.4];
        let beta = DMatrix::from_row_slice(2, 2, &[0.01, 0.02, -0.01, 0.03]);
        let se = DMatrix::from_row_slice(2, 2, &[0.01, 0.01, 0.02, 0.02]);
        let input = MultiInput {
            s_ld: &s_ld,
            v_ld: &v_ld,
            intercepts: &icept,
            ld: &ld,
            var: &var,
            beta: &beta,
            se: &se,
            var_se2: 2.5e-7,
            gene_pairing: false,
        };
        let out = build_multi(&input).unwrap();
        let s = &out.s_full;
        assert!((s[(1, 0)] + 0.5 * (0.3f64 * 0.4).sqrt()).abs() < 1e-15);
        assert!((s[(2, 1)] - 0.4 * -0.01).abs() < 1e-15);
        // vech positions in a 4 x 4 S: (2,0) = 2, (2,1) = 5.
        let d = |a: usize, x: usize| se[(a, x)] * icept[(x, x)] * var[a];
        assert!((out.v_full[(2, 5)] - d(0, 0) * d(1, 0) * -0.5).abs() < 1e-18);
        assert!((out.v_full[(2, 2)] - d(0, 0).powi(2)).abs() < 1e-18);
        assert!(!out.v_smoothed);
    }

    #[test]
    fn non_positive_definite_ld_is_refused() {
        let s_ld = DMatrix::identity(1, 1);
        let v_ld = DMatrix::identity(1, 1);
        let ld = DMatrix::from_row_slice(2, 2, &[1.0, 1.5, 1.5, 1.0]);
        let m = DMatrix::from_element(2, 1, 0.01);
        let input = MultiInput {
            s_ld: &s_ld,
            v_ld: &v_ld,
            intercepts: &s_ld,
            ld: &ld,
            var: &[0.3, 0.3],
            beta: &m,
            se: &m,
            var_se2: 1e-6,
            gene_pairing: false,
        };
        assert!(matches!(
            build_multi(&input),
            Err(SemError::NotPositiveDefinite { .. })
        ));
    }
}
