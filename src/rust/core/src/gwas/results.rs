//! Preallocated output columns of the GWAS loops, filled SNP by SNP (snp-major for the
//! per-row values) and handed to R as they are.

/// userGWAS results for the table rows in `keep` (table row indices).
#[derive(Debug, Clone, Default)]
pub struct UserColumns {
    pub keep: Vec<usize>,
    /// n_snp x keep.len(), SNP-major.
    pub est: Vec<f64>,
    pub se: Vec<f64>,
    pub q_snp: Vec<f64>,
    pub q_snp_df: Vec<f64>,
    pub chisq: Vec<f64>,
    pub z_smooth: Vec<f64>,
    /// Empty for SNPs that were fitted, else what went wrong.
    pub error: Vec<String>,
}

impl UserColumns {
    pub fn new(n: usize, keep: Vec<usize>) -> UserColumns {
        let m = n * keep.len();
        UserColumns {
            keep,
            est: vec![f64::NAN; m],
            se: vec![f64::NAN; m],
            q_snp: vec![f64::NAN; m],
            q_snp_df: vec![f64::NAN; m],
            chisq: vec![f64::NAN; n],
            z_smooth: vec![0.0; n],
            error: vec![String::new(); n],
        }
    }

    /// Appends another chunk's columns (same `keep`).
    pub fn append(&mut self, other: UserColumns) {
        self.est.extend(other.est);
        self.se.extend(other.se);
        self.q_snp.extend(other.q_snp);
        self.q_snp_df.extend(other.q_snp_df);
        self.chisq.extend(other.chisq);
        self.z_smooth.extend(other.z_smooth);
        self.error.extend(other.error);
    }
}

/// commonfactorGWAS results: one row per SNP.
#[derive(Debug, Clone, Default)]
pub struct CommonColumns {
    pub est: Vec<f64>,
    pub se_c: Vec<f64>,
    pub q: Vec<f64>,
    pub z_smooth: Vec<f64>,
    pub fail: Vec<String>,
}

impl CommonColumns {
    pub fn new(n: usize) -> CommonColumns {
        CommonColumns {
            est: vec![f64::NAN; n],
            se_c: vec![f64::NAN; n],
            q: vec![f64::NAN; n],
            z_smooth: vec![0.0; n],
            fail: vec![String::new(); n],
        }
    }

    pub fn append(&mut self, other: CommonColumns) {
        self.est.extend(other.est);
        self.se_c.extend(other.se_c);
        self.q.extend(other.q);
        self.z_smooth.extend(other.z_smooth);
        self.fail.extend(other.fail);
    }
}
