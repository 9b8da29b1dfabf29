//! Where dosages come from: a PLINK .bed file read variant by variant, or a donors x variants
//! matrix handed over from R (column-major, NaN = missing). Both give the dosages of one
//! variant for a chosen list of genotype rows.

use super::plink::BedReader;
use super::AssociationError;

pub enum GenotypeSource<'a> {
    Bed(BedReader),
    Matrix {
        values: &'a [f64],
        n_samples: usize,
        n_variants: usize,
    },
}

impl GenotypeSource<'_> {
    pub fn n_samples(&self) -> usize {
        match self {
            GenotypeSource::Bed(bed) => bed.n_samples,
            GenotypeSource::Matrix { n_samples, .. } => *n_samples,
        }
    }

    pub fn n_variants(&self) -> usize {
        match self {
            GenotypeSource::Bed(bed) => bed.n_variants,
            GenotypeSource::Matrix { n_variants, .. } => *n_variants,
        }
    }

    /// Check the sizes of a matrix source.
    pub fn check(&self) -> Result<(), AssociationError> {
        if let GenotypeSource::Matrix {
            values,
            n_samples,
            n_variants,
        } = self
        {
            if values.len() != n_samples * n_variants {
                return Err(AssociationError::DimensionMismatch {
                    what: "the length of the dosage matrix (donors x variants)",
                    expected: n_samples * n_variants,
                    found: values.len(),
                });
            }
        }
        Ok(())
    }

    /// Dosages of `variants` (variant j's in `out[j * rows.len()..]`); runs of consecutive
    /// .bed records are read at once.
    pub fn read_many(
        &mut self,
        variants: &[usize],
        rows: &[usize],
        out: &mut [f64],
    ) -> Result<(), AssociationError> {
        let m = rows.len();
        let mut j = 0;
        while j < variants.len() {
            let mut len = 1;
            if let GenotypeSource::Bed(_) = self {
                while j + len < variants.len() && variants[j + len] == variants[j] + len {
                    len += 1;
                }
            }
            let dst = &mut out[j * m..(j + len) * m];
            match self {
                GenotypeSource::Bed(bed) => bed.read_run(variants[j], len, rows, dst)?,
                _ => self.read(variants[j], rows, dst)?,
            }
            j += len;
        }
        Ok(())
    }

    /// Dosages of `variant` for genotype rows `rows` into `out` (NaN = missing).
    pub fn read(
        &mut self,
        variant: usize,
        rows: &[usize],
        out: &mut [f64],
    ) -> Result<(), AssociationError> {
        match self {
            GenotypeSource::Bed(bed) => bed.read(variant, rows, out),
            GenotypeSource::Matrix {
                values,
                n_samples,
                n_variants,
            } => {
                if variant >= *n_variants {
                    return Err(AssociationError::OutOfRange {
                        what: "Variant",
                        index: variant,
                        limit: *n_variants,
                    });
                }
                let column = &values[variant * *n_samples..(variant + 1) * *n_samples];
                for (o, &r) in out.iter_mut().zip(rows) {
                    *o = column.get(r).copied().unwrap_or(f64::NAN);
                }
                Ok(())
            }
        }
    }
}
