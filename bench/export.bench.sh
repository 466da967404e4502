#!/usr/bin/env bash
# Export benchmark: fills a store with about 200k SFT records (offline provider, cached under
# /tmp between runs), then times `janus-data export --format sft`: wall, MB/s, peak RSS, and the
# peak RSS of a quarter-size export to show memory does not grow with the dataset.
set -euo pipefail
BIN=${JANUS_BIN:?set by bench/run.sh}
N=${EXPORT_INSTRUCTIONS:-66667}
LEN=${EXPORT_PROMPT_CHARS:-2400}
WORK=/tmp/janus-bench/export-$N-$LEN
mkdir -p "$WORK"
command -v /usr/bin/time >/dev/null || { apt-get install -y -qq time >/dev/null 2>&1 || true; }

fill() { # $1: instructions, $2: db. Resumes: a store filled by an earlier run costs one status walk.
    [ -f "$WORK/in-$1.jsonl" ] || python3 bench/make_instructions.py "$1" "$LEN" "$WORK/in-$1.jsonl"
    [ -f "$2" ] || "$BIN" ingest --db "$2" --source "jsonl=$WORK/in-$1.jsonl" --no-near-dedup --seed 1 >/dev/null 2>&1
    "$BIN" build --db "$2" --provider offline --no-export --seed 1 --concurrency 64 >/dev/null 2>&1
}
Q=$((N / 4))
fill "$N" "$WORK/full.db"
fill "$Q" "$WORK/quarter.db"

measure() { # $1: db, $2: out; prints "wall_s rss_kb bytes records"
    rm -rf "$2"
    /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$BIN" export --db "$1" --seed 1 --format sft --out "$2" >/dev/null 2>&1
    local bytes records
    bytes=$(cat "$2"/sft/train-*.jsonl | wc -c)
    records=$(cat "$2"/sft/train-*.jsonl | wc -l)
    echo "$(cat "$WORK/time.txt") $bytes $records"
}
read -r qw qr qb qn < <(measure "$WORK/quarter.db" "$WORK/out-q")
read -r fw fr fb fn < <(measure "$WORK/full.db" "$WORK/out-f")
printf "%-10s %10s %10s %10s %10s %12s\n" run records MB wall_s MB/s peak_RSS_MB
for row in "quarter $qn $qb $qw $qr" "full $fn $fb $fw $fr"; do
    set -- $row
    awk -v n="$1" -v r="$2" -v b="$3" -v w="$4" -v m="$5" 'BEGIN { printf "%-10s %10d %10.0f %10.2f %10.0f %12.0f\n", n, r, b/1e6, w, (w > 0 ? b/1e6/w : 0), m/1024 }'
done
echo "target: >= 150 MB/s on the full export; flat memory (full RSS close to quarter RSS)"
