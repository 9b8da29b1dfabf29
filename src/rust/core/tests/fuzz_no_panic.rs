//! Generated inputs for the model-syntax parser and the file readers: whatever the input, the
//! outcome is a value or a classed error, never a panic (a panic would reach R users as an
//! internal error). `FUZZ_CASES` sets the cases per target: the default keeps `cargo test`
//! fast, `make fuzz` runs many more. Inputs come from a fixed-seed generator, so a failure
//! names a case that can be replayed.

mod fuzz_support;
mod sem_common;

use fuzz_support::{cases, mutate_bytes, scratch, Rng};
use gsem_core::error::Classed;
use gsem_core::io::{Record, TableReader};
use gsem_core::ldsc::{ldsc, ChromosomeSelection, LdscOptions};
use gsem_core::munge::{munge_file, MungeOptions, Reference};
use gsem_core::parallel::CancelToken;
use gsem_core::sem::{usermodel, Estimator, UsermodelOptions};
use gsem_core::single_cell::grm::{read_gcta_grm, read_sparse_grm};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

/// Runs `f` on `n` generated cases; fails listing the cases that panicked.
fn no_panics(target: &str, n: usize, mut f: impl FnMut(&mut Rng, usize) -> Option<String>) {
    let mut rng = Rng::new(0x5eed_0000 + target.len() as u64);
    let (mut errors, mut panics) = (0usize, Vec::new());
    for case in 0..n {
        match catch_unwind(AssertUnwindSafe(|| f(&mut rng, case))) {
            Ok(Some(_class)) => errors += 1,
            Ok(None) => {}
            Err(_) => panics.push(case),
        }
    }
    println!(
        "fuzz {target}: {n} cases, {errors} classed errors, {} panics",
        panics.len()
    );
    assert!(panics.is_empty(), "{target}: cases {panics:?} panicked");
}

const MODEL_TOKENS: &[&str] = &[
    "F1",
    "F2",
    "T1",
    "T2",
    "T3",
    "T4",
    "T5",
    "a",
    "b",
    "SNP",
    "=~",
    "~",
    "~~",
    ":=",
    "==",
    "<",
    ">",
    "*",
    "+",
    "-",
    "/",
    "^",
    "NA",
    "1",
    "0",
    "0.5",
    "-2",
    "1e400",
    "(",
    ")",
    "#",
    "\n",
    ";",
    " ",
    "start(",
    "c(",
    ",",
    "\"",
    "é",
    "\0",
    "\t",
    "=",
    "~*~",
    "<~",
    "|",
    "x1",
    "F1 =~ NA*T1",
];

fn random_model(rng: &mut Rng) -> String {
    if rng.below(4) == 0 {
        // Valid-looking lines with one token changed.
        let base = [
            "F1 =~ NA*T1 + T2 + T3 + T4 + T5",
            "F1 ~~ 1*F1",
            "F2 =~ NA*T4 + a*T5",
            "F1 ~~ F2",
            "a > 0.1",
            "b := a*2",
            "T1 ~~ b*T1",
            "a == b",
        ];
        let mut lines: Vec<String> = (0..1 + rng.below(5))
            .map(|_| base[rng.below(base.len())].to_owned())
            .collect();
        let at = rng.below(lines.len());
        let token = MODEL_TOKENS[rng.below(MODEL_TOKENS.len())];
        let line = &mut lines[at];
        let cut = line
            .char_indices()
            .map(|(i, _)| i)
            .nth(rng.below(line.chars().count() + 1))
            .unwrap_or(line.len());
        line.insert_str(cut, token);
        lines.join("\n")
    } else {
        (0..rng.below(30))
            .map(|_| MODEL_TOKENS[rng.below(MODEL_TOKENS.len())])
            .collect::<Vec<_>>()
            .join(if rng.below(2) == 0 { " " } else { "" })
    }
}

#[test]
fn model_syntax_never_panics() {
    let (s, names, v) = sem_common::ldsc();
    let options = UsermodelOptions {
        estimation: Estimator::Dwls,
        std_lv: false,
        fix_resid: true,
        toler: None,
    };
    no_panics("model syntax", cases(1000), |rng, _| {
        let model = random_model(rng);
        usermodel(&s, &names, &v, &model, options)
            .err()
            .map(|e| e.class().to_owned())
    });
}

