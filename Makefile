# janus-data: make demo (sets up, builds, runs the pipeline offline on the sample), make test.
SWIFT ?= swift
SWIFT_FLAGS ?= -Xswiftc -warnings-as-errors
PYTHON ?= python3
APT_PACKAGES := libcurl4-openssl-dev libsqlite3-dev zlib1g-dev pkg-config
BIN := .build/debug/janus-data

.PHONY: setup build test demo bench soak clean

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

clean:
	rm -rf .build out janus.db janus.db-wal janus.db-shm
