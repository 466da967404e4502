"""Loads every export under a directory with Hugging Face `datasets`, as users will, and checks
the columns, their types, and the DPO/ORPO message lists. Exits non-zero with the reason.

Usage: python3 check_exports.py OUT_DIR
"""
import json
import os
import sys

import datasets

datasets.disable_progress_bars()

COLUMNS = {
    "sft": ["main_source", "original_source", "preference_set", "system", "prompt", "output"],
    "sft-small": ["main_source", "original_source", "preference_set", "system", "prompt", "output"],
    "dpo": ["main_source", "original_source", "system", "prompt", "chosen", "rejected"],
    "orpo": ["main_source", "original_source", "system", "prompt", "chosen", "rejected"],
    "rm": ["input", "chosen", "rejected"],
}


def fail(message):
    print(f"FAIL: {message}")
    sys.exit(1)


def check_messages(fmt, row, index):
    chosen, rejected = row["chosen"], row["rejected"]
    for name, messages in (("chosen", chosen), ("rejected", rejected)):
        if not isinstance(messages, list) or not all(isinstance(m, dict) for m in messages):
            fail(f"{fmt} row {index}: {name} is not a list of messages")
        # The system message is the `system` column, not a turn (Argilla's schema, as published).
        if [m["role"] for m in messages] != ["user", "assistant"]:
            fail(f"{fmt} row {index}: {name} roles are {[m['role'] for m in messages]}")
    if chosen[0] != rejected[0]:
        fail(f"{fmt} row {index}: chosen and rejected differ in the user turn")
    if chosen[1]["content"] == rejected[1]["content"]:
        fail(f"{fmt} row {index}: chosen and rejected assistant turns are the same")
    if row["prompt"] != chosen[0]["content"]:
        fail(f"{fmt} row {index}: prompt does not match the user turn")
    if not row["system"]:
        fail(f"{fmt} row {index}: system is empty")


def main(out):
    checked = 0
    for fmt, columns in COLUMNS.items():
        directory = os.path.join(out, fmt)
        if not os.path.isdir(directory):
            continue
        manifest = json.load(open(os.path.join(directory, "manifest.json")))
        splits = sorted({f["split"] for f in manifest["files"]})
        files = {s: [os.path.join(directory, f["path"]) for f in manifest["files"] if f["split"] == s] for s in splits}
        loaded = datasets.load_dataset("json", data_files=files)
        for split in splits:
            ds = loaded[split]
            expected = sum(f["records"] for f in manifest["files"] if f["split"] == split)
            if ds.num_rows != expected:
                fail(f"{fmt}/{split}: {ds.num_rows} rows loaded, manifest says {expected}")
            if ds.num_rows == 0:
                continue
            if ds.column_names != columns:
                fail(f"{fmt}/{split}: columns {ds.column_names}, expected {columns}")
            for name in columns:
                feature = ds.features[name]
                if name == "preference_set":
                    if not isinstance(feature, (list, datasets.Sequence)) and type(feature).__name__ not in ("List", "Sequence"):
                        fail(f"{fmt}: preference_set is {feature}, expected a list")
                elif name in ("chosen", "rejected") and fmt in ("dpo", "orpo"):
                    if type(feature).__name__ not in ("List", "Sequence", "list"):
                        fail(f"{fmt}: {name} is {feature}, expected a list of messages")
                elif getattr(feature, "dtype", None) != "string":
                    fail(f"{fmt}: column {name} is {feature}, expected string")
            for index, row in enumerate(ds):
                if fmt in ("dpo", "orpo"):
                    check_messages(fmt, row, index)
                if fmt in ("sft", "sft-small"):
                    dims = [p["dimension"] for p in row["preference_set"]]
                    if dims != ["style", "background_knowledge", "informativeness", "harmlessness"]:
                        fail(f"{fmt} row {index}: dimensions {dims}")
                if fmt == "rm" and row["chosen"] == row["rejected"]:
                    fail(f"rm row {index}: chosen equals rejected")
            checked += ds.num_rows
    if checked == 0:
        fail(f"no export found under {out}")
    print(f"OK: {checked} rows checked with datasets {datasets.__version__}")


if __name__ == "__main__":
    main(sys.argv[1])
