#!/usr/bin/env python3
"""Word error rate of transcripts against their references (issue 17), overall and for clinical terms apart.

Usage: wer.py REFERENCES HYPOTHESES [--terms samples/audio/clinical-terms.tsv] [--json]
REFERENCES holds ID.txt (what was spoken), HYPOTHESES ID.txt (what the engine heard: `notebridge transcribe` text
output, its `[mm:ss.s - mm:ss.s]` times dropped). Both are normalised by the rules the language model's text was
(scripts/build-speech-model.py, `sentences`): lower case, numbers spoken, acronyms as letters, punctuation dropped.

Overall WER = (substitutions + deletions + insertions) / reference words, summed over the recordings.
Clinical terms: the reference words inside a drug or diagnosis of the terms file (longest match first) or a number
(number words, and "point" between two); their error rate is the share of them that the minimum-edit alignment
substitutes or deletes (insertions belong to no reference word and count only in the overall rate).
"""

import argparse
import importlib.util
import json
import os
import re
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
spec = importlib.util.spec_from_file_location("speech_model", os.path.join(REPO, "scripts", "build-speech-model.py"))
speech_model = importlib.util.module_from_spec(spec)
spec.loader.exec_module(speech_model)
NUMBER_WORDS = set(speech_model.ONES + speech_model.TENS[2:] + ["hundred", "thousand"])


def words(text):
    text = re.sub(r"^\[[0-9:. -]+\]", " ", text, flags=re.M)
    return [w for sentence in speech_model.sentences(text) for w in sentence]


def align(ref, hyp):
    """Per reference word: True when the alignment matches it; and the edit counts (S, D, I)."""
    n, m = len(ref), len(hyp)
    cost = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        cost[i][0] = i
    for j in range(m + 1):
        cost[0][j] = j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            cost[i][j] = min(cost[i - 1][j] + 1, cost[i][j - 1] + 1, cost[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]))
    matched = [False] * n
    s = d = ins = 0
    i, j = n, m
    while i > 0 or j > 0:
        if i > 0 and j > 0 and cost[i][j] == cost[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]):
            if ref[i - 1] == hyp[j - 1]:
                matched[i - 1] = True
            else:
                s += 1
            i, j = i - 1, j - 1
        elif i > 0 and cost[i][j] == cost[i - 1][j] + 1:
            d += 1
            i -= 1
        else:
            ins += 1
            j -= 1
    return matched, (s, d, ins)


def categories(ref, terms):
    """The category of each reference word: drug, diagnosis, number, or None."""
    marks = [None] * len(ref)
    ordered = sorted(terms, key=lambda t: -len(t[1]))
    for i in range(len(ref)):
        if marks[i]:
            continue
        for category, term in ordered:
            if tuple(ref[i:i + len(term)]) == term and not any(marks[i:i + len(term)]):
                for k in range(i, i + len(term)):
                    marks[k] = category
                break
    for i, word in enumerate(ref):
        if marks[i] is None and (word in NUMBER_WORDS or (word == "point" and 0 < i < len(ref) - 1
                                 and ref[i - 1] in NUMBER_WORDS and ref[i + 1] in NUMBER_WORDS)):
            marks[i] = "number"
    return marks


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("references")
    parser.add_argument("hypotheses")
    parser.add_argument("--terms", default=os.path.join(REPO, "samples", "audio", "clinical-terms.tsv"))
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    terms = []
    for line in open(options.terms, encoding="utf-8"):
        if line.strip() and not line.startswith("#"):
            category, term = line.rstrip("\n").split("\t")
            terms.append((category, tuple(words(term))))
    totals = {"words": 0, "S": 0, "D": 0, "I": 0}
    term_totals = {c: [0, 0] for c in ("drug", "diagnosis", "number")}
    recordings = sorted(f[:-4] for f in os.listdir(options.references) if f.endswith(".txt"))
    per_recording = {}
    for identifier in recordings:
        ref = words(open(os.path.join(options.references, identifier + ".txt"), encoding="utf-8").read())
        hyp_path = os.path.join(options.hypotheses, identifier + ".txt")
        hyp = words(open(hyp_path, encoding="utf-8").read()) if os.path.exists(hyp_path) else []
        matched, (s, d, ins) = align(ref, hyp)
        totals["words"] += len(ref)
        totals["S"] += s
        totals["D"] += d
        totals["I"] += ins
        per_recording[identifier] = round((s + d + ins) / max(1, len(ref)), 3)
        for mark, ok in zip(categories(ref, terms), matched):
            if mark:
                term_totals[mark][0] += 1
                term_totals[mark][1] += 0 if ok else 1
    errors = totals["S"] + totals["D"] + totals["I"]
    clinical_words = sum(v[0] for v in term_totals.values())
    clinical_errors = sum(v[1] for v in term_totals.values())
    result = {
        "recordings": len(recordings), "reference words": totals["words"],
        "wer": round(errors / max(1, totals["words"]), 4),
        "substitutions": totals["S"], "deletions": totals["D"], "insertions": totals["I"],
        "clinical terms": {"words": clinical_words, "error rate": round(clinical_errors / max(1, clinical_words), 4)},
        **{f"{c} words": {"words": v[0], "error rate": round(v[1] / max(1, v[0]), 4)} for c, v in term_totals.items()},
        "per recording": per_recording,
    }
    if options.json:
        print(json.dumps(result))
    else:
        print(f"WER {result['wer']:.3f} ({errors} errors: {totals['S']} S, {totals['D']} D, {totals['I']} I, over "
              f"{totals['words']} words in {len(recordings)} recordings); clinical terms "
              f"{result['clinical terms']['error rate']:.3f} of {clinical_words} words (drugs "
              f"{result['drug words']['error rate']:.3f} of {term_totals['drug'][0]}, diagnoses "
              f"{result['diagnosis words']['error rate']:.3f} of {term_totals['diagnosis'][0]}, numbers "
              f"{result['number words']['error rate']:.3f} of {term_totals['number'][0]})")


if __name__ == "__main__":
    main()
