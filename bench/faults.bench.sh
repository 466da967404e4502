#!/usr/bin/env bash
# Build under faults: `janus-data build` of 500 instructions (4,500 requests: 3 preference sets,
# 3 system messages, 3 responses each) against the test server at 0.05 s latency with
# --concurrency 100, once fault-free and once with the mix of issue 13: 10% 429 (Retry-After: 1),
# 5% 500, 2% resets, 1% cut bodies, 0.3% hangs of 15 s, 1% finish_reason length; 5% fenced and
# 3% broken-JSON preference sets. Per run: wall, CPU, exit code, items done/failed, and what
# the server saw. Default settings (max_attempts 10, stall_timeout 120).
set -euo pipefail
BIN=${JANUS_BIN:?set by bench/run.sh}
WORK=$(mktemp -d /tmp/janus-bench-faults.XXXXXX)
command -v /usr/bin/time >/dev/null || {
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get install -y -qq time >/dev/null 2>&1 || true
}
python3 bench/make_instructions.py 500 200 "$WORK/in.jsonl"
python3 Tests/testserver/chat_server.py --port 0 --content janus --latency 0.05 --retry-after 1 \
    --hang-seconds 15 --seed 1 >"$WORK/port" 2>"$WORK/server.log" &
SERVER=$!
cleanup() { kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT INT TERM
for _ in $(seq 100); do [ -s "$WORK/port" ] && break; sleep 0.1; done
URL="http://127.0.0.1:$(head -1 "$WORK/port")"
control() { curl -sf -X POST "$URL/control" -d "$1" >/dev/null; }
export JANUS_BENCH_KEY=sk-bench

printf "%-10s %8s %8s %8s %5s %6s %7s %9s %6s %6s  %s\n" \
    scenario needed sent wall_s cpu_s exit done failed+q 429s hangs target
run() { # $1 name, $2 control json, $3 target text
    local name=$1
    control "$2"
    set +e
    /usr/bin/time -f "%e %U %S %M" -o "$WORK/$name.time" "$BIN" build --db "$WORK/$name.db" --out "$WORK/$name-out" \
        --provider openai --base-url "$URL/v1" --model bench-model --api-key-env JANUS_BENCH_KEY --concurrency 100 \
        --source "jsonl=$WORK/in.jsonl" --no-near-dedup --json >"$WORK/$name.json" 2>"$WORK/$name.err"
    local code=$?
    set -e
    curl -sf "$URL/stats" >"$WORK/$name.stats"
    read -r wall user sys _ <"$WORK/$name.time"
    python3 - "$name" "$WORK/$name.json" "$WORK/$name.stats" "$wall" "$user" "$sys" "$code" "$3" <<'PY'
import json, sys
name, summary, stats, wall, user, sys_, code, target = sys.argv[1:]
try:
    s = json.load(open(summary))
except ValueError:
    s = {"stages": {}}
st = json.load(open(stats))
stages = s["stages"].values()
done = sum(v["done"] for v in stages)
bad = sum(v["failed"] + v["quarantined"] for v in stages)
o = st["outcomes"]
print(f"{name:<10} {4500:>8} {st['requests']:>8} {float(wall):>8.2f} {float(user) + float(sys_):>5.1f} {code:>6} "
      f"{done:>7} {bad:>9} {o.get('429', 0):>6} {o.get('hang', 0):>6}  {target}")
PY
    if [ "$name" = mix ]; then
        echo "  server outcomes: $(python3 -c "import json; print(json.dumps(json.load(open('$WORK/$name.stats'))['outcomes'], sort_keys=True))")"
        grep -E "^requests in flight" "$WORK/$name.err" | tail -1 | sed 's/^/  last progress line: /' || true
    fi
}

run clean '{"reset":true,"rates":{},"content_faults":{}}' "fault-free reference"
run mix '{"reset":true,"seed":1,"rates":{"429":0.10,"500":0.05,"reset":0.02,"truncate":0.01,"hang":0.003,"length":0.01},"content_faults":{"fenced":0.05,"broken_json":0.03}}' \
    "every item done, exit 0, wall <= 30"
