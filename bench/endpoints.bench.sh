#!/usr/bin/env bash
# Several endpoints: janus-bench client (the real OpenAIClient) sends the same requests to one
# test server, then spread over three; every server answers after 0.5 s, and each endpoint has
# the same concurrency. Three endpoints should take about a third of one's wall time.
# ENDPOINTS_BENCH_REQUESTS (default 30000) and ENDPOINTS_BENCH_CONCURRENCY (per endpoint,
# default 300) change the load.
set -euo pipefail
BIN=${JANUS_BIN:?set by bench/run.sh}
BENCH="$(dirname "$BIN")/janus-bench"
[ -x "$BENCH" ] || { echo "janus-bench not built next to $BIN" >&2; exit 1; }
N=${ENDPOINTS_BENCH_REQUESTS:-30000}
C=${ENDPOINTS_BENCH_CONCURRENCY:-300}
LATENCY=0.5
WORK=$(mktemp -d /tmp/janus-bench-endpoints.XXXXXX)
command -v /usr/bin/time >/dev/null || {
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get install -y -qq time >/dev/null 2>&1 || true
}
ulimit -n "$(ulimit -Hn)"

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT INT TERM
URLS=()
for i in 0 1 2; do
    python3 Tests/testserver/chat_server.py --port 0 --latency "$LATENCY" >"$WORK/port$i" 2>"$WORK/server$i.log" &
    PIDS+=($!)
done
for i in 0 1 2; do
    for _ in $(seq 100); do [ -s "$WORK/port$i" ] && break; sleep 0.1; done
    URLS+=("http://127.0.0.1:$(head -1 "$WORK/port$i")")
done
reset() { for u in "${URLS[@]}"; do curl -sf -X POST "$u/control" -d '{"reset":true}' >/dev/null; done; }
served() { for u in "${URLS[@]}"; do curl -sf "$u/stats" | python3 -c "import json,sys; print(json.load(sys.stdin)['requests'])"; done | xargs; }

printf "%-12s %8s %9s %13s %8s %8s %8s %8s %8s\n" scenario requests endpoints conc/endpoint latency ideal_s wall_s cpu_s rss_MB
run() { # $1 name, $2 how many endpoints
    local name=$1 e=$2 args=()
    for u in "${URLS[@]:0:$e}"; do args+=(--endpoint "$u"); done
    reset
    /usr/bin/time -f "%e %U %S %M" -o "$WORK/$name.time" \
        "$BENCH" client "${args[@]}" --requests "$N" --concurrency "$C" >"$WORK/$name.json"
    read -r wall user sys rss <"$WORK/$name.time"
    echo "$wall" >"$WORK/$name.wall"
    awk -v s="$name" -v n="$N" -v e="$e" -v c="$C" -v l="$LATENCY" -v w="$wall" -v u="$user" -v y="$sys" -v m="$rss" \
        'BEGIN { printf "%-12s %8d %9d %13d %8ss %8.1f %8.2f %8.2f %8.0f\n", s, n, e, c, l, n / (e * c) * l, w, u + y, m / 1024 }'
    echo "$(served)" >"$WORK/$name.served"
}
run one 1
run three 3
echo
for name in one three; do echo "$name: $(cat "$WORK/$name.json"); requests per server: $(cat "$WORK/$name.served")"; done
awk -v a="$(cat "$WORK/one.wall")" -v b="$(cat "$WORK/three.wall")" \
    'BEGIN { printf "three endpoints / one: %.2f of the wall time (ideal 0.33)\n", b / a }'
