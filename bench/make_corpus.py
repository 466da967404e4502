#!/usr/bin/env python3
"""Writes a seeded synthetic ingest corpus in the five source schemas, and what was planted in it.

Usage: make_corpus.py [--records N] [--seed S] [--cache-root DIR]
Prints the corpus directory. The corpus is cached under DIR (default /tmp) in a folder named
after its parameters and this script's version; a rerun with the same parameters reuses it.

Planted (fractions of all records): 5% exact duplicates (same identity: the same text, or
with white space changed, CRLF line ends, or in NFD), 3% near duplicates (a few words of a
text of 90+ words substituted, inserted or deleted; Jaccard of word 5-grams about 0.88 or
more), 2% filter hits (the paper's regex on the first line, including the known false
positive "You are given ..."), 0.1% bad lines (every kind ingest counts). Negative controls
that must not be filtered: "Can you ...", "What role ...", "Take a look ...", "you are" on
a second line, "You are" in a later Nectar turn. planted.json holds the counts.
Standard library only.
"""
import argparse
import gzip
import hashlib
import json
import os
import random
import shutil
import sys
import unicodedata

VERSION = 6
# Roughly the sizes of the real datasets (Nectar 183k, OpenHermesPreferences 989k,
# UltraFeedback 61k, Chatbot Arena 33k, DSP 13k), in the order ingest reads them.
SOURCES = [
    ("nectar", "nectar.jsonl", 0.141),
    ("ultrafeedback", "ultrafeedback.jsonl.gz", 0.047),
    ("arena", "arena.json", 0.0254),
    ("dsp", "dsp.csv", 0.0100),
    ("openhermes", "openhermes.jsonl", None),
]
P_BAD, P_DUP, P_NEAR, P_FILTER = 0.001, 0.05, 0.03, 0.02
NEAR_MIN_WORDS = 90
MAX_LINE = 1 << 20
BANNED = {"you", "are", "youre", "imagine", "role", "take", "human", "assistant"}
STARTS = ["Write", "Explain", "Describe", "List", "Summarize", "Compare", "Translate", "Design",
          "How do I", "What is", "Why does", "Give me", "Can you", "Please"]
HITS = ["You are a {w} expert. {t}", "you are an assistant that {t}", "Imagine a {w} where {t}",
        "You're a {w} guide. {t}", "Take on the role of a {w} and {t}", "Please take the role of {w}. {t}",
        "You are given a list of {w} numbers. {t}", "Pretend you're a {w}. {t}", "IMAGINE {t}",
        "{t} and imagine the {w}"]
ACCENTED = ["café", "naïve", "résumé", "Zürich", "São", "façade", "jalapeño", "Ångström", "数据", "🙂"]


