"""Writes JSON Lines records as Parquet in a source dataset's published schema (pyarrow).

Usage: write_parquet.py SPEC.json

SPEC is a list of jobs: {"input": records.jsonl, "output": x.parquet, "schema": nectar |
openhermes | ultrafeedback | arena, "codec": none | snappy | gzip | zstd, "dictionary": bool,
"row_group_size": rows, "page_size": bytes, "page_version": "1.0" | "2.0",
"plain_columns": {column: encoding}}. Columns a record lacks are filled the way the published
files fill them (nulls, or a long filler for the large answer columns, so that reading only
the prompt column matters). Prints, per job, the byte offset of each row group's first column
chunk of the prompt field (tests corrupt it to check error messages).
"""

import json
import sys

import pyarrow as pa
import pyarrow.parquet as pq

MESSAGE = pa.struct([("content", pa.string()), ("role", pa.string())])
MESSAGES = pa.list_(MESSAGE)

SCHEMAS = {
    "nectar": pa.schema([
        ("prompt", pa.string()),
        ("answers", pa.list_(pa.struct([("answer", pa.string()), ("model", pa.string()), ("rank", pa.float64())]))),
        ("turns", pa.int64()),
        ("num_responses", pa.int64()),
        ("source", pa.list_(pa.string())),
        ("good_natured", pa.bool_()),
    ]),
    "openhermes": pa.schema([
        ("source", pa.string()),
        ("category", pa.string()),
        ("prompt", pa.string()),
        ("candidates_completions", pa.list_(pa.string())),
        ("candidate_policies", pa.list_(pa.string())),
        ("ranks", pa.list_(pa.int64())),
        ("rank_str", pa.string()),
        ("chosen_policy", pa.string()),
        ("chosen", MESSAGES),
        ("rejected_policy", pa.string()),
        ("rejected", MESSAGES),
    ]),
    "ultrafeedback": pa.schema([
        ("prompt", pa.string()),
        ("prompt_id", pa.string()),
        ("chosen", MESSAGES),
        ("rejected", MESSAGES),
        ("messages", MESSAGES),
        ("score_chosen", pa.float64()),
        ("score_rejected", pa.float64()),
        ("source", pa.string()),
    ]),
    "arena": pa.schema([
        ("question_id", pa.string()),
        ("model_a", pa.string()),
        ("model_b", pa.string()),
        ("winner", pa.string()),
        ("judge", pa.string()),
        ("conversation_a", MESSAGES),
        ("conversation_b", MESSAGES),
        ("turn", pa.int64()),
        ("anony", pa.bool_()),
        ("language", pa.string()),
        ("tstamp", pa.float64()),
        ("openai_moderation", pa.struct([
            ("categories", pa.struct([("harassment", pa.bool_()), ("violence", pa.bool_())])),
            ("category_scores", pa.struct([("harassment", pa.float64()), ("violence", pa.float64())])),
            ("flagged", pa.bool_()),
        ])),
        ("toxic_chat_tag", pa.struct([("roberta-large", pa.struct([("flagged", pa.bool_()), ("probability", pa.float64())]))])),
    ]),
}

PROMPT_FIELD = {"nectar": "prompt", "openhermes": "prompt", "ultrafeedback": "prompt", "arena": "conversation_a"}


def filler(name, n):
    """What the published files hold in the columns presets do not read."""
    long = ("A long candidate answer that only the skipped columns hold. " * 20).strip()
    if name == "answers":
        return [{"answer": long, "model": "gpt-4", "rank": 1.0}, {"answer": long[::-1], "model": "llama", "rank": 2.0}]
    if name in ("candidates_completions",):
        return [long, long.upper()]
    if name in ("chosen", "rejected", "messages", "conversation_b"):
        return [{"content": "question %d" % n, "role": "user"}, {"content": long, "role": "assistant"}]
    return None


def rows(path, schema):
    out = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f):
            if not line.strip():
                continue
            record = json.loads(line)
            out.append({field.name: record[field.name] if field.name in record else filler(field.name, n) for field in schema})
    return out


def main():
    jobs = json.load(open(sys.argv[1], encoding="utf-8"))
    report = []
    for job in jobs:
        schema = SCHEMAS[job["schema"]]
        table = pa.Table.from_pylist(rows(job["input"], schema), schema=schema)
        options = {
            "compression": job.get("codec", "snappy"),
            "use_dictionary": job.get("dictionary", True),
            "row_group_size": job.get("row_group_size", 1 << 20),
            "data_page_size": job.get("page_size", 1 << 20),
            "data_page_version": job.get("page_version", "1.0"),
            "write_batch_size": job.get("write_batch_size", 1024),
        }
        if job.get("plain_columns"):
            options["column_encoding"] = job["plain_columns"]
            options["use_dictionary"] = False
        pq.write_table(table, job["output"], **options)
        metadata = pq.ParquetFile(job["output"]).metadata
        prompt = PROMPT_FIELD[job["schema"]]
        offsets = []
        for g in range(metadata.num_row_groups):
            group = metadata.row_group(g)
            for c in range(group.num_columns):
                column = group.column(c)
                if column.path_in_schema.split(".")[0] == prompt:
                    offsets.append(column.dictionary_page_offset or column.data_page_offset)
                    break
        report.append({"output": job["output"], "row_groups": metadata.num_row_groups, "prompt_offsets": offsets})
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    main()
