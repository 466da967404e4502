# janus-data: make demo (sets up, builds, runs the pipeline offline on the sample), make test.
SWIFT ?= swift
# The import check makes a target that imports another one it does not declare (a lower layer
# importing a higher one, see README "Architecture") an error that names both.
SWIFT_FLAGS ?= -Xswiftc -warnings-as-errors --explicit-target-dependency-import-check error
PYTHON ?= python3
APT_PACKAGES := libcurl4-openssl-dev libsqlite3-dev zlib1g-dev libsnappy-dev libzstd-dev pkg-config
# What the tests add: a Python virtual environment (Tests/python/requirements.txt) in .venv/,
# so nothing is pip-installed into the system Python (PEP 668 refuses that on stock Debian);
# chromium renders the HTML report in its test; nginx and openssl make a local TLS server
# (HTTPS/HTTP/2) in front of the test server.
TEST_APT_PACKAGES := python3-venv chromium nginx openssl
VENV := .venv
BIN := .build/debug/janus-data
# Seconds each swift test run may take before it is stopped and the tests that had not ended
# are named (Tests/run_with_limit.py): a deadlocked test fails the run instead of hanging it.
TEST_LIMIT ?= 2400
LIMITED := $(PYTHON) Tests/run_with_limit.py $(TEST_LIMIT)
# make install PREFIX=... DESTDIR=...: the one release binary, which carries its seeds and
# prompt templates inside itself (nothing else is installed).
PREFIX ?= /usr/local
RELEASE_BIN := .build/release/janus-data

.PHONY: setup setup-test build release install test demo bench soak sanitize fuzz clean

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

# On Linux the release build links the Swift runtime and Foundation in, so the installed file
# needs no Swift toolchain, only the system's libcurl, sqlite3, zlib, snappy and zstd.
RELEASE_FLAGS := -c release $(if $(filter Linux,$(shell uname -s)),--static-swift-stdlib)

release: setup
	$(SWIFT) build $(RELEASE_FLAGS) --product janus-data $(SWIFT_FLAGS)
	@touch $(RELEASE_BIN)

# Built only when a source is newer (make release touches it: a relink may keep the old time).
$(RELEASE_BIN): Package.swift $(shell find Sources Plugins seeds prompts -type f 2>/dev/null)
	@$(MAKE) --no-print-directory release

install: $(RELEASE_BIN)
	install -d "$(DESTDIR)$(PREFIX)/bin"
	install -m 0755 $(RELEASE_BIN) "$(DESTDIR)$(PREFIX)/bin/janus-data"

# The release build first: InstalledBinaryTests runs `make install` into a temporary prefix,
# which then has nothing to build (a nested swift build would wait on this run's lock of .build).
test: build release setup-test
	$(LIMITED) $(SWIFT) test --disable-xctest $(SWIFT_FLAGS)

# Runs the whole pipeline on the bundled sample with the offline provider; exports to ./out,
# then writes the HTML report (out/report.html) and prints its path.
demo: build
	$(BIN) build --config sample/janus.yaml --provider offline --db janus.db --out out
	@echo "exports:"; ls out/*/
	@echo "report:"; $(BIN) report --db janus.db --out out/report.html

# Prints a table per benchmark (bench/*.bench.sh); results are recorded in BENCHMARKS.md.
# (setup-test: the Parquet benchmark writes its files with pyarrow from .venv; nginx and openssl
# serve the HTTPS/HTTP/2 row.)
bench: setup-test
	bash bench/run.sh

# 100k requests through build with a fault mix and 20 SIGKILLs; compares with a clean run.
soak: setup
	swift build -c release $(SWIFT_FLAGS)
	$(PYTHON) bench/soak.py --bin .build/release/janus-data

# The test suite under ThreadSanitizer, then under AddressSanitizer, each in its own build
# folder (the tests that run janus-data run the sanitized binary from the same folder).
# Known false positives outside our code are suppressed in Tests/sanitizers/ (see RELIABILITY.md).
# Each report (of the test process or of a janus-data it ran) is also written to
# .build-*/sanitizer-reports/ and printed again at the end, so a log that keeps only its tail
# still shows what was found.
sanitize: setup-test
	@mkdir -p .build-tsan/sanitizer-reports .build-asan/sanitizer-reports
	@rm -f .build-tsan/sanitizer-reports/* .build-asan/sanitizer-reports/*
	TSAN_OPTIONS="suppressions=$(CURDIR)/Tests/sanitizers/tsan.supp log_path=$(CURDIR)/.build-tsan/sanitizer-reports/tsan $$TSAN_OPTIONS" \
		$(LIMITED) $(SWIFT) test --sanitize=thread --scratch-path .build-tsan $(SWIFT_FLAGS) \
		|| { cat .build-tsan/sanitizer-reports/* 2>/dev/null; exit 1; }
	LSAN_OPTIONS="suppressions=$(CURDIR)/Tests/sanitizers/lsan.supp $$LSAN_OPTIONS" \
	ASAN_OPTIONS="log_path=$(CURDIR)/.build-asan/sanitizer-reports/asan $$ASAN_OPTIONS" \
		$(LIMITED) $(SWIFT) test --sanitize=address --scratch-path .build-asan $(SWIFT_FLAGS) \
		|| { cat .build-asan/sanitizer-reports/* 2>/dev/null; exit 1; }

# libFuzzer targets (Fuzz/, a package of its own that depends on this one by path), each run
# for FUZZ_SECONDS from the seeds in Fuzz/corpus/<target>/. New inputs go to
# Fuzz/.build/fuzz-corpus/<target>/, crashing ones to Fuzz/.build/fuzz-artifacts/<target>/.
# Swift's own crash backtracer is off so that a failed check prints its message and libFuzzer's
# report, not a second report from AddressSanitizer about the backtracer reading the stack.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= FuzzJSON FuzzCSV FuzzPreferenceSet FuzzResponseDecoder FuzzParquet FuzzVerdict
FUZZ_BUILD_FLAGS := -Xswiftc -sanitize=fuzzer,address

fuzz: setup
	$(SWIFT) build --package-path Fuzz $(FUZZ_BUILD_FLAGS)
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p Fuzz/.build/fuzz-corpus/$$t Fuzz/.build/fuzz-artifacts/$$t; \
		echo "== $$t for $(FUZZ_SECONDS)s"; \
		SWIFT_BACKTRACE=enable=no Fuzz/.build/debug/$$t Fuzz/.build/fuzz-corpus/$$t Fuzz/corpus/$$t -max_total_time=$(FUZZ_SECONDS) \
			-timeout=10 -print_final_stats=1 -artifact_prefix=Fuzz/.build/fuzz-artifacts/$$t/ || exit 1; \
	done

clean:
	rm -rf .build .venv .build-tsan .build-asan Fuzz/.build out janus.db janus.db-wal janus.db-shm
