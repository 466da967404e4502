#!/usr/bin/env bash
# Parquet ingest: the ingest benchmark's realistic corpus (bench/make_corpus.py: long candidate
# fields, multi-turn conversations, mixed scripts) written as the Hub publishes it (Parquet,
# Snappy, each source's schema with its large columns; bench/make_parquet.py, cached under
# /tmp), ingested with the paper's quotas, then the same records as JSON Lines. Prints what
# share of the Parquet bytes the presets' columns are, wall time, CPU time, peak RSS and MB/s
# of input file per run (of wall time, and per CPU second), and whether the counts agree.
# Env: JANUS_BIN (set by bench/run.sh), RECORDS (default 1300000), SEED (corpus, default 7),
# PYTHON (with pyarrow; default .venv/bin/python from `make setup-test`), KINDS (default
# "parquet jsonl"; the counts are compared when both run).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${JANUS_BIN:?run through bench/run.sh, or set JANUS_BIN to a release build of janus-data}"
RECORDS="${RECORDS:-1300000}"
PY="${PYTHON:-.venv/bin/python}"
[ -x "$PY" ] || { echo "no $PY: run make setup-test (pyarrow writes the Parquet files)" >&2; exit 1; }
if [ ! -x /usr/bin/time ]; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq time >/dev/null
fi
corpus="$(python3 bench/make_corpus.py --records "$RECORDS" --seed "${SEED:-7}")"
parquet="$corpus-parquet-v2"
if [ ! -f "$parquet/done" ]; then
    "$PY" bench/make_parquet.py "$corpus" "$parquet"
    touch "$parquet/done"
fi
"$PY" - "$parquet" <<'PY'
import sys
import pyarrow.parquet as pq
fields = {"nectar": {"prompt", "source"}, "openhermes": {"prompt", "source"}, "ultrafeedback": {"prompt", "source"}, "arena": {"conversation_a"}}
read = total = 0
for preset, wanted in fields.items():
    meta = pq.ParquetFile(f"{sys.argv[1]}/{preset}.parquet").metadata
    for g in range(meta.num_row_groups):
        for c in range(meta.num_columns):
            column = meta.row_group(g).column(c)
            total += column.total_compressed_size
            if column.path_in_schema.split(".")[0] in wanted:
                read += column.total_compressed_size
print(f"column chunks the presets read: {read / 1e6:.0f} of {total / 1e6:.0f} MB ({100 * read / total:.0f}%)")
PY
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
printf "%-8s %10s %8s %8s %8s %10s %8s\n" input MB wall_s cpu_s MB/s MB/cpu_s rss_MB
for kind in ${KINDS:-parquet jsonl}; do
    args=()
    bytes=0
    for preset in nectar ultrafeedback arena openhermes; do
        args+=(--source "$preset=$parquet/$preset.$kind")
        bytes=$((bytes + $(stat -c %s "$parquet/$preset.$kind")))
    done
    (cd "$work" && /usr/bin/time -f "%e %U %S %M" -o "$work/$kind.time" "$JANUS_BIN" ingest --db "$work/$kind.db" --seed 42 "${args[@]}" \
        --quota nectar=12000 --quota ultrafeedback=12000 --quota arena=12000 --total 100000 \
        --json >"$work/$kind.json" 2>"$work/$kind.err") || { cat "$work/$kind.err" >&2; exit 1; }
    read -r wall user sys rss <"$work/$kind.time"
    awk -v k="$kind" -v b="$bytes" -v w="$wall" -v u="$user" -v s="$sys" -v m="$rss" \
        'BEGIN { printf "%-8s %10.0f %8.2f %8.2f %8.0f %10.0f %8.0f\n", k, b / 1e6, w, u + s, (w > 0 ? b / 1e6 / w : 0), (u + s > 0 ? b / 1e6 / (u + s) : 0), m / 1024 }'
done
[ -f "$work/parquet.json" ] && [ -f "$work/jsonl.json" ] && python3 - "$work/parquet.json" "$work/jsonl.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
same = a["sources"] == b["sources"] and a["total"] == b["total"] and a["added"] == b["added"]
print(f"read {a['total']['read']}, added {a['added']}; counts equal to the JSON Lines run: {'yes' if same else 'NO'}")
sys.exit(0 if same else 1)
PY
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "target: >= 250 MB/s of Parquet file on 2 cores (only the prompt columns are read)"
