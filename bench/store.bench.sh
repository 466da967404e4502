#!/usr/bin/env bash
# Store-read benchmark: times `status`, `plan`, `stats`, `build --no-export` (everything already
# done) and `report` on a store of 100,000 instructions with every stage done (300k variants, 900k results).
# The store is made once (ingest of generated instructions, then `build --provider offline`) and
# cached under /tmp keyed by VERSION below; each run reads a copy of it. One untimed
# `build --no-export` (with the fixture's settings) comes first: it is what a user's next build does, and it brings a store made
# by an older janus-data up to date.
# Env: STORE_INSTRUCTIONS (100000), STORE_BENCH_OUT (a directory: keeps status/plan/stats JSON
#      for comparing two binaries), FIXTURE_BIN (the binary that makes the fixture; default JANUS_BIN).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${JANUS_BIN:?set by bench/run.sh}
FIXTURE_BIN=${FIXTURE_BIN:-$BIN}
N=${STORE_INSTRUCTIONS:-100000}
VERSION=1
CACHE=/tmp/janus-bench/store-v$VERSION-$N
WORK=$(mktemp -d /tmp/janus-bench-store.XXXXXX)
trap 'rm -rf "$WORK"' EXIT INT TERM
mkdir -p "$CACHE"
command -v /usr/bin/time >/dev/null || {
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get install -y -qq time >/dev/null 2>&1 || true
}

if [ ! -f "$CACHE/store.db" ]; then
    echo "making the fixture ($N instructions, offline build; once)" >&2
    python3 bench/make_instructions.py "$N" 400 "$CACHE/in.jsonl"
    "$FIXTURE_BIN" ingest --db "$CACHE/making.db" --source "jsonl=$CACHE/in.jsonl" --no-near-dedup --seed 1 >/dev/null 2>&1
    "$FIXTURE_BIN" build --db "$CACHE/making.db" --provider offline --no-export --seed 1 --concurrency 64 >/dev/null 2>&1
    mv "$CACHE/making.db" "$CACHE/store.db"
fi
DB="$WORK/store.db"
cp "$CACHE/store.db" "$DB"
BUILD_FLAGS=(--provider offline --seed 1 --concurrency 64 --no-export)
"$BIN" build --db "$DB" "${BUILD_FLAGS[@]}" >/dev/null 2>&1

measure() { # $1: label, rest: arguments; prints "label wall_s cpu_s rss_mb" (cpu: user + system)
    local label=$1; shift
    /usr/bin/time -f "%e %M %U %S" -o "$WORK/time.txt" "$BIN" "$@" --db "$DB" >"$WORK/$label.out" 2>/dev/null
    read -r wall rss user sys <"$WORK/time.txt"
    awk -v l="$label" -v w="$wall" -v r="$rss" -v c="$user" -v s="$sys" \
        'BEGIN { printf "%-22s %10.2f %8.2f %12.0f\n", l, w, c + s, r/1024 }'
}
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (on $(nproc) cores)"
printf "%-22s %10s %8s %12s\n" command wall_s cpu_s peak_RSS_MB
measure status status
measure status-json status --json
measure plan plan
measure plan-json plan --json
measure stats stats
measure stats-json stats --json
measure build-all-done build "${BUILD_FLAGS[@]}"
measure report report --out "$WORK/report.html"
if [ -n "${STORE_BENCH_OUT:-}" ]; then
    mkdir -p "$STORE_BENCH_OUT"
    cp "$WORK"/*.out "$STORE_BENCH_OUT"/
fi
echo "targets: status, plan <= 0.5 s; build with everything done <= 2 s; stats <= 5 s"
