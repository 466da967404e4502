"""Reads the DPO and ORPO exports under a directory the way two trainers do, and checks that each
reader gets the system message, the instruction and the two answers that were generated.

- axolotl's `orpo.chat_template` strategy (the one the Janus ORPO config uses): the system
  message from the `system` column, the user turn from `chosen[0]`, the answer from
  `chosen[1]["content"]` (and `rejected[1]["content"]`).
- TRL's conversational preference format: a string `prompt` beside message-list `chosen` and
  `rejected` is an implicit prompt, so TRL (`maybe_extract_prompt`) takes the longest common
  leading run of `chosen` and `rejected` as the prompt and the rest of each as the completion.

"The answer" is checked against the `sft` export of the same directory: the chosen answer must
be the SFT output written for the row's system message and instruction, the rejected one the
output written for another of that instruction's system messages. A list that put the system
message first would hand axolotl the user turn as the answer, and fail here.

Usage: python3 read_preference_pairs.py OUT_DIR   (exits non-zero with the reason)
"""
import gzip
import json
import os
import sys


def fail(message):
    print(f"FAIL: {message}")
    sys.exit(1)


def records(directory):
    manifest = json.load(open(os.path.join(directory, "manifest.json")))
    for entry in manifest["files"]:
        path = os.path.join(directory, entry["path"])
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                yield json.loads(line)


def axolotl_orpo_chat_template(row):
    """What the strategy builds: (system, user, chosen answer, rejected answer)."""
    system = row.get("system") or ""
    return system, row["chosen"][0]["content"], row["chosen"][1]["content"], row["rejected"][1]["content"]


def is_conversational(value):
    return isinstance(value, list) and len(value) > 0 and isinstance(value[0], dict) and "role" in value[0] and "content" in value[0]


def trl_conversational_preference(row):
    """What TRL trains on: (prompt messages, chosen completion, rejected completion)."""
    chosen, rejected, prompt = row["chosen"], row["rejected"], row["prompt"]
    if is_conversational(prompt) == is_conversational(chosen):
        return prompt, chosen, rejected  # an explicit prompt
    # An implicit prompt: the shared leading messages of chosen and rejected.
    shared = 0
    while shared < min(len(chosen), len(rejected)) and chosen[shared] == rejected[shared]:
        shared += 1
    return chosen[:shared], chosen[shared:], rejected[shared:]


def main(out):
    outputs = {}
    for row in records(os.path.join(out, "sft")):
        outputs[(row["prompt"], row["system"])] = row["output"]
    if not outputs:
        fail(f"no sft records under {out}: the answers cannot be checked")
    checked = 0
    for fmt in ("dpo", "orpo"):
        directory = os.path.join(out, fmt)
        if not os.path.isdir(directory):
            continue
        for index, row in enumerate(records(directory)):
            where = f"{fmt} row {index}"
            if list(row.keys()) != ["main_source", "original_source", "system", "prompt", "chosen", "rejected"]:
                fail(f"{where}: columns {list(row.keys())}")
            written = {system: output for (prompt, system), output in outputs.items() if prompt == row["prompt"]}
            if row["system"] not in written:
                fail(f"{where}: the system message is not one written for this instruction")

            system, user, chosen, rejected = axolotl_orpo_chat_template(row)
            if system != row["system"] or user != row["prompt"]:
                fail(f"{where}: axolotl reads system {system[:40]!r} and user {user[:40]!r}")
            if chosen != written[system]:
                fail(f"{where}: axolotl's chosen answer {chosen[:40]!r} is not the response to the system message")
            if rejected not in [output for other, output in written.items() if other != system]:
                fail(f"{where}: axolotl's rejected answer {rejected[:40]!r} is not a response to another system message")
            if chosen == rejected:
                fail(f"{where}: axolotl's two answers are the same")

            prompt, chosen_turns, rejected_turns = trl_conversational_preference(row)
            if prompt != [{"role": "user", "content": row["prompt"]}]:
                fail(f"{where}: TRL's prompt is {prompt}")
            for name, turns, answer in (("chosen", chosen_turns, chosen), ("rejected", rejected_turns, rejected)):
                if turns != [{"role": "assistant", "content": answer}]:
                    fail(f"{where}: TRL's {name} completion is {turns}")
            if chosen_turns == rejected_turns:
                fail(f"{where}: TRL's two completions are the same")
            checked += 1
    if checked == 0:
        fail(f"no dpo or orpo records under {out}")
    print(f"OK: {checked} preference pairs read as axolotl orpo.chat_template and TRL do")


if __name__ == "__main__":
    main(sys.argv[1])
