#!/usr/bin/env bash
# Regenerate src/rust/vendor.tar.xz, the crates for offline builds (R CMD build/check, CRAN).
# Reproducible: sorted names, fixed mtime and owner. Tests, benches, examples and docs of the
# vendored crates are pruned (their checksum file lists are emptied so cargo accepts that).
set -euo pipefail
cd "$(dirname "$0")/../src/rust"
rm -rf vendor
cargo vendor --locked --versioned-dirs vendor >/dev/null 2>&1
python3 - <<'PY'
import json, pathlib, shutil
for crate in pathlib.Path("vendor").iterdir():
    for sub in ("tests", "benches", "examples", "docs", "doc"):
        shutil.rmtree(crate / sub, ignore_errors=True)
    checksum = crate / ".cargo-checksum.json"
    data = json.loads(checksum.read_text())
    data["files"] = {}
    checksum.write_text(json.dumps(data))
PY
tar --sort=name --mtime='1970-01-01' --owner=0 --group=0 --numeric-owner -cf - vendor | xz -9e -T1 > vendor.tar.xz
rm -rf vendor
ls -l vendor.tar.xz
