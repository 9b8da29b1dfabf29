#!/usr/bin/env bash
# Regenerate src/rust/vendor.tar.xz, the crates for offline builds (R CMD build/check, CRAN).
# Reproducible: sorted names, fixed mtime and owner. Tests, benches, examples and docs of the
# vendored crates are pruned (their checksum file lists are emptied so cargo accepts that).
set -euo pipefail
cd "$(dirname "$0")/../src/rust"
rm -rf vendor
cargo vendor --locked --versioned-dirs vendor >/dev/null 2>&1
# Crates compiled for at least one supported target (Linux, macOS, Windows/Rtools), with the
# features enabled on Windows: everything else in Cargo.lock is only resolved, never built
# (loom and its tree are behind cfg(loom); the windows_* import libraries of other targets).
targets="x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu x86_64-apple-darwin aarch64-apple-darwin x86_64-pc-windows-gnu"
for t in $targets; do
  cargo tree --locked --offline --target "$t" --prefix none -e normal,build -f '{p}' 2>/dev/null
done | sed 's/ (.*//' | awk 'NF == 2 { sub(/^v/, "", $2); print $1 "-" $2 }' | sort -u > vendor/.built
grep '^windows-sys-' vendor/.built | sed 's/^windows-sys-/windows-sys@/' | while read -r spec; do
  cargo tree --locked --offline --target x86_64-pc-windows-gnu -e features -i "$spec"
done | grep -o 'windows-sys feature "[^"]*"' | sed 's/.*"\(.*\)"/\1/' | sort -u > vendor/.windows-features
python3 - <<'PY'
import json, pathlib, re, shutil
built = set(pathlib.Path("vendor/.built").read_text().split())
windows_features = set(pathlib.Path("vendor/.windows-features").read_text().split())

def prune_windows_modules(root, prefix=""):
    """Delete windows-sys API modules whose cargo feature is off (their `mod` is cfg'd out)."""
    for sub in sorted(p for p in root.iterdir() if p.is_dir()):
        feature = prefix + sub.name
        if feature not in windows_features:
            shutil.rmtree(sub)
        else:
            prune_windows_modules(sub, feature + "_")

for crate in sorted(p for p in pathlib.Path("vendor").iterdir() if p.is_dir()):
    if crate.name not in built:
        # Never compiled: cargo only needs the manifest to resolve the lock file.
        # It only needs its manifest, plus an (empty) library file for the manifest to parse.
        manifest = (crate / "Cargo.toml").read_text()
        lib = re.search(r'^\[lib\][^\[]*?^path = "([^"]+)"', manifest, re.M | re.S)
        for entry in crate.iterdir():
            if entry.name not in ("Cargo.toml", ".cargo-checksum.json"):
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
        stub = crate / (lib.group(1) if lib else "src/lib.rs")
        stub.parent.mkdir(parents=True, exist_ok=True)
        stub.write_text("")
    elif crate.name.startswith("windows-sys-"):
        for top in ("Win32", "Wdk"):
            if (crate / "src/Windows" / top).is_dir():
                prune_windows_modules(crate / "src/Windows" / top, top + "_")
    for sub in ("tests", "benches", "examples", "docs", "doc"):
        shutil.rmtree(crate / sub, ignore_errors=True)
    checksum = crate / ".cargo-checksum.json"
    data = json.loads(checksum.read_text())
    data["files"] = {}
    checksum.write_text(json.dumps(data))
PY
rm vendor/.built vendor/.windows-features
tar --sort=name --mtime='1970-01-01' --owner=0 --group=0 --numeric-owner -cf - vendor | xz -9e -T1 > vendor.tar.xz
rm -rf vendor
ls -l vendor.tar.xz
