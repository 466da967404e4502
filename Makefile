# janus-data: make demo (sets up, builds, runs the pipeline offline on the sample), make test.
SWIFT ?= swift
SWIFT_FLAGS ?= -Xswiftc -warnings-as-errors
PYTHON ?= python3
APT_PACKAGES := libcurl4-openssl-dev libsqlite3-dev zlib1g-dev libsnappy-dev libzstd-dev pkg-config
# What the tests add: a Python virtual environment (Tests/python/requirements.txt) in .venv/,
# so nothing is pip-installed into the system Python (PEP 668 refuses that on stock Debian).
TEST_APT_PACKAGES := python3-venv
VENV := .venv
BIN := .build/debug/janus-data

.PHONY: setup setup-test build test demo bench soak sanitize fuzz clean

# Installs what building the binary needs; quiet and quick when everything is there.
setup:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(APT_PACKAGES)"

# Adds what the tests need: the Python packages in $(VENV)/.
setup-test: setup
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(TEST_APT_PACKAGES)"
	@[ -x $(VENV)/bin/python ] || { echo "creating $(VENV)"; $(PYTHON) -m venv $(VENV); }
	@cmp -s Tests/python/requirements.txt $(VENV)/.installed 2>/dev/null || { \
		echo "installing Tests/python/requirements.txt into $(VENV)"; \
		$(VENV)/bin/python -m pip install -q --disable-pip-version-check -r Tests/python/requirements.txt && \
		cp Tests/python/requirements.txt $(VENV)/.installed; }

.PHONY: apt-install
apt-install:
	@missing=""; for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

build: setup
	$(SWIFT) build $(SWIFT_FLAGS)

test: build setup-test
	$(SWIFT) test --disable-xctest $(SWIFT_FLAGS)

# Runs the whole pipeline on the bundled sample with the offline provider; exports to ./out.
demo: build
	$(BIN) build --config sample/janus.yaml --provider offline --db janus.db --out out
	@echo "exports:"; ls out/*/

# Prints a table per benchmark (bench/*.bench.sh); results are recorded in BENCHMARKS.md.
# (setup-test: the Parquet benchmark writes its files with pyarrow from .venv.)
bench: setup-test
	bash bench/run.sh

# 100k requests through build with a fault mix and 20 SIGKILLs; compares with a clean run.
soak: setup
	swift build -c release $(SWIFT_FLAGS)
	$(PYTHON) bench/soak.py --bin .build/release/janus-data

# The test suite under ThreadSanitizer, then under AddressSanitizer, each in its own build
# folder (the tests that run janus-data run the sanitized binary from the same folder).
# Known false positives outside our code are suppressed in Tests/sanitizers/ (see RELIABILITY.md).
sanitize: setup-test
	TSAN_OPTIONS="suppressions=$(CURDIR)/Tests/sanitizers/tsan.supp $$TSAN_OPTIONS" \
		$(SWIFT) test --sanitize=thread --scratch-path .build-tsan
	LSAN_OPTIONS="suppressions=$(CURDIR)/Tests/sanitizers/lsan.supp $$LSAN_OPTIONS" \
		$(SWIFT) test --sanitize=address --scratch-path .build-asan

# libFuzzer targets (Fuzz/, a package of its own that depends on this one by path), each run
# for FUZZ_SECONDS from the seeds in Fuzz/corpus/<target>/. New inputs go to
# Fuzz/.build/fuzz-corpus/<target>/, crashing ones to Fuzz/.build/fuzz-artifacts/<target>/.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= FuzzJSON FuzzCSV FuzzPreferenceSet FuzzResponseDecoder FuzzParquet
FUZZ_BUILD_FLAGS := -Xswiftc -sanitize=fuzzer,address

fuzz: setup
	$(SWIFT) build --package-path Fuzz $(FUZZ_BUILD_FLAGS)
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p Fuzz/.build/fuzz-corpus/$$t Fuzz/.build/fuzz-artifacts/$$t; \
		echo "== $$t for $(FUZZ_SECONDS)s"; \
		Fuzz/.build/debug/$$t Fuzz/.build/fuzz-corpus/$$t Fuzz/corpus/$$t -max_total_time=$(FUZZ_SECONDS) \
			-timeout=10 -print_final_stats=1 -artifact_prefix=Fuzz/.build/fuzz-artifacts/$$t/ || exit 1; \
	done

clean:
	rm -rf .build .venv .build-tsan .build-asan Fuzz/.build out janus.db janus.db-wal janus.db-shm
