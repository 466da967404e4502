"""ROUGE-L F1 from the `rouge-score` package, which the paper used (Appendix B.1), with its
defaults (no stemming). Reads a JSON file holding a list of [target, prediction] pairs and
prints a JSON list of their F1 scores, so the tests can compare janus-data's own ROUGE-L with it.

Usage: python3 rouge_reference.py PAIRS.json
"""
import json
import sys

from rouge_score import rouge_scorer


def main(path):
    pairs = json.load(open(path, encoding="utf-8"))
    scorer = rouge_scorer.RougeScorer(["rougeL"])
    scores = [scorer.score(target, prediction)["rougeL"].fmeasure for target, prediction in pairs]
    print(json.dumps(scores))


if __name__ == "__main__":
    main(sys.argv[1])
