#!/usr/bin/env bash
# The whole test suite: the Rust core's cargo tests, then the testthat suite against a fresh
# install in build/Rlib. Ends with one line "N passed, N failed" (both suites together) and
# exits non-zero if anything failed or did not build.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:$HOME/.cargo/bin"
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
status=0

echo "== Rust core: cargo test"
(cd src/rust && cargo test -p genomicsemrs-core 2>&1) | tee "$log/cargo.txt"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
rust_passed=$(grep -Eo 'test result: [a-zA-Z]+\. [0-9]+ passed' "$log/cargo.txt" | awk '{s+=$4} END {print s+0}')
rust_failed=$(grep -Eo '[0-9]+ failed;' "$log/cargo.txt" | awk '{s+=$1} END {print s+0}')
if [ "$status" -ne 0 ] && [ "$rust_failed" -eq 0 ]; then rust_failed=1; fi  # did not build

echo "== R package: install into build/Rlib"
mkdir -p build/Rlib
r_passed=0; r_failed=0
if NOT_CRAN=true R CMD INSTALL --no-multiarch --library=build/Rlib . > "$log/install.txt" 2>&1; then
  echo "== R package: testthat"
  Rscript tools/run-tests.R build/Rlib 2>&1 | tee "$log/r.txt"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  line=$(grep -E '^R tests: ' "$log/r.txt" | tail -n 1)
  r_passed=$(echo "$line" | sed -E 's/.* ([0-9]+) passed.*/\1/')
  r_failed=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
  [ -n "$line" ] || { r_passed=0; r_failed=1; status=1; }
else
  cat "$log/install.txt"
  echo "The R package did not build or install."
  r_failed=1; status=1
fi

echo
echo "Rust core: $rust_passed passed, $rust_failed failed; R: $r_passed passed, $r_failed failed"
echo "$((rust_passed + r_passed)) passed, $((rust_failed + r_failed)) failed"
exit $status
