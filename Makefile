# Entry points for newcomers and CI. See README.md and DEVELOPMENT.md.
export PATH := $(PATH):$(HOME)/.cargo/bin
export NOT_CRAN := true

.PHONY: all deps install demo test check fuzz vendor wrappers bench clean

all: install

## Install R, the R packages and check Rust (idempotent; needs root for apt-get).
deps:
	bash tools/install-deps.sh

## Build and install the package into the default R library.
install: deps
	R CMD INSTALL --no-multiarch .

## Run the main workflow on the bundled example data and print the results.
demo: install
	Rscript inst/scripts/demo.R

## cargo test for the core crate, then the testthat suite; last line "N passed, N failed".
test: deps
	bash tools/test.sh

## The long fuzz run: many more generated inputs than `make test` (see tools/fuzz.sh).
fuzz: deps
	bash tools/fuzz.sh

## R CMD build and R CMD check --no-manual on the tarball (offline vendored Rust build).
check: deps
	rm -rf build/check && mkdir -p build/check
	cd build/check && env -u NOT_CRAN R CMD build ../.. && \
	  env -u NOT_CRAN _R_CHECK_FORCE_SUGGESTS_=false R CMD check --no-manual genomicsemrs_*.tar.gz

## Regenerate src/rust/vendor.tar.xz after changing Rust dependencies.
vendor:
	bash tools/vendor.sh

## Regenerate R/extendr-wrappers.R, NAMESPACE and man/ after changing the Rust bindings.
wrappers:
	bash tools/update-wrappers.sh

## Benchmarks (not tests): see bench/README.md. Needs ../shared/reference beside the repository.
bench: install
	Rscript bench/munge_sumstats.R ../shared/reference/genomicsem/data 1e7
	Rscript bench/ldsc.R
	Rscript bench/sem.R
	Rscript bench/gwas.R 1.1e6 2
	Rscript bench/single_cell.R 2000 2

clean:
	rm -rf build src/rust/target src/*.o src/*.so
