//! What a GWAS run is given: the genetic covariance structure from ldsc, per-SNP effect sizes
//! and standard errors, and GenomicSEM's options.

use nalgebra::DMatrix;

use crate::sem::{Estimator, SemError};

/// How the LDSC intercepts inflate the SNP sampling covariance (GenomicSEM's `GC`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GcMode {
    /// SE x sqrt(intercept).
    Standard,
    /// SE x intercept.
    Conserv,
    /// SE as given (cross-trait intercepts still enter the covariances).
    None,
}

impl std::str::FromStr for GcMode {
    type Err = SemError;

    fn from_str(s: &str) -> Result<GcMode, SemError> {
        match s {
            "standard" => Ok(GcMode::Standard),
            "conserv" => Ok(GcMode::Conserv),
            "none" => Ok(GcMode::None),
            other => Err(SemError::BadInput {
                what: format!(
                    "`GC` must be \"standard\", \"conserv\" or \"none\", not \"{other}\""
                ),
            }),
        }
    }
}

impl GcMode {
    /// The factor g(I_xx) that multiplies a trait's SE.
    pub fn scale(self, intercept: f64) -> f64 {
        match self {
            GcMode::Standard => intercept.sqrt(),
            GcMode::Conserv => intercept,
            GcMode::None => 1.0,
        }
    }
}

/// ldsc's output: genetic covariance S (k x k), its sampling covariance V (k(k+1)/2 square,
/// vech order) and the intercept matrix I (k x k), with the trait names.
#[derive(Debug, Clone)]
pub struct CovStruc {
    pub s: DMatrix<f64>,
    pub v: DMatrix<f64>,
    pub i: DMatrix<f64>,
    pub names: Vec<String>,
}

impl CovStruc {
    pub fn k(&self) -> usize {
        self.names.len()
    }

    pub fn validate(&self) -> Result<(), SemError> {
        let k = self.k();
        let kst = k * (k + 1) / 2;
        if k == 0
            || self.s.shape() != (k, k)
            || self.i.shape() != (k, k)
            || self.v.shape() != (kst, kst)
        {
            return Err(SemError::BadInput {
                what: format!(
                    "covstruc must hold S and I of {k} x {k} and V of {kst} x {kst} for {k} traits"
                ),
            });
        }
        if self.s.iter().chain(self.v.iter()).any(|x| !x.is_finite()) {
            return Err(SemError::BadInput {
                what: "covstruc's S and V must not contain missing or infinite values".into(),
            });
        }
        Ok(())
    }
}

/// Per-SNP inputs as columns: `beta` and `se` are n x k column-major (trait x in column x),
/// `var_snp` the SNP variance 2 MAF (1 - MAF) (or the gene's heritability in TWAS mode).
#[derive(Debug, Clone, Copy)]
pub struct SnpColumns<'a> {
    pub beta: &'a [f64],
    pub se: &'a [f64],
    pub var_snp: &'a [f64],
}

impl<'a> SnpColumns<'a> {
    pub fn n(&self) -> usize {
        self.var_snp.len()
    }

    pub fn validate(&self, k: usize) -> Result<(), SemError> {
        let n = self.n();
        if self.beta.len() != n * k || self.se.len() != n * k {
            return Err(SemError::BadInput {
                what: format!("expected {k} beta and SE columns of {n} SNPs"),
            });
        }
        Ok(())
    }

    pub fn beta(&self, snp: usize, trait_index: usize) -> f64 {
        self.beta[trait_index * self.n() + snp]
    }

    pub fn se(&self, snp: usize, trait_index: usize) -> f64 {
        self.se[trait_index * self.n() + snp]
    }
}

/// GenomicSEM's options shared by both GWAS functions.
#[derive(Debug, Clone, Copy)]
pub struct GwasOptions {
    pub estimator: Estimator,
    pub gc: GcMode,
    /// Sampling variance of the SNP variance (0.0005^2 unless `SNPSE` is given).
    pub var_snp_se2: f64,
    /// R's `solve(tol = toler)`: the bread is refused when its reciprocal condition number
    /// is below this.
    pub toler: f64,
    pub smooth_check: bool,
    pub std_lv: bool,
    pub fix_measurement: bool,
    pub q_snp: bool,
    /// Genes (TWAS) instead of SNPs: the variable is called `Gene` in the model.
    pub twas: bool,
}

impl GwasOptions {
    /// The name of the SNP's variable in models and in S_Full.
    pub fn snp_name(&self) -> &'static str {
        if self.twas {
            "Gene"
        } else {
            "SNP"
        }
    }
}
