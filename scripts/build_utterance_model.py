#!/usr/bin/env python3
"""Builds the Scribe's utterance-boundary model: where a sentence ends in speech-recognition output written
without punctuation ("okay so how long have you had this pain about three weeks now").

Source, training splits only, in ../shared/eval:
- ACI-Bench `aci-bench/train.jsonl` (wyim/aci-bench, challenge_data, CC BY 4.0): the transcripts that are
  punctuated (at least one `.`, `?` or `!` per 40 words);
- MTS-Dialog `mts-dialog/MTS-Dialog-TrainingSet.csv` (abachaa/MTS-Dialog, CC BY 4.0): the dialogues.
Each turn's words are read lower-cased without punctuation; a gap is a boundary when the original text has a
sentence mark there. A logistic regression over the words around the gap (two before, two after, their
pairs) and the number of words since the last boundary is fitted with numpy (AdaGrad, L2; deterministic).
The ACI-Bench valid split is only read to report precision and recall at the chosen threshold.
Output: Sources/Scribe/Generated/UtteranceModelData.swift (feature, weight).

Usage: python3 scripts/build_utterance_model.py [--eval ../shared/eval]
"""
import argparse
import collections
import csv
import json
import pathlib
import re

import numpy as np

REPO = pathlib.Path(__file__).resolve().parents[1]
TOKEN = re.compile(r"[a-z0-9'\u2019-]+|[.?!]")
TURN = re.compile(r"^\s*\[?([A-Za-z_ ]+?)\]?\s*[:\]]\s*(.*)$")
THRESHOLD = 0.5
MIN_COUNT = 5


def words_and_marks(text):
    """The turn's words (digits as #) and, per word, whether a sentence mark follows it."""
    words, ends = [], []
    for token in TOKEN.findall(text.lower().replace("\u2019", "'")):
        if token in ".?!":
            if ends:
                ends[-1] = True
            continue
        # As the engine keys a spoken word: letters, digits and apostrophes.
        token = re.sub(r"[^a-z0-9']", "", token).strip("'")
        if not token:
            continue
        words.append("#" if token[0].isdigit() else token)
        ends.append(False)
    return words, ends


def since_bucket(count):
    for limit, name in ((1, "1"), (2, "2"), (3, "3"), (5, "5"), (8, "8"), (12, "12"), (20, "20")):
        if count <= limit:
            return name
    return "many"


def gap_features(words, index, since):
    """Features of the gap after words[index]; `since` counts words since the last boundary (inclusive)."""
    before2 = words[index - 1] if index > 0 else "<s>"
    before = words[index]
    after = words[index + 1] if index + 1 < len(words) else "</s>"
    after2 = words[index + 2] if index + 2 < len(words) else "</s>"
    return ["bias", "a:" + before, "b:" + after, "c:" + after2, "z:" + before2, "ab:" + before + "|" + after,
            "bc:" + after + "|" + after2, "za:" + before2 + "|" + before, "n:" + since_bucket(since)]


def turns_of(text):
    for line in text.splitlines():
        match = TURN.match(line)
        body = match.group(2) if match else line
        if body.strip():
            yield body


def is_punctuated(text):
    marks = sum(text.count(m) for m in ".?!")
    return marks * 40 >= len(text.split())


def examples(turn_texts):
    for text in turn_texts:
        words, ends = words_and_marks(text)
        since = 0
        for index in range(len(words) - 1):
            since += 1
            yield gap_features(words, index, since), ends[index]
            if ends[index]:
                since = 0


