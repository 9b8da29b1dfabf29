// Record the compiler and extendr versions so `genomicsemrs_sitrep()` can report what built
// the library.
use std::process::Command;

fn main() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let version = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_owned())
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=GENOMICSEMRS_RUSTC_VERSION={version}");
    println!(
        "cargo:rustc-env=GENOMICSEMRS_EXTENDR_VERSION={}",
        locked_version("extendr-api")
    );
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=../Cargo.lock");
}

/// The version of `package` recorded in the workspace lock file.
fn locked_version(package: &str) -> String {
    let lock = std::fs::read_to_string("../Cargo.lock").unwrap_or_default();
    let needle = format!("name = \"{package}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == needle {
            if let Some(v) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = "))
            {
                return v.trim_matches('"').to_owned();
            }
        }
    }
    "unknown".to_owned()
}
