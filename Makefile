# janus-data: make demo (sets up, builds, runs the pipeline offline on the sample), make test.
SWIFT ?= swift
SWIFT_FLAGS ?= -Xswiftc -warnings-as-errors
PYTHON ?= python3
APT_PACKAGES := libcurl4-openssl-dev libsqlite3-dev zlib1g-dev pkg-config
BIN := .build/debug/janus-data

.PHONY: setup build test demo bench soak sanitize fuzz clean

# Installs what building and testing need; quiet and quick when everything is there.
setup:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi
	@$(PYTHON) -c "import datasets" 2>/dev/null || { echo "installing python datasets"; $(PYTHON) -m pip install -q datasets; }

build: setup
	$(SWIFT) build $(SWIFT_FLAGS)

test: build
	$(SWIFT) test --disable-xctest $(SWIFT_FLAGS)

# Runs the whole pipeline on the bundled sample with the offline provider; exports to ./out.
demo: build
	$(BIN) build --config sample/janus.yaml --provider offline --db janus.db --out out
	@echo "exports:"; ls out/*/

# Prints a table per benchmark (bench/*.bench.sh); results are recorded in BENCHMARKS.md.
bench: setup
	bash bench/run.sh

# 100k requests through build with a fault mix and 20 SIGKILLs; compares with a clean run.
soak: setup
	swift build -c release $(SWIFT_FLAGS)
	$(PYTHON) bench/soak.py --bin .build/release/janus-data

# The test suite under ThreadSanitizer, then under AddressSanitizer, each in its own build
# folder (the tests that run janus-data run the sanitized binary from the same folder).
# Known false positives outside our code are suppressed in Tests/sanitizers/ (see RELIABILITY.md).
sanitize: setup
	TSAN_OPTIONS="suppressions=$(CURDIR)/Tests/sanitizers/tsan.supp $$TSAN_OPTIONS" \
		$(SWIFT) test --sanitize=thread --scratch-path .build-tsan
	LSAN_OPTIONS="suppressions=$(CURDIR)/Tests/sanitizers/lsan.supp $$LSAN_OPTIONS" \
		$(SWIFT) test --sanitize=address --scratch-path .build-asan

# libFuzzer targets (Fuzz/, a package of its own that depends on this one by path), each run
# for FUZZ_SECONDS from the seeds in Fuzz/corpus/<target>/. New inputs go to
# Fuzz/.build/fuzz-corpus/<target>/, crashing ones to Fuzz/.build/fuzz-artifacts/<target>/.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= FuzzJSON FuzzCSV FuzzPreferenceSet FuzzResponseDecoder
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
	rm -rf .build .build-tsan .build-asan Fuzz/.build out janus.db janus.db-wal janus.db-shm
