#!/usr/bin/env python3
"""Builds the Scribe's section model: a logistic-regression classifier of sentences into SOAP divisions
(subjective, objective, assessment_plan) over word and word-pair presence, from public training data.

Sources (both CC BY 4.0, in ../shared/eval):
  - ACI-Bench `aci-bench/train.jsonl` (wyim/aci-bench, challenge_data): the reference notes, split into
    divisions by their headers with the scorer's own sections.py;
  - MTS-Dialog `mts-dialog/MTS-Dialog-TrainingSet.csv` (abachaa/MTS-Dialog): section texts with their
    section header, mapped to a division.
No validation or development split is read. Training is deterministic (full-batch gradient descent from
zero weights). Output: Sources/Scribe/Generated/SectionModelData.swift, a tab-separated table of weights in
a Swift string literal.

Usage: python3 scripts/build_section_model.py [--eval ../shared/eval]   (needs numpy)
"""
import argparse
import collections
import csv
import json
import pathlib
import re
import sys

import numpy as np

REPO = pathlib.Path(__file__).resolve().parents[1]
DIVISIONS = ["subjective", "objective", "assessment_plan"]
MTS_DIALOG_HEADERS = {
    "GENHX": "subjective", "CC": "subjective", "ROS": "subjective", "FAM/SOCHX": "subjective",
    "PASTMEDICALHX": "subjective", "PASTSURGICAL": "subjective", "ALLERGY": "subjective",
    "MEDICATIONS": "subjective", "IMMUNIZATIONS": "subjective", "GYNHX": "subjective",
    "OTHER_HISTORY": "subjective",
    "EXAM": "objective", "IMAGING": "objective", "LABS": "objective", "PROCEDURES": "objective",
    "ASSESSMENT": "assessment_plan", "DIAGNOSIS": "assessment_plan", "PLAN": "assessment_plan",
    "DISPOSITION": "assessment_plan", "EDCOURSE": "assessment_plan",
}
TOKEN = re.compile(r"[a-z]+|[0-9]+")
SENTENCE = re.compile(r"(?<=[.?!])\s+|\n+")


def tokens(text):
    """Lower-case words; every number is `#` (the Swift side tokenises the same way)."""
    return ["#" if t[0].isdigit() else t for t in TOKEN.findall(text.lower())]


def features(text):
    """Word presence and adjacent word pairs (`a_b`), as the Swift side computes them."""
    words = tokens(text)
    return set(words) | {a + "_" + b for a, b in zip(words, words[1:])}


def main():
    arguments = argparse.ArgumentParser()
    arguments.add_argument("--eval", default=str(REPO.parent / "shared" / "eval"))
    arguments.add_argument("--minimum-count", type=int, default=2)
    arguments.add_argument("--epochs", type=int, default=300)
    arguments.add_argument("--l2", type=float, default=1e-3)
    options = arguments.parse_args()
    evaluation = pathlib.Path(options.eval)
    sys.path.insert(0, str(evaluation))
    import sections  # the scorer's header splitter, so labels match what is scored

    examples = []

    def add(division, text):
        for sentence in SENTENCE.split(text):
            found = features(sentence)
            if found:
                examples.append((found, DIVISIONS.index(division)))

    for line in open(evaluation / "aci-bench" / "train.jsonl", encoding="utf-8"):
        row = json.loads(line)
        for division, text in sections.split_divisions(row["reference_note"]).items():
            add(division, text)
    with open(evaluation / "mts-dialog" / "MTS-Dialog-TrainingSet.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            division = MTS_DIALOG_HEADERS.get(row["section_header"])
            if division:
                add(division, row["section_text"])

    counts = collections.Counter(f for found, _ in examples for f in found)
    vocabulary = sorted(f for f, n in counts.items() if n >= options.minimum_count)
    column = {f: i for i, f in enumerate(vocabulary)}
    x = np.zeros((len(examples), len(vocabulary)), dtype=np.float32)
    y = np.array([label for _, label in examples])
    for row, (found, _) in enumerate(examples):
        for f in found:
            if f in column:
                x[row, column[f]] = 1.0
    # Balanced class weights: objective and assessment sentences are rarer than history.
    class_counts = np.bincount(y, minlength=3)
    sample_weight = (len(y) / (3.0 * class_counts))[y]
    onehot = np.eye(3)[y]
    weights = np.zeros((len(vocabulary), 3))
    bias = np.zeros(3)
    rate = 0.5
    for _ in range(options.epochs):
        logits = x @ weights + bias
        logits -= logits.max(axis=1, keepdims=True)
        probabilities = np.exp(logits)
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        gradient = (probabilities - onehot) * sample_weight[:, None] / len(y)
        weights -= rate * (x.T @ gradient + options.l2 * weights)
        bias -= rate * gradient.sum(axis=0)
    accuracy = float((np.argmax(x @ weights + bias, axis=1) == y).mean())

    keep = [i for i in range(len(vocabulary)) if np.abs(weights[i]).max() >= 0.01]
    lines = ["#bias\t" + "\t".join(f"{b:.4f}" for b in bias)]
    lines += [vocabulary[i] + "\t" + "\t".join(f"{w:.4f}" for w in weights[i]) for i in keep]
    output = REPO / "Sources" / "Scribe" / "Generated" / "SectionModelData.swift"
    output.write_text(
        "// Generated by scripts/build_section_model.py; do not edit.\n"
        "// Sources: ACI-Bench train reference notes (wyim/aci-bench, CC BY 4.0) and the MTS-Dialog training set\n"
        "// (abachaa/MTS-Dialog, CC BY 4.0). Logistic-regression weights per feature (a word, or two adjacent\n"
        "// words joined by `_`) for the divisions subjective, objective, assessment_plan.\n\n"
        "extension SectionModel {\n"
        "    static let embeddedTable = \"\"\"\n"
        + "\n".join("        " + line for line in lines)
        + "\n        \"\"\"\n}\n",
        encoding="utf-8")
    print(f"{len(examples)} sentences, {len(keep)} features kept of {len(vocabulary)}, "
          f"training accuracy {accuracy:.3f} -> {output.relative_to(REPO)}")


if __name__ == "__main__":
    main()
