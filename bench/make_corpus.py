#!/usr/bin/env python3
"""Writes a seeded synthetic ingest corpus in the five source schemas, and what was planted in it.

Usage: make_corpus.py [--records N] [--seed S] [--shape realistic|ascii] [--cache-root DIR]
Prints the corpus directory. The corpus is cached under DIR (default /tmp) in a folder named
after its parameters and this script's version; a rerun with the same parameters reuses it.

Shapes: `realistic` (the default) gives records the real sources' sizes and fields (Nectar with
3-7 answers, OpenHermesPreferences with chosen/rejected conversations, UltraFeedback with chosen/rejected/messages, Chatbot Arena with two
conversations and moderation fields, DSP with paragraph answers; about 2.7 GB for 1.3M
records) and text that mixes scripts: accented Latin, curly quotes and dashes, Cyrillic,
Arabic (some with vowel marks), Chinese, Japanese, Korean, emoji (with skin tones, ZWJ
sequences, flags) and some originals written in NFD. `ascii` is the earlier corpus: short
records, ASCII text but for 3% of records with one accented word (about 0.7 GB).

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

VERSION = 8
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
# Syllables of the other scripts of the realistic shape.
LATIN_ACCENT = ["ré", "ça", "ño", "lü", "gö", "bé", "mâ", "ží", "šo", "ły", "øn", "år", "ė", "ő", "ţa", "ú", "ï", "ê"]
CYRILLIC = ["ка", "ло", "ми", "не", "ру", "са", "ти", "во", "зе", "па", "жи", "щу", "ых", "юр", "яс", "ёл", "дь", "гі"]
ARABIC = ["كا", "لو", "مي", "نه", "رو", "سا", "تي", "وا", "زا", "با", "قا", "دي", "شم", "عل", "ية", "ال"]
HARAKAT = ["\u064e", "\u064f", "\u0650", "\u0651", "\u0652"]
EMOJI = ["🙂", "🚀", "👍🏽", "👩\u200d💻", "🇫🇷", "❤\ufe0f", "😂", "🤔", "✨", "🎉", "👨\u200d👩\u200d👧", "🔥"]
CJK_STARTS = ["请解释", "写一篇", "描述一下", "比较", "列出", "总结", "翻译", "设计", "如何", "什么是", "説明してください", "書いてください"]
QUOTES = [("“", "”"), ("‘", "’"), ("«", "»"), ("„", "“")]


class Text:
    def __init__(self, rng, realistic=False):
        self.rng = rng
        self.realistic = realistic
        syll = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "pa", "qui", "dor", "fen", "gal",
                "hum", "jor", "ber", "cas", "mon", "tel", "ran", "sil", "vek", "wy", "xo", "bri", "stra"]
        words = set()
        while len(words) < 9000:
            w = "".join(rng.choice(syll) for _ in range(rng.choice((1, 2, 2, 2, 3))))
            if w not in BANNED:
                words.add(w)
        self.vocab = sorted(words) + ["the", "a", "of", "and", "to", "in", "for", "with", "on", "that",
                                      "is", "it", "this", "data", "code", "story", "list", "model"]
        if realistic:
            def script(syllables, count):
                out = set()
                while len(out) < count:
                    out.add("".join(rng.choice(syllables) for _ in range(rng.choice((1, 2, 2, 3)))))
                return sorted(out)
            self.latin = script([x for x in syll] + LATIN_ACCENT * 2, 3000)
            self.cyrillic = script(CYRILLIC, 3000)
            self.arabic = script(ARABIC, 2000)
            self.han = [chr(c) for c in rng.sample(range(0x4E00, 0x9FA5), 3000)]
            self.kana = [chr(c) for c in range(0x3041, 0x3097)] + [chr(c) for c in range(0x30A1, 0x30F7)]
            self.hangul = [chr(c) for c in rng.sample(range(0xAC00, 0xD7A4), 1500)]
            self.answers = [self.answer_text() for _ in range(6000)]

    def script_words(self, n):
        """n words in one of the scripts real prompts are written in (the realistic shape)."""
        rng = self.rng
        r = rng.random()
        if r < 0.62:
            body = self.words(n)
            if rng.random() < 0.15:
                i = rng.randrange(n)
                a, b = rng.choice(QUOTES)
                body[i] = a + body[i] + b
                if n > 4:
                    body[rng.randrange(n)] += " —"
            for _ in range(rng.choice((0, 0, 0, 1, 2))):
                body[rng.randrange(n)] = rng.choice(ACCENTED)
            return body, " "
        if r < 0.72:
            return [rng.choice(self.latin) if rng.random() < 0.5 else w for w in self.words(n)], " "
        if r < 0.80:
            return rng.choices(self.cyrillic, k=n), " "
        if r < 0.84:
            body = rng.choices(self.arabic, k=n)
            if rng.random() < 0.15:  # vowel marks: combining, so not NFC quick-check "yes"
                body = [w + rng.choice(HARAKAT) if rng.random() < 0.3 else w for w in body]
            return body, " "
        if r < 0.90:
            return self.clauses(self.han, n), ""
        if r < 0.93:
            if rng.random() < 0.5:
                return self.clauses(self.kana + self.han, n), ""
            return ["".join(rng.choices(self.hangul, k=rng.randint(1, 3))) for _ in range(n)], " "
        body = self.words(n)
        for _ in range(rng.randint(1, 3)):
            body[rng.randrange(n)] += " " + rng.choice(EMOJI)
        if rng.random() < 0.5:
            body[rng.randrange(n)] = rng.choice(self.cyrillic + self.han)
        return body, " "

    def clauses(self, chars, n):
        """n tokens of 1-4 characters written without spaces, a comma or full stop every 2-6
        tokens, as Chinese and Japanese are written."""
        rng = self.rng
        tokens, left = [], rng.randint(2, 6)
        for _ in range(n):
            token = "".join(rng.choices(chars, k=rng.randint(1, 4)))
            left -= 1
            if left == 0:
                token += rng.choice("，，，。、")
                left = rng.randint(2, 6)
            tokens.append(token)
        return tokens

    def answer_text(self):
        """A model answer: a few paragraphs, 100 bytes to several KB (lognormal)."""
        rng = self.rng
        n = max(8, min(900, int(rng.lognormvariate(3.0, 0.8))))
        body, sep = self.script_words(n)
        paras, i = [], 0
        while i < n:
            k = rng.randint(25, 90)
            paras.append(sep.join(body[i:i + k]) + ("。" if sep == "" else "."))
            i += k
        return "\n\n".join(paras)

    def answer(self):
        return self.rng.choice(self.answers)

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
        sep = " "
        if self.realistic:
            body, sep = self.script_words(n)
        else:
            body = self.words(n)
            if rng.random() < 0.03:
                body[rng.randrange(len(body))] = rng.choice(ACCENTED)
        start = rng.choice(CJK_STARTS if sep == "" else STARTS)
        if n < 90:
            text = start + " " + sep.join(body) + rng.choice(("?", ".", ":"))
        else:
            paras, i = [], 0
            while i < n:
                k = rng.randint(40, 120)
                paras.append(sep.join(body[i:i + k]) + ".")
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
        if self.realistic and rng.random() < 0.005:
            nfd = unicodedata.normalize("NFD", text)  # an original written decomposed
            text = nfd if nfd != text else text
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


def build(out, records, seed, realistic):
    rng = random.Random(seed)
    gen = Text(rng, realistic)
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
            writer = (REALISTIC_WRITERS if realistic else WRITERS)[name](f, rng, gen)
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

MODELS = ["gpt-4", "gpt-3.5-turbo", "claude-2", "llama-2-70b-chat", "mistral-7b-instruct", "vicuna-33b", "wizardlm-70b"]


def messages(gen, prompt, turns=1, system=False):
    conv = [{"content": "You are a helpful assistant.", "role": "system"}] if system else []
    conv += [{"content": prompt, "role": "user"}, {"content": gen.answer(), "role": "assistant"}]
    for _ in range(turns - 1):
        conv += [{"content": " ".join(gen.words(gen.rng.randint(5, 30))) + "?", "role": "user"},
                 {"content": gen.answer(), "role": "assistant"}]
    return conv


class RealNectar(Nectar):
    """Nectar as published: a transcript prompt and 3-7 ranked answers."""

    def record(self, text):
        rec = super().record(text)
        k = self.rng.choice((3, 4, 5, 6, 7, 7, 7))
        rec["answers"] = [{"answer": self.gen.answer(), "model": m, "rank": float(i + 1)}
                          for i, m in enumerate(self.rng.sample(MODELS, k))]
        rec["num_responses"] = k
        return rec


class RealOpenHermes(OpenHermes):
    """OpenHermesPreferences: whole chosen and rejected conversations, policies and ranks."""

    def record(self, text):
        rng, gen = self.rng, self.gen
        system = rng.random() < 0.2
        chosen, rejected = messages(gen, text, system=system), messages(gen, text, system=system)
        return {"source": rng.choice(["airoboros2.2", "glaive-code-assist", "CamelAI", "EvolInstruct_70k", None]),
                "category": rng.choice(["general", "coding", "orca", None]), "prompt": text,
                "candidate_policies": ["gpt4", "mistral-7b"], "ranks": [0, 1],
                "rejected_policy": "mistral-7b", "rejected": rejected,
                "chosen_policy": "gpt4", "chosen": chosen, "token_count": rng.randint(100, 2000)}


class RealUltraFeedback(UltraFeedback):
    """ultrafeedback_binarized_cleaned: prompt, chosen, rejected and messages."""

    def record(self, text):
        rec = super().record(text)
        chosen, rejected = messages(self.gen, text), messages(self.gen, text)
        rec.update(chosen=chosen, rejected=rejected, messages=chosen)
        return rec


class RealArena(Arena):
    """Chatbot Arena conversations: two conversations, judge, moderation and toxicity fields."""

    def write(self, text):
        rng, gen = self.rng, self.gen
        turns = 2 if rng.random() < 0.1 else 1
        conv_a = messages(gen, text, turns)
        if turns == 2:
            conv_a[2]["content"] = "You are " + " ".join(gen.words(6))  # a hit only in the first turn
        conv_b = [dict(m) for m in conv_a]
        for m in conv_b[1::2]:
            m["content"] = gen.answer()
        categories = ["harassment", "hate", "self-harm", "sexual", "violence", "sexual/minors", "hate/threatening",
                      "violence/graphic", "self-harm/intent", "self-harm/instructions", "harassment/threatening"]
        moderation = {"categories": {c: False for c in categories},
                      "category_scores": {c: rng.random() * 1e-3 for c in categories}, "flagged": False}
        a, b = rng.sample(MODELS, 2)
        self.put(json.dumps({"question_id": "%016x" % rng.getrandbits(64), "model_a": a, "model_b": b,
                             "winner": rng.choice(["model_a", "model_b", "tie", "tie (bothbad)"]),
                             "judge": "arena_user_%d" % rng.randrange(10 ** 6), "conversation_a": conv_a,
                             "conversation_b": conv_b, "turn": turns, "anony": True, "language": "English",
                             "tstamp": 1682000000 + rng.random() * 1e7, "openai_moderation": moderation,
                             "toxic_chat_tag": {"roberta-large": {"flagged": False, "probability": rng.random() * 0.01},
                                                "t5-large": {"flagged": False, "score": rng.random() * 1e-4}}},
                            ensure_ascii=False))


class RealDSP(DSP):
    """Domain-specific preference: four paragraph answers, one per domain."""

    def write(self, text):
        answers = [self.gen.answer() for _ in range(4)]
        self.f.write(",".join([self.quote(text)] + [self.quote(a) for a in answers]) + "\n")


REALISTIC_WRITERS = {"nectar": RealNectar, "openhermes": RealOpenHermes, "ultrafeedback": RealUltraFeedback,
                     "arena": RealArena, "dsp": RealDSP}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=1_300_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--shape", choices=["realistic", "ascii"], default="realistic")
    ap.add_argument("--cache-root", default="/tmp")
    a = ap.parse_args()
    key = f"janus-ingest-corpus-v{VERSION}-{a.shape}-n{a.records}-s{a.seed}"
    out = os.path.join(a.cache_root, key)
    if os.path.exists(os.path.join(out, "planted.json")):
        print(out)
        return
    tmp = out + ".partial"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    print(f"generating {a.records} records into {out}", file=sys.stderr)
    build(tmp, a.records, a.seed, a.shape == "realistic")
    shutil.rmtree(out, ignore_errors=True)
    os.rename(tmp, out)
    print(out)


if __name__ == "__main__":
    main()
