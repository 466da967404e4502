#!/usr/bin/env bash
# Runs every benchmark script bench/*.bench.sh against a release build and prints their tables.
# Usage: bench/run.sh [NAME ...]   (NAME: ingest, build, client, export, store, ...; default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release -Xswiftc -warnings-as-errors >/dev/null
export JANUS_BIN="$PWD/.build/release/janus-data"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
    for f in bench/*.bench.sh; do [ -e "$f" ] && names+=("$(basename "$f" .bench.sh)"); done
fi
for name in "${names[@]}"; do
    echo
    echo "== $name =="
    bash "bench/$name.bench.sh"
done
