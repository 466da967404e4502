#!/usr/bin/env bash
# Build benchmark: `janus-data build` end to end (ingest, the three stages, export).
#   server:  through the asyncio test server (--content janus, 0.5 s per answer) with 1,000
#            requests in flight, about 20,000 requests (9 per instruction). janus-data's CPU
#            (user+sys from /usr/bin/time) and the server's (from /proc) are reported apart.
#   offline: `--provider offline` on 100,000 instructions (no server).
# Env: BUILD_INSTRUCTIONS (default 2223), BUILD_LATENCY (0.5), BUILD_CONCURRENCY (1000),
#      OFFLINE_INSTRUCTIONS (100000; 0 skips), BUILD_BENCH_ONLY (server|offline).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${JANUS_BIN:?set by bench/run.sh}
N=${BUILD_INSTRUCTIONS:-2223}
LATENCY=${BUILD_LATENCY:-0.5}
CONC=${BUILD_CONCURRENCY:-1000}
OFFLINE_N=${OFFLINE_INSTRUCTIONS:-100000}
ONLY=${BUILD_BENCH_ONLY:-}
WORK=$(mktemp -d /tmp/janus-bench-build.XXXXXX)
CACHE=/tmp/janus-bench
mkdir -p "$CACHE"
command -v /usr/bin/time >/dev/null || {
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get install -y -qq time >/dev/null 2>&1 || true
}
ulimit -n "$(ulimit -Hn)"
SERVER=""
cleanup() { [ -z "$SERVER" ] || { kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; }; rm -rf "$WORK"; }
trap cleanup EXIT INT TERM

instructions() { # $1: count; prints the path of a cached JSONL of that many distinct instructions
    local f="$CACHE/build-in-$1.jsonl"
    [ -f "$f" ] || python3 bench/make_instructions.py "$1" 300 "$f"
    echo "$f"
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

printf "%-8s %9s %6s %8s %8s %10s %10s %8s  %s\n" run requests conc latency wall_s janus_cpu server_cpu rss_MB target

if [ "$ONLY" != offline ]; then
    in=$(instructions "$N")
    python3 Tests/testserver/chat_server.py --port 0 --content janus --latency "$LATENCY" >"$WORK/port" 2>"$WORK/server.log" &
    SERVER=$!
    for _ in $(seq 100); do [ -s "$WORK/port" ] && break; sleep 0.1; done
    PORT=$(head -1 "$WORK/port")
    hz=$(getconf CLK_TCK)
    before=$(cpu_ticks "$SERVER")
    (cd "$WORK" && BENCH_KEY=sk-bench /usr/bin/time -f "%e %U %S %M" -o "$WORK/server-run.time" "$BIN" build \
        --db "$WORK/server.db" --out "$WORK/server-out" --provider openai --base-url "http://127.0.0.1:$PORT/v1" \
        --model bench-model --api-key-env BENCH_KEY --concurrency "$CONC" --seed 9 --source "jsonl=$in" --no-near-dedup \
        >"$WORK/server-run.out" 2>"$WORK/server-run.err") || { cat "$WORK/server-run.err" >&2; exit 1; }
    after=$(cpu_ticks "$SERVER")
    requests=$(curl -sf "http://127.0.0.1:$PORT/stats" | python3 -c "import json,sys; print(json.load(sys.stdin)['requests'])")
    read -r wall user sys rss <"$WORK/server-run.time"
    awk -v n="$requests" -v c="$CONC" -v l="$LATENCY" -v w="$wall" -v u="$user" -v y="$sys" -v m="$rss" \
        -v s="$(( after - before ))" -v hz="$hz" \
        'BEGIN { printf "%-8s %9d %6d %8s %8.2f %10.2f %10.2f %8.0f  %s (user %.2f, sys %.2f)\n", "server", n, c, l, w, u + y, s / hz, m / 1024, "wall<=11 janus_cpu<=4", u, y }'
fi

if [ "$ONLY" != server ] && [ "$OFFLINE_N" -gt 0 ]; then
    in=$(instructions "$OFFLINE_N")
    (cd "$WORK" && /usr/bin/time -f "%e %U %S %M" -o "$WORK/offline.time" "$BIN" build \
        --db "$WORK/offline.db" --out "$WORK/offline-out" --provider offline --seed 9 --source "jsonl=$in" --no-near-dedup \
        >"$WORK/offline.out" 2>"$WORK/offline.err") || { cat "$WORK/offline.err" >&2; exit 1; }
    read -r wall user sys rss <"$WORK/offline.time"
    awk -v n="$OFFLINE_N" -v w="$wall" -v u="$user" -v y="$sys" -v m="$rss" \
        'BEGIN { printf "%-8s %9s %6s %8s %8.2f %10.2f %10s %8.0f  %s\n", "offline", n " instr", "-", "-", w, u + y, "-", m / 1024, "wall<=90" }'
fi
