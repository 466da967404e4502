"""Loads a bench export with Hugging Face `datasets`, as users will, and checks the published
Multifaceted-Bench columns and types. Exits non-zero with the reason.

Usage: python3 check_bench.py BENCH_DIR
"""
import json
import os
import sys

import datasets

datasets.disable_progress_bars()

COLUMNS = ["source", "system", "prompt", "reference_answer", "rubrics"]
SCORES = ["1", "2", "3", "4", "5"]


def fail(message):
    print(f"FAIL: {message}")
    sys.exit(1)


def main(directory):
    manifest = json.load(open(os.path.join(directory, "manifest.json")))
    files = [os.path.join(directory, f["path"]) for f in manifest["files"]]
    ds = datasets.load_dataset("json", data_files={"train": files})["train"]
    if ds.column_names != COLUMNS:
        fail(f"columns are {ds.column_names}, expected {COLUMNS}")
    if ds.num_rows != manifest["total_records"]:
        fail(f"{ds.num_rows} rows loaded, manifest says {manifest['total_records']}")
    for name in COLUMNS[:4]:
        if ds.features[name].dtype != "string":
            fail(f"{name} is {ds.features[name]}, expected a string")
    rubric = ds.features["rubrics"]
    inner = rubric.feature if hasattr(rubric, "feature") else rubric[0]
    if sorted(inner.keys()) != ["criteria", "score_descriptions"]:
        fail(f"a rubric has the fields {sorted(inner.keys())}")
    if sorted(inner["score_descriptions"].keys()) != SCORES:
        fail(f"score_descriptions has the keys {sorted(inner['score_descriptions'].keys())}")
    for i, row in enumerate(ds):
        if len(row["rubrics"]) != 4:
            fail(f"row {i}: {len(row['rubrics'])} rubrics")
        for r in row["rubrics"]:
            if not r["criteria"] or any(not r["score_descriptions"][s] for s in SCORES):
                fail(f"row {i}: a rubric has an empty field")
        if not (row["system"] and row["prompt"] and row["reference_answer"] and row["source"]):
            fail(f"row {i}: an empty field")
    print(f"OK: {ds.num_rows} rows, sources {sorted(set(ds['source']))}")


if __name__ == "__main__":
    main(sys.argv[1])
