//! Shared loaders for the single-cell reference data (tests/data/single_cell, copied from the
//! project's reference folder shared/reference/single_cell).
#![allow(dead_code)]

use gsem_core::io::{Record, TableReader};
use gsem_core::single_cell::grm::{read_gcta_grm, Grm};
use std::collections::HashMap;
use std::path::PathBuf;

pub fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/single_cell")
        .join(name)
}

/// A TSV as header + rows of strings.
pub fn read_table(name: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = TableReader::open(&data(name)).unwrap();
    let header = reader.header().to_vec();
    let mut record = Record::default();
    let mut rows = Vec::new();
    while reader.next_record(&mut record).unwrap() {
        rows.push(
            (0..record.len())
                .map(|i| record.get(i).unwrap().to_owned())
                .collect(),
        );
    }
    (header, rows)
}

/// Rows keyed by the first column, as column-name -> value maps.
pub fn read_keyed(name: &str) -> HashMap<String, HashMap<String, String>> {
    let (header, rows) = read_table(name);
    rows.into_iter()
        .map(|row| {
            let map = header.iter().cloned().zip(row.iter().cloned()).collect();
            (row[0].clone(), map)
        })
        .collect()
}

pub fn num(s: &str) -> f64 {
    if s == "NA" {
        f64::NAN
    } else {
        s.parse().unwrap()
    }
}

pub fn grm() -> Grm {
    read_gcta_grm(&data("grm")).unwrap()
}

pub const TERMS: [&str; 8] = [
    "(Intercept)",
    "age",
    "sex",
    "PC1",
    "PC2",
    "cell_typetypeB",
    "cell_typetypeC",
    "log_libsize",
];

/// Cells: donor index (in the GRM's order) and the design of the README's R formula
/// `~ age + sex + PC1 + PC2 + cell_type + log_libsize` (n x 8, column-major).
pub struct Cells {
    pub donor_of_cell: Vec<usize>,
    pub n_donors: usize,
    pub design: Vec<f64>,
    pub names: Vec<String>,
    pub n: usize,
}

pub fn cells() -> Cells {
    let grm = grm();
    let donor_index: HashMap<&str, usize> = grm
        .individual_ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    let (header, rows) = read_table("cells.tsv.gz");
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let n = rows.len();
    let mut design = vec![0.0; n * 8];
    let mut donor_of_cell = Vec::with_capacity(n);
    for (i, row) in rows.iter().enumerate() {
        donor_of_cell.push(donor_index[row[col("donor_id")].as_str()]);
        let cell_type = row[col("cell_type")].as_str();
        let values = [
            1.0,
            num(&row[col("age")]),
            num(&row[col("sex")]),
            num(&row[col("PC1")]),
            num(&row[col("PC2")]),
            (cell_type == "typeB") as i32 as f64,
            (cell_type == "typeC") as i32 as f64,
            num(&row[col("log_libsize")]),
        ];
        for (j, v) in values.iter().enumerate() {
            design[i + j * n] = *v;
        }
    }
    Cells {
        donor_of_cell,
        n_donors: grm.n(),
        design,
        names: TERMS.iter().map(|s| s.to_string()).collect(),
        n,
    }
}

/// Expression: gene ids and a genes x cells column-major matrix (NaN for NA).
pub fn expression(name: &str) -> (Vec<String>, Vec<f64>, usize) {
    let (header, rows) = read_table(name);
    let n_cells = header.len() - 1;
    let n_genes = rows.len();
    let mut values = vec![0.0; n_genes * n_cells];
    for (g, row) in rows.iter().enumerate() {
        for i in 0..n_cells {
            values[g + i * n_genes] = num(&row[i + 1]);
        }
    }
    (rows.iter().map(|r| r[0].clone()).collect(), values, n_cells)
}

pub fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs()
}
