# Thin wrapper over CMake: install missing Debian packages, build, demo, test, bench.
# `make demo` and `make check` work on a fresh Debian 12 machine as root.

BUILD    ?= build
JOBS     ?= 2
CMAKE_FLAGS ?=
# Debian packages the build, tests and benchmarks need (DESIGN.md §4).
DEB_PACKAGES := cmake make gcc g++ pkg-config libopenblas-dev liblapacke-dev libsleef-dev \
                libcjson-dev libplplot-dev plplot-driver-cairo fonts-dejavu-core python3-numpy python3-scipy valgrind \
                python3-venv python3-pytest libhdf5-dev python3-h5py libopenmpi-dev openmpi-bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Debian's python3 (with numpy), not whatever python3 is first on PATH.
PYTHON ?= /usr/bin/python3

.PHONY: all deps build demo check asan valgrind bench fuzz format clean install python

all: build

deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "partobs: installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $$missing; \
	fi

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	./$(BUILD)/partobs demo

check: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# Install into PREFIX (issue 12 part 1): headers, libpartobs and
# libpartobs-report (static and shared), their pkg-config files, the CLI and
# its documentation (share/doc/partobs).
PREFIX ?= /usr/local
install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

# The Python package (issue 12 part 2): a venv that sees Debian's NumPy, and
# `pip install ./python` into it with no network (the package's in-tree build
# backend needs nothing else; it copies $(BUILD)/libpartobs.so into the package;
# --no-deps: NumPy is Debian's python3-numpy, which --force-reinstall would refetch).
python: build
	$(PYTHON) -m venv --system-site-packages .venv
	PARTOBS_LIBRARY=$(CURDIR)/$(BUILD)/libpartobs.so .venv/bin/pip install --no-index --force-reinstall --no-deps -q ./python
	.venv/bin/python -c 'import partobs; print("partobs", partobs.__version__, "using", partobs._lib.LIBRARY_PATH)'

# AddressSanitizer + UndefinedBehaviorSanitizer run of the whole suite.
asan: deps
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DPO_SANITIZE=ON -DPO_BUILD_BENCH=OFF $(CMAKE_FLAGS) >/dev/null
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS)

# Every test binary under valgrind memcheck (one BLAS thread keeps it fast and
# deterministic; no --track-origins: it slows memcheck markedly and only helps locate
# an error, which a local rerun with it does), then every command-line test script
# with each invocation under valgrind.
valgrind: deps
	cmake -S . -B build-vg -DCMAKE_BUILD_TYPE=Debug -DPO_BUILD_BENCH=OFF $(CMAKE_FLAGS) >/dev/null
	cmake --build build-vg -j $(JOBS)
	cd build-vg && OPENBLAS_NUM_THREADS=1 ctest --output-on-failure -j $(JOBS) \
	  --overwrite MemoryCheckCommand=/usr/bin/valgrind \
	  --overwrite MemoryCheckCommandOptions="--error-exitcode=3 --leak-check=full --errors-for-leak-kinds=definite --suppressions=$(CURDIR)/tests/valgrind.supp" \
	  -T memcheck -E '^(cli_|python$$)'
	cd build-vg && OPENBLAS_NUM_THREADS=1 PO_CLI_WRAPPER="valgrind -q --error-exitcode=3 --leak-check=full --errors-for-leak-kinds=definite --suppressions=$(CURDIR)/tests/valgrind.supp" \
	  ctest --output-on-failure -j $(JOBS) -R '^cli_'

bench: build
	PYTHON=$(PYTHON) bash bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD) build-asan build-vg