const RAW_GWAS: &str = "SNP\tA1\tA2\tBETA\tSE\tP\tN\tINFO\tMAF\n\
rs7620941\tC\tA\t0.01\t0.01\t0.5\t1000\t0.95\t0.2\n\
rs23504392\tA\tC\t-0.02\t0.01\t1e-400\t1000\t0.99\t0.3\n\
rs30966875\tT\tG\t0.03\t0.01\t0.01\t1000\t0.91\t0.4\n\
rs48322719\tC\tT\t0.001\t0.01\t0.9\t1000\t0.97\t0.1\n";

const HM3: &str = "SNP A1 A2\nrs7620941 C A\nrs23504392 A C\nrs30966875 T G\nrs48322719 C T\n";

#[test]
fn munge_and_table_reader_never_panic() {
    let dir = scratch("munge");
    std::fs::write(dir.join("hm3.txt"), HM3).unwrap();
    let hm3 = Reference::read(&dir.join("hm3.txt"), false).unwrap();
    let options = MungeOptions {
        n: None,
        info_filter: 0.9,
        maf_filter: 0.01,
        column_names: Vec::new(),
    };
    let cancel = CancelToken::new();
    no_panics("munge file", cases(1500), |rng, case| {
        let path = dir.join(format!("raw{}.txt", case % 4));
        std::fs::write(&path, mutate_bytes(RAW_GWAS.as_bytes(), rng)).unwrap();
        read_all(&path);
        munge_file(&path, "raw.txt", &hm3, "hm3.txt", &options, &cancel)
            .err()
            .map(|e| e.class().to_owned())
    });
}

fn read_all(path: &Path) {
    if let Ok(mut reader) = TableReader::open(path) {
        let mut record = Record::default();
        while let Ok(true) = reader.next_record(&mut record) {
            for i in 0..record.len() {
                let _ = record.get(i);
            }
        }
    }
}

fn edge_data() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/ldsc/edge")
}

#[test]
fn ldsc_trait_files_never_panic() {
    let dir = scratch("ldsc");
    let mut text = String::new();
    let file = std::fs::File::open(edge_data().join("E1.sumstats.gz")).unwrap();
    std::io::Read::read_to_string(&mut flate2::read::MultiGzDecoder::new(file), &mut text).unwrap();
    let cancel = CancelToken::new();
    no_panics("ldsc trait file", cases(300), |rng, _| {
        let path = dir.join("E1.sumstats");
        std::fs::write(&path, mutate_bytes(text.as_bytes(), rng)).unwrap();
        let mut o = LdscOptions::new(vec![path], edge_data().join("ld"), edge_data().join("wld"));
        o.sample_prev = vec![None];
        o.population_prev = vec![None];
        o.chr = 3;
        o.n_blocks = 10;
        o.select = ChromosomeSelection::All;
        ldsc(&o, &cancel).err().map(|e| e.class().to_owned())
    });
}

#[test]
fn grm_readers_never_panic() {
    let dir = scratch("grm");
    let ids = "F1 D1\nF2 D2\nF3 D3\n";
    let mut matrix = Vec::new();
    for v in [1.0f32, 0.1, 1.0, -0.05, 0.2, 1.0] {
        matrix.extend_from_slice(&v.to_le_bytes());
    }
    let mtx = "%%MatrixMarket matrix coordinate real symmetric\n3 3 4\n1 1 1.0\n2 2 1.0\n3 3 1.0\n2 1 0.1\n";
    no_panics("GRM files", cases(1500), |rng, _| {
        let prefix = dir.join("g");
        // One file of the four is mutated, so that each reader also sees valid partners.
        let which = rng.below(4);
        let files: [(&str, &[u8]); 4] = [
            ("g.grm.id", ids.as_bytes()),
            ("g.grm.bin", &matrix),
            ("s.mtx", mtx.as_bytes()),
            ("s.ids", b"D1\nD2\nD3\n"),
        ];
        for (i, (name, valid)) in files.iter().enumerate() {
            let bytes = if i == which {
                mutate_bytes(valid, rng)
            } else {
                valid.to_vec()
            };
            std::fs::write(dir.join(name), bytes).unwrap();
        }
        let a = read_gcta_grm(&prefix).err().map(|e| e.class().to_owned());
        let b = read_sparse_grm(&dir.join("s.mtx"), &dir.join("s.ids"))
            .err()
            .map(|e| e.class().to_owned());
        a.or(b)
    });
}
