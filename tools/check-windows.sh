#!/usr/bin/env bash
# Check that the Rust code builds for R on Windows (Rtools, x86_64-pc-windows-gnu) from the
# pruned vendored crates alone, offline: `cargo check` type-checks every crate for that target
# and runs the build scripts, without linking (linking needs R.dll, which Linux does not have).
# Needs the target's standard library once: `rustup target add x86_64-pc-windows-gnu`.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -xJf src/rust/vendor.tar.xz -C "$work"
cp -r src/rust/Cargo.toml src/rust/Cargo.lock src/rust/core src/rust/bindings "$work"/
mkdir -p "$work/cargo-home"
printf '[source.crates-io]\nreplace-with = "vendored-sources"\n\n[source.vendored-sources]\ndirectory = "%s"\n' \
  "$work/vendor" > "$work/cargo-home/config.toml"
CARGO_HOME="$work/cargo-home" CARGO_TARGET_DIR="${WINDOWS_TARGET_DIR:-$work/target}" \
  cargo check --offline --locked --target x86_64-pc-windows-gnu -p genomicsemrs \
  --manifest-path "$work/Cargo.toml"
echo "x86_64-pc-windows-gnu: cargo check passed with the vendored crates."
