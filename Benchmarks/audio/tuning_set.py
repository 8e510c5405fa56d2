#!/usr/bin/env python3
"""A tuning set for the clinical speech model's search settings (issue 17), kept apart from both the language
model's text and the word-error-rate test set: excerpts of the ACI-Bench `valid` dialogues (../shared/eval; CC BY
4.0; the model is built from `train`), the first turns of 8 encounters up to about 110 words each, and the two
halves of Benchmarks/audio/dictation-5min.txt (written for the project, in no model's text) as two dictations,
synthesized like samples/audio/ (the same voices, speeds and noise kinds, in another order). The excerpts are written to OUT/texts
and the audio to OUT/rec; nothing of the corpus is committed.

Usage: Benchmarks/audio/tuning_set.py OUT [--eval ../shared/eval]
"""

import argparse
import json
import os
import re
import subprocess

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONDITIONS = [  # voices, words a minute, noise
    ("en-us+m3,en-us+f2", 130, "none"), ("en-us+f4,en-us+m1", 150, "pink:15"), ("en-us+m1,en-us+f3", 120, "none"),
    ("en-us+f2,en-us+m7", 140, "white:20"), ("en-us+m7,en-us+f4", 160, "none"), ("en-us+f3,en-us+m3", 130, "brown:10"),
    ("en-us+f2,en-us+m1", 140, "none"), ("en-us+m3,en-us+f4", 150, "white:20"),
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--eval", default=os.path.join(REPO, "..", "shared", "eval"))
    options = parser.parse_args()
    texts = os.path.join(options.out, "texts")
    os.makedirs(texts, exist_ok=True)
    records = [json.loads(line) for line in open(os.path.join(options.eval, "aci-bench", "valid.jsonl"))]
    manifest = os.path.join(options.out, "recordings.tsv")
    with open(manifest, "w", encoding="utf-8") as rows:
        for index, (record, (voices, speed, noise)) in enumerate(zip(records[::2], CONDITIONS)):
            lines, words = [], 0
            for line in record["transcript"].splitlines():
                found = re.match(r"\[(doctor|patient)\]\s*(.*)", line.strip())
                if not found or not re.search(r"[a-z]", found.group(2)):
                    continue
                lines.append(f"{found.group(1).upper()}: {found.group(2)}")
                words += len(found.group(2).split())
                if words >= 110:
                    break
            name = f"t{index + 1:02}"
            with open(os.path.join(texts, name + ".txt"), "w", encoding="utf-8") as text:
                text.write("\n".join(lines) + "\n")
            rows.write(f"{name}\t{name}\t{voices}\t{speed}\t{noise}\n")
        dictation = [l for l in open(os.path.join(REPO, "Benchmarks", "audio", "dictation-5min.txt")) if l.strip()]
        half = len(dictation) // 2
        for name, part, voice, speed, noise in [("t09", dictation[:half], "en-us+m3", 150, "none"),
                                                ("t10", dictation[half:], "en-us+f4", 130, "pink:15")]:
            with open(os.path.join(texts, name + ".txt"), "w", encoding="utf-8") as text:
                text.write(" ".join(l.strip() for l in part) + "\n")
            rows.write(f"{name}\t{name}\t{voice}\t{speed}\t{noise}\n")
    subprocess.run(["python3", os.path.join(REPO, "samples", "audio", "synthesize.py"), "--manifest", manifest,
                    "--texts", texts, os.path.join(options.out, "rec")], check=True)


if __name__ == "__main__":
    main()