class Text:
    def __init__(self, rng):
        self.rng = rng
        syll = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "pa", "qui", "dor", "fen", "gal",
                "hum", "jor", "ber", "cas", "mon", "tel", "ran", "sil", "vek", "wy", "xo", "bri", "stra"]
        words = set()
        while len(words) < 9000:
            w = "".join(rng.choice(syll) for _ in range(rng.choice((1, 2, 2, 2, 3))))
            if w not in BANNED:
                words.add(w)
        self.vocab = sorted(words) + ["the", "a", "of", "and", "to", "in", "for", "with", "on", "that",
                                      "is", "it", "this", "data", "code", "story", "list", "model"]

    def words(self, n):
        return self.rng.choices(self.vocab, k=n)

    def sentence_words(self):
        r = self.rng.random()
        if r < 0.6:
            return self.rng.randint(6, 22)
        if r < 0.9:
            return self.rng.randint(20, 70)
        return self.rng.randint(90, 300)

    def make(self, n=None):
        """A fresh instruction: a short question, a paragraph, or several paragraphs."""
        rng = self.rng
        n = n or self.sentence_words()
        body = self.words(n)
        if rng.random() < 0.03:
            body[rng.randrange(len(body))] = rng.choice(ACCENTED)
        start = rng.choice(STARTS)
        if n < 90:
            text = start + " " + " ".join(body) + rng.choice(("?", ".", ":"))
        else:
            paras, i = [], 0
            while i < n:
                k = rng.randint(40, 120)
                paras.append(" ".join(body[i:i + k]) + ".")
                i += k
            text = start + " " + "\n\n".join(paras)
        r = rng.random()
        if r < 0.01:
            text = "What role does " + text  # "role" without "take": not a hit
        elif r < 0.02:
            text = "Take a look at " + text  # "take" without "role"
        elif r < 0.03 and "\n" in text:
            head, tail = text.split("\n", 1)
            text = head + "\nIf you are unsure, say so. " + tail  # "you are" on line 2 only
        return text

    def filter_hit(self):
        rng = self.rng
        t = " ".join(self.words(rng.randint(6, 40))) + "."
        text = rng.choice(HITS).format(w=rng.choice(self.vocab), t=t)
        if rng.random() < 0.2:
            text += "\n" + " ".join(self.words(rng.randint(20, 80))) + "."
        return text

    def near_copy(self, text):
        """A few word edits, spaced apart, so that the 5-gram Jaccard stays about 0.88 or more."""
        rng = self.rng
        tokens = text.split(" ")
        edits = 1 + max(0, (len(tokens) - NEAR_MIN_WORDS) // 90)
        edits = min(edits, 4)
        plain = [i for i in range(2, len(tokens) - 2) if "\n" not in tokens[i]]
        positions = sorted(rng.sample(plain, edits))
        for p in reversed(positions):
            kind = rng.random()
            new = rng.choice(self.vocab)
            while new == tokens[p]:
                new = rng.choice(self.vocab)
            if kind < 0.6:
                tokens[p] = new
            elif kind < 0.85:
                tokens.insert(p, new)
            else:
                del tokens[p]
        return " ".join(tokens)

    def same_identity(self, text):
        """The same identity, written differently."""
        rng = self.rng
        r = rng.random()
        if r < 0.6:
            return text
        if r < 0.75:
            return "  " + text.replace(" ", "  ", 3) + "\n"
        if r < 0.85:
            return text.replace("\n", "\r\n") if "\n" in text else text + " \t"
        nfd = unicodedata.normalize("NFD", text)
        return nfd if nfd != text else "\n" + text


def build(out, records, seed):
    rng = random.Random(seed)
    gen = Text(rng)
    planted = {"records": 0, "exact_duplicates": 0, "near_duplicates": 0, "filter_hits": 0, "bad_lines": 0,
               "bad_by_kind": {}, "blank_lines": 0, "per_source": {}}
    dup_pool, near_pool = [], []
    sizes = []
    for name, _, frac in SOURCES[:-1]:
        sizes.append(int(records * frac))
    sizes.append(records - sum(sizes))
    for (name, filename, _), count in zip(SOURCES, sizes):
        path = os.path.join(out, filename)
        per = {"records": count, "exact_duplicates": 0, "near_duplicates": 0, "filter_hits": 0, "bad_lines": 0}
        opener = gzip.open(path, "wt", encoding="utf-8", newline="", compresslevel=1) if filename.endswith(".gz") \
            else open(path, "w", encoding="utf-8", newline="")
        with opener as f:
            writer = WRITERS[name](f, rng, gen)
            for _ in range(count):
                r = rng.random()
                kind = "original"
                if r < P_BAD:
                    kind = "bad"
                elif r < P_BAD + P_DUP and dup_pool:
                    kind = "dup"
                elif r < P_BAD + P_DUP + P_NEAR and near_pool:
                    kind = "near"
                elif r < P_BAD + P_DUP + P_NEAR + P_FILTER:
                    kind = "filter"
                if kind == "bad":
                    bad = writer.bad()
                    planted["bad_by_kind"][bad] = planted["bad_by_kind"].get(bad, 0) + 1
                    per["bad_lines"] += 1
                    continue
                if kind == "dup":
                    text = gen.same_identity(rng.choice(dup_pool))
                    per["exact_duplicates"] += 1
                elif kind == "near":
                    i = rng.randrange(len(near_pool))
                    text = gen.near_copy(near_pool[i])
                    near_pool[i] = near_pool[-1]
                    near_pool.pop()  # one copy per base: a second would match the first copy too
                    per["near_duplicates"] += 1
                elif kind == "filter":
                    text = gen.filter_hit()
                    per["filter_hits"] += 1
                else:
                    text = gen.make()
                    if len(dup_pool) < 200_000:
                        dup_pool.append(text)
                    else:
                        dup_pool[rng.randrange(len(dup_pool))] = text
                    if text.count(" ") + 1 >= NEAR_MIN_WORDS and len(near_pool) < 100_000:
                        near_pool.append(text)
                writer.write(text)
                if rng.random() < 0.0002 and hasattr(writer, "blank"):
                    writer.blank()
                    planted["blank_lines"] += 1
            writer.close()
        planted["per_source"][name] = {"file": filename, **per}
        for k in ("records", "exact_duplicates", "near_duplicates", "filter_hits", "bad_lines"):
            planted[k] += per[k]
        print(f"  {filename}: {count} records, {os.path.getsize(path) / 1e6:.0f} MB", file=sys.stderr)
    planted["bytes"] = sum(os.path.getsize(os.path.join(out, f)) for _, f, _ in SOURCES)
    with open(os.path.join(out, "planted.json"), "w") as f:
        json.dump(planted, f, indent=1)


class JSONLWriter:
    """One record per line; bad lines of every JSONL kind."""
    field = "prompt"

    def __init__(self, f, rng, gen):
        self.f, self.rng, self.gen, self.long_lines = f, rng, gen, 0

    def record(self, text):
        raise NotImplementedError

    def write(self, text):
        self.f.write(json.dumps(self.record(text), ensure_ascii=False) + "\n")

    def blank(self):
        self.f.write("\n")

    def bad(self):
        r = self.rng.random()
        good = json.dumps(self.record(self.gen.make(12)), ensure_ascii=False)
        if self.long_lines < 2 and r < 0.01:
            self.long_lines += 1
            self.f.write(json.dumps({self.field: "x" * (MAX_LINE + 10)}) + "\n")
            return "too_long"
        if r < 0.3:
            self.f.write(good[: len(good) // 2] + "\n")
            return "invalid_json"
        if r < 0.5:
            self.f.write('{"%s": "bad \\u00e9 byte ' % self.field)
            self.f.flush()
            self.f.buffer.write(b"\xff\xfe")  # not UTF-8: written under the text layer
            self.f.buffer.flush()
            self.f.write('"}\n')
            return "invalid_utf8"
        if r < 0.7:
            self.f.write(json.dumps({"other": "no instruction here"}) + "\n")
            return "missing_field"
        if r < 0.85:
            self.f.write(json.dumps({self.field: 42, "source": None}) + "\n")
            return "wrong_type"
        self.f.write(json.dumps({self.field: "  \n "}) + "\n")
        return "empty_instruction"

    def close(self):
        pass


class Nectar(JSONLWriter):
    def record(self, text):
        rng = self.rng
        prompt = f"\n\nHuman: {text}\n\nAssistant:"
        turns = 1
        if rng.random() < 0.15:
            later = "You are " + " ".join(self.gen.words(8)) + "?"  # a hit only if it were the first turn
            prompt = f"\n\nHuman: {text}\n\nAssistant: {' '.join(self.gen.words(20))}.\n\nHuman: {later}\n\nAssistant:"
            turns = 2
        return {"prompt": prompt, "answers": [{"answer": " ".join(self.gen.words(12)), "model": "gpt-3.5-turbo", "rank": 1.0}],
                "turns": turns, "num_responses": 1, "source": [rng.choice(["sharegpt", "anthropic-hh", "lmsys-chat-1m", "evol_instruct"])],
                "good_natured": True}


class OpenHermes(JSONLWriter):
    def record(self, text):
        rng = self.rng
        return {"source": rng.choice(["airoboros2.2", "glaive-code-assist", "CamelAI", "EvolInstruct_70k", None]),
                "category": rng.choice(["general", "coding", "orca", None]), "prompt": text,
                "chosen_policy": "gpt4", "rejected_policy": "mistral"}


class UltraFeedback(JSONLWriter):
    def record(self, text):
        return {"source": self.rng.choice(["evol_instruct", "ultrachat", "sharegpt", "flan_v2_niv2"]), "prompt": text,
                "prompt_id": hashlib.md5(text.encode()).hexdigest(), "score_chosen": 8.0, "score_rejected": 5.0}


class Arena:
    """One JSON array; bad elements are balanced, so only that element is bad."""

    def __init__(self, f, rng, gen):
        self.f, self.rng, self.gen, self.first = f, rng, gen, True
        f.write("[\n")

    def put(self, s):
        self.f.write(("" if self.first else ",\n") + s)
        self.first = False

    def write(self, text):
        conv = [{"content": text, "role": "user"}, {"content": " ".join(self.gen.words(15)), "role": "assistant"}]
        turn = 1
        if self.rng.random() < 0.1:
            conv += [{"content": "You are " + " ".join(self.gen.words(6)), "role": "user"},
                     {"content": "ok", "role": "assistant"}]
            turn = 2
        self.put(json.dumps({"question_id": "%016x" % self.rng.getrandbits(64), "model_a": "vicuna-13b", "model_b": "koala-13b",
                             "winner": "model_a", "conversation_a": conv, "turn": turn, "language": "English"}, ensure_ascii=False))

    def bad(self):
        r = self.rng.random()
        if r < 0.25:
            self.put('{"conversation_a": [1 2], "turn": 1}')
            return "invalid_json"
        if r < 0.5:
            self.put(json.dumps({"question_id": "x", "turn": 1}))
            return "missing_field"
        if r < 0.75:
            self.put(json.dumps({"conversation_a": "not a list"}))
            return "wrong_type"
        self.put(json.dumps({"conversation_a": [{"content": "hi", "role": "assistant"}]}))
        return "missing_field"

    def close(self):
        self.f.write("\n]\n")


class DSP:
    """CSV with a header; quoted fields hold commas, quotes and line breaks."""

    def __init__(self, f, rng, gen):
        self.f, self.rng, self.gen = f, rng, gen
        f.write("query,academy,business,entertainment,literature\n")

    @staticmethod
    def quote(s):
        return '"' + s.replace('"', '""') + '"'

    def write(self, text):
        answers = [" ".join(self.gen.words(6)) for _ in range(4)]
        self.f.write(",".join([self.quote(text)] + [self.quote(a) for a in answers]) + "\n")

    def bad(self):
        if self.rng.random() < 0.5:
            self.f.write('"a row",with,too,many,fields,here\n')
            return "malformed_row"
        self.f.write('"   ",a,b,c,d\n')
        return "empty_instruction"

    def close(self):
        pass


WRITERS = {"nectar": Nectar, "openhermes": OpenHermes, "ultrafeedback": UltraFeedback, "arena": Arena, "dsp": DSP}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=1_300_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--cache-root", default="/tmp")
    a = ap.parse_args()
    key = f"janus-ingest-corpus-v{VERSION}-n{a.records}-s{a.seed}"
    out = os.path.join(a.cache_root, key)
    if os.path.exists(os.path.join(out, "planted.json")):
        print(out)
        return
    tmp = out + ".partial"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    print(f"generating {a.records} records into {out}", file=sys.stderr)
    build(tmp, a.records, a.seed)
    shutil.rmtree(out, ignore_errors=True)
    os.rename(tmp, out)
    print(out)


if __name__ == "__main__":
    main()
