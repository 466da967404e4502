#!/usr/bin/env bash
# Ingest at the paper's scale: a seeded synthetic corpus of 1.3M records in the five source
# schemas (bench/make_corpus.py, cached under /tmp), ingested with the paper's quotas (12,000
# each from nectar, ultrafeedback, arena and dsp, openhermes up to 100,000) in the clean order
# (--recipe clean: the filter and near-dedup run on every record, so the planted counts can be
# checked; the paper's order filters only the 100,000 sampled, and is lighter).
# One run per corpus shape: `realistic` (the real sources' record sizes and fields, mixed
# scripts, about 2.7 GB) and `ascii` (short ASCII records, about 0.7 GB).
# Prints wall time, MB/s, CPU time, peak RSS and planted-vs-found counts.
# Env: JANUS_BIN (set by bench/run.sh), RECORDS (default 1300000), SEED (corpus, default 7),
#      SHAPES (default "realistic ascii"; SHAPES=realistic runs only the realistic row).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${JANUS_BIN:?run through bench/run.sh, or set JANUS_BIN to a release build of janus-data}"
RECORDS="${RECORDS:-1300000}"
if [ ! -x /usr/bin/time ]; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq time >/dev/null
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
status=0
for shape in ${SHAPES:-realistic ascii}; do
echo "-- corpus: $shape"
corpus="$(python3 bench/make_corpus.py --records "$RECORDS" --seed "${SEED:-7}" --shape "$shape")"
rm -f "$work/janus.db"*
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
# Run from an empty folder so no janus.yaml is picked up.
(cd "$work" && /usr/bin/time -v -o "$work/time.txt" "$JANUS_BIN" ingest --db "$work/janus.db" --seed 42 \
    --source nectar="$corpus/nectar.jsonl" \
    --source ultrafeedback="$corpus/ultrafeedback.jsonl.gz" \
    --source arena="$corpus/arena.json" \
    --source dsp="$corpus/dsp.csv" \
    --source openhermes="$corpus/openhermes.jsonl" \
    --recipe clean --quota nectar=12000 --quota ultrafeedback=12000 --quota arena=12000 --quota dsp=12000 --total 100000 \
    --json >"$work/summary.json" 2>"$work/stderr.txt") || { cat "$work/stderr.txt" >&2; exit 1; }
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$corpus/planted.json" "$work/summary.json" "$work/time.txt" "$load_before" "$load_after" <<'PY' || status=1
import json, re, sys
planted = json.load(open(sys.argv[1]))
found = json.load(open(sys.argv[2]))["total"]
t = open(sys.argv[3]).read()
def field(name):
    return re.search(re.escape(name) + r":\s*(\S+)", t).group(1)
wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":")
wall_s = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall)))
cpu = float(field("User time (seconds)")) + float(field("System time (seconds)"))
rss = int(field("Maximum resident set size (kbytes)")) / 1024
rows = [("records read", planted["records"], found["read"], "exact"),
        ("bad lines", planted["bad_lines"], found["bad"], "exact"),
        ("exact duplicates", planted["exact_duplicates"], found["duplicate"], "exact"),
        ("filter hits", planted["filter_hits"], found["filtered"], "exact"),
        ("near duplicates", planted["near_duplicates"], found["near_duplicate"], "0.5%")]
ok = True
print(f"corpus: {planted['records']:,} records, {planted['bytes'] / 1e6:.0f} MB ({sys.argv[1].rsplit('/', 1)[0]})")
mbs = planted["bytes"] / 1e6 / wall_s
print(f"{'wall':<18}{wall_s:>10.2f} s   ({mbs:.0f} MB/s; target >= 180 MB/s)")
print(f"{'cpu (user+sys)':<18}{cpu:>10.2f} s   ({planted['bytes'] / 1e6 / cpu:.0f} MB per CPU second)")
# On a shared machine the wall time is what other jobs leave over; the load says how much.
print(f"{'load average':<18}{sys.argv[4]:>10}  before, {sys.argv[5]} after (1, 5, 15 min; {__import__('os').cpu_count()} cores)")
print(f"{'peak RSS':<18}{rss:>10.0f} MB  (target <= 600 MB)")
print(f"{'sampled':<18}{found['sampled']:>10,}")
print(f"\n{'count':<18}{'planted':>10}{'found':>10}  check")
for name, p, f, rule in rows:
    good = p == f if rule == "exact" else abs(f - p) <= 0.005 * p
    ok &= good
    print(f"{name:<18}{p:>10,}{f:>10,}  {'ok' if good else 'MISMATCH'} ({rule})")
print(f"bad by kind: planted {dict(sorted(planted['bad_by_kind'].items()))}")
print(f"             found   {dict(sorted(found.get('bad_reasons', {}).items()))}")
ok &= mbs >= 180 and rss <= 600
print("result:", "PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
PY
done
exit $status