def main():
    arguments = argparse.ArgumentParser()
    arguments.add_argument("--eval", default=str(REPO.parent / "shared" / "eval"))
    options = arguments.parse_args()
    evaluation = pathlib.Path(options.eval)
    train_turns = []
    for line in open(evaluation / "aci-bench" / "train.jsonl", encoding="utf-8"):
        transcript = json.loads(line)["transcript"]
        if is_punctuated(transcript):
            train_turns += list(turns_of(transcript))
    with open(evaluation / "mts-dialog" / "MTS-Dialog-TrainingSet.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            train_turns += list(turns_of(row["dialogue"]))
    data = list(examples(train_turns))
    counts = collections.Counter(f for features, _ in data for f in features)
    vocabulary = {f: i for i, f in enumerate(sorted(f for f, c in counts.items() if c >= MIN_COUNT or f == "bias"))}
    rows = [np.array([vocabulary[f] for f in features if f in vocabulary], dtype=np.int64) for features, _ in data]
    labels = np.array([1.0 if end else 0.0 for _, end in data])
    weights = np.zeros(len(vocabulary))
    squares = np.full(len(vocabulary), 1e-8)
    rate, l2 = 0.2, 1e-6
    order = np.arange(len(rows))
    generator = np.random.default_rng(7)
    for _ in range(6):
        generator.shuffle(order)
        for position in order:
            row = rows[position]
            score = weights[row].sum()
            probability = 1.0 / (1.0 + np.exp(-score))
            gradient = (probability - labels[position]) + l2 * weights[row]
            squares[row] += gradient * gradient
            weights[row] -= rate * gradient / np.sqrt(squares[row])

    def boundaries(words):
        since, cuts = 0, set()
        for index in range(len(words) - 1):
            since += 1
            score = sum(weights[vocabulary[f]] for f in gap_features(words, index, since) if f in vocabulary)
            if 1.0 / (1.0 + np.exp(-score)) > THRESHOLD:
                cuts.add(index)
                since = 0
        return cuts

    true_positive = predicted = actual = 0
    for line in open(evaluation / "aci-bench" / "valid.jsonl", encoding="utf-8"):
        transcript = json.loads(line)["transcript"]
        if not is_punctuated(transcript):
            continue
        for text in turns_of(transcript):
            words, ends = words_and_marks(text)
            truth = {i for i, end in enumerate(ends[:-1]) if end}
            cuts = boundaries(words)
            true_positive += len(truth & cuts)
            predicted += len(cuts)
            actual += len(truth)
    precision = true_positive / max(predicted, 1)
    recall = true_positive / max(actual, 1)
    import os
    if os.environ.get("SWEEP"):
        global THRESHOLD
        for THRESHOLD_ in (0.25, 0.3, 0.35, 0.4, 0.45, 0.5):
            THRESHOLD = THRESHOLD_
            tp = pr = ac = 0
            for line in open(evaluation / "aci-bench" / "valid.jsonl", encoding="utf-8"):
                transcript = json.loads(line)["transcript"]
                if not is_punctuated(transcript):
                    continue
                for text in turns_of(transcript):
                    words, ends = words_and_marks(text)
                    truth = {i for i, end in enumerate(ends[:-1]) if end}
                    cuts = boundaries(words)
                    tp += len(truth & cuts); pr += len(cuts); ac += len(truth)
            p_, r_ = tp / max(pr, 1), tp / max(ac, 1)
            print(THRESHOLD_, round(p_, 3), round(r_, 3), round(2 * p_ * r_ / max(p_ + r_, 1e-9), 3))

    kept = sorted((f, w) for f, w in zip(sorted(vocabulary, key=vocabulary.get), weights) if abs(w) >= 0.1 or f == "bias")
    output = REPO / "Sources" / "Scribe" / "Generated" / "UtteranceModelData.swift"
    output.write_text(
        "// Generated by scripts/build_utterance_model.py; do not edit.\n"
        "// Source: ACI-Bench train (punctuated transcripts) and MTS-Dialog train dialogues (CC BY 4.0).\n"
        "// Logistic-regression weight per feature of the gap after a word (a: word before, b: word after,\n"
        f"// c: second after, z: second before, pairs, n: words since the last boundary); threshold {THRESHOLD}.\n"
        f"// ACI-Bench valid (punctuation removed): boundary precision {precision:.3f}, recall {recall:.3f}.\n\n"
        "extension UtteranceModel {\n"
        "    static let embeddedTable = \"\"\"\n"
        + "\n".join(f"        {f}\t{w:.4f}" for f, w in kept)
        + "\n        \"\"\"\n}\n",
        encoding="utf-8")
    print(f"{len(data)} gaps, {len(vocabulary)} features, {len(kept)} kept -> {output.relative_to(REPO)}; "
          f"valid precision {precision:.3f} recall {recall:.3f}")


if __name__ == "__main__":
    main()
