#!/usr/bin/env bash
# Install what building, testing and checking genomicsemrs needs on a Debian machine.
# Idempotent: installs only what is missing. R packages come from Debian (CRAN is not needed).
set -euo pipefail

# Debian packages: R, the R packages used by the package, its tests, vignettes and benchmarks,
# and the reference tools used by the single-cell tests.
DEB_PACKAGES=(
  r-base-dev pandoc qpdf
  r-cran-testthat r-cran-withr r-cran-roxygen2 r-cran-knitr r-cran-rmarkdown
  r-cran-lavaan r-cran-lme4 r-cran-matrix r-cran-data.table
  r-cran-cli r-cran-progressr r-cran-future r-cran-future.apply
  r-cran-ggplot2 r-cran-psych
)

missing=()
for pkg in "${DEB_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      echo "Missing packages (${missing[*]}) and not root: install them as root." >&2; exit 1
    fi
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "Debian packages: all present."
fi

# Rust: rustup's toolchain (Debian's rustc is too old for the crates used).
export PATH="$PATH:$HOME/.cargo/bin"
if ! command -v cargo >/dev/null 2>&1; then
  echo "cargo was not found. Install Rust (rustup, rustc >= 1.87) and put ~/.cargo/bin on PATH." >&2
  exit 1
fi
need="1.87"
have=$(rustc --version | awk '{print $2}')
if [ "$(printf '%s\n%s\n' "$need" "$have" | sort -V | head -n1)" != "$need" ]; then
  echo "rustc $have is older than $need: run 'rustup update'." >&2
  exit 1
fi
echo "Rust: $(cargo --version), $(rustc --version)"
