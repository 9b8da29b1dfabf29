#!/usr/bin/env bash
# The long fuzz run (`make fuzz`): the Rust no-panic targets with FUZZ_CASES cases each, then
# the R mutation suite with GENOMICSEMRS_FUZZ_RANDOM extra random two-argument cases per
# exported function. Writes every R case to build/fuzz-cases.tsv and ends with the totals.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:$HOME/.cargo/bin"
: "${FUZZ_CASES:=5000}"
: "${GENOMICSEMRS_FUZZ_RANDOM:=1000}"
export FUZZ_CASES GENOMICSEMRS_FUZZ_RANDOM
status=0
echo "== Rust: $FUZZ_CASES cases per target"
(cd src/rust && cargo test -p genomicsemrs-core --test fuzz_no_panic -- --nocapture 2>&1) |
  tee build-fuzz-rust.txt | grep -E '^fuzz|test result|panicked'
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
mkdir -p build/Rlib
if [ "${SKIP_INSTALL:-0}" != 1 ]; then
  NOT_CRAN=true R CMD INSTALL --no-multiarch --library=build/Rlib . > /dev/null 2>&1 || { echo "install failed"; exit 1; }
fi
export GENOMICSEMRS_FUZZ_REPORT="$PWD/build/fuzz-cases.tsv"
echo "== R: single-argument cases plus $GENOMICSEMRS_FUZZ_RANDOM random cases per function"
Rscript -e '
  .libPaths(c("build/Rlib", .libPaths())); options(genomicsemrs.threads = 1L)
  r <- testthat::test_file("tests/testthat/test-fuzz.R", package = "genomicsemrs",
                           load_package = "installed", reporter = "summary")
  quit(status = as.integer(any(as.data.frame(r)$failed > 0 | as.data.frame(r)$error)))' || status=1
rust_cases=$(grep -Eo '^fuzz [^:]*: [0-9]+ cases' build-fuzz-rust.txt | awk '{s+=$(NF-1)} END {print s+0}')
rust_panics=$(grep -Eo '[0-9]+ panics' build-fuzz-rust.txt | awk '{s+=$1} END {print s+0}')
r_cases=$(($(wc -l < build/fuzz-cases.tsv) - 1))
echo "Rust: $rust_cases cases, $rust_panics panics; R: $r_cases cases (kinds in build/fuzz-cases.tsv):"
cut -f3 build/fuzz-cases.tsv | tail -n +2 | sort | uniq -c
rm -f build-fuzz-rust.txt
exit $status
