#!/usr/bin/env python3
"""Writes the ingest benchmark corpus (bench/make_corpus.py) as the Hub publishes it: Parquet,
Snappy, in each source's schema (Tests/python/write_parquet.py; arena with every moderation
category), large columns included (Nectar's answers, OpenHermes' candidates_completions and
chosen/rejected conversations, UltraFeedback's chosen/rejected/messages, arena's two
conversations), beside a JSON Lines copy of
exactly the records the Parquet files hold (lines that are not a record of the schema, as the
corpus plants a few, are left out of both), so that the two ingests can be compared.

Usage: make_parquet.py CORPUS_DIR OUT_DIR [PRESET ...]    (needs pyarrow: the .venv of `make setup-test`)
Writes OUT_DIR/<preset>.parquet and OUT_DIR/<preset>.jsonl; streams, 50k rows at a time.
"""
import gzip
import json
import os
import sys

import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "python"))
from write_parquet import MESSAGES, SCHEMAS  # noqa: E402

# The published arena files carry every moderation category and both toxicity models.
CATEGORIES = ["harassment", "hate", "self-harm", "sexual", "violence", "sexual/minors", "hate/threatening",
              "violence/graphic", "self-harm/intent", "self-harm/instructions", "harassment/threatening"]
ARENA = pa.schema([field for field in SCHEMAS["arena"] if field.name not in ("openai_moderation", "toxic_chat_tag")] + [
    ("openai_moderation", pa.struct([
        ("categories", pa.struct([(c, pa.bool_()) for c in CATEGORIES])),
        ("category_scores", pa.struct([(c, pa.float64()) for c in CATEGORIES])),
        ("flagged", pa.bool_()),
    ])),
    ("toxic_chat_tag", pa.struct([
        ("roberta-large", pa.struct([("flagged", pa.bool_()), ("probability", pa.float64())])),
        ("t5-large", pa.struct([("flagged", pa.bool_()), ("score", pa.float64())])),
    ])),
])
BENCH_SCHEMAS = dict(SCHEMAS, arena=ARENA)
assert MESSAGES in [f.type for f in ARENA]


def completions(record):
    """OpenHermesPreferences lists both candidates' completions beside the two conversations:
    the last assistant turn of each, when the corpus gives the conversations but not the list."""
    if "candidates_completions" in record or not isinstance(record.get("chosen"), list):
        return record.get("candidates_completions")
    out = []
    for side in ("chosen", "rejected"):
        turns = [m.get("content") for m in record.get(side) or [] if isinstance(m, dict) and m.get("role") == "assistant"]
        out.append(turns[-1] if turns else None)
    return out

FILES = {"nectar": "nectar.jsonl", "ultrafeedback": "ultrafeedback.jsonl.gz", "arena": "arena.json", "openhermes": "openhermes.jsonl"}
CHUNK = 50_000


def records(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        for line in f:
            # The benchmark's JSON array puts one element on each line.
            line = line.strip().rstrip(b",")
            if line in (b"[", b"]", b""):
                continue
            try:
                yield json.loads(line.decode("utf-8"))
            except ValueError:  # not UTF-8, or not JSON: a planted bad line
                continue


def table(rows, schema):
    """The rows as a table; rows that do not fit the schema are dropped."""
    try:
        return pa.Table.from_pylist(rows, schema=schema), rows
    except (pa.ArrowException, TypeError, ValueError):
        kept = []
        for row in rows:
            try:
                pa.Table.from_pylist([row], schema=schema)
                kept.append(row)
            except (pa.ArrowException, TypeError, ValueError):
                pass
        return pa.Table.from_pylist(kept, schema=schema), kept


def convert(preset, source, out_dir):
    schema = BENCH_SCHEMAS[preset]
    writer = pq.ParquetWriter(os.path.join(out_dir, preset + ".parquet"), schema, compression="snappy")
    with open(os.path.join(out_dir, preset + ".jsonl"), "w", encoding="utf-8") as jsonl:
        chunk = []

        def flush():
            t, kept = table(chunk, schema)
            writer.write_table(t)
            for row in kept:
                jsonl.write(json.dumps(row, ensure_ascii=False) + "\n")
            chunk.clear()

        for record in records(source):
            if not isinstance(record, dict):
                continue
            row = {field.name: record.get(field.name) for field in schema}
            if preset == "openhermes":
                row["candidates_completions"] = completions(record)
            chunk.append(row)
            if len(chunk) == CHUNK:
                flush()
        if chunk:
            flush()
    writer.close()


def main():
    corpus, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    for preset, name in FILES.items():
        if len(sys.argv) > 3 and preset not in sys.argv[3:]:
            continue
        convert(preset, os.path.join(corpus, name), out_dir)


if __name__ == "__main__":
    main()
