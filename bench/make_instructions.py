"""Writes N distinct synthetic instructions as JSONL ({"prompt": ...}), seeded, about
LENGTH characters each. Used by the export benchmark to fill a store.

Usage: python3 make_instructions.py N LENGTH OUT
"""
import json
import random
import sys

WORDS = (
    "explain describe compare design implement analyse summarise evaluate the a of and for with in on to "
    "network database kernel compiler garden recipe history economy protein theorem language market river "
    "algorithm memory cache thread budget poem essay museum climate vaccine engine orbit library contract "
    "quickly carefully simply deeply clearly briefly precisely gently boldly"
).split()


def main():
    n, length, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    rng = random.Random(20240601)
    with open(out, "w") as f:
        for i in range(n):
            words = [f"Task {i}:"]
            size = len(words[0])
            while size < length:
                w = rng.choice(WORDS)
                words.append(w)
                size += len(w) + 1
            f.write(json.dumps({"prompt": " ".join(words)}) + "\n")


if __name__ == "__main__":
    main()
