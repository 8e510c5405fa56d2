#!/usr/bin/env python3
"""Build blind-review packets: for each chosen ACI-Bench visit, the transcript and two unlabelled notes
(NoteBridge's and the clinician's reference) in an order drawn at random, and a separate key.

  build_packets.py --data ../shared/eval/aci-bench/valid.jsonl --cmd '.build/release/notebridge note --format json' \
      --ids D2N068,D2N073,D2N077,D2N083 --seed 15 --out /tmp/review-after

Writes OUT/packet-<id>.md (what a reviewer reads) and OUT/key.json (which note is NoteBridge's). The packets
hold corpus text: keep them out of the repository; only the ratings and this script are committed.
"""
import argparse, json, pathlib, random, shlex, subprocess

RUBRIC = """Rate each note as the attending physician who would sign it, beside the transcript it was written from.
For each note give:
- accuracy 1-5: is every statement true to the transcript (no wrong facts, sides, doses, speakers)?
- completeness 1-5: are the history, findings, results, each diagnosis and each plan item (doses, durations,
  follow-up) there?
- clarity 1-5: does it read as a clinician's note (condensed, third person, no conversation left in it)?
- signable: yes if you would sign it with light edits (a few words), otherwise no.
Answer as JSON: {"A": {"accuracy": n, "completeness": n, "clarity": n, "signable": true|false, "why": "..."},
                 "B": {...}}"""


def render(note):
    return "\n\n".join(f"{title}\n{note.get(key) or ''}".strip()
                       for title, key in (("SUBJECTIVE", "subjective"), ("OBJECTIVE", "objective"),
                                          ("ASSESSMENT", "assessment"), ("PLAN", "plan")))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--cmd", required=True, help="reads a transcript on stdin, writes the note JSON")
    ap.add_argument("--ids", required=True)
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    cases = {c["id"]: c for c in map(json.loads, open(args.data))}
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    key = {}
    for visit in args.ids.split(","):
        case = cases[visit]
        run = subprocess.run(shlex.split(args.cmd), input=case["transcript"].encode(), capture_output=True, check=True)
        ours = render(json.loads(run.stdout))
        notes = [("notebridge", ours), ("reference", case["reference_note"].strip())]
        # Each visit's order drawn on its own (the seed and the visit id), so the orders do not follow a pattern.
        random.Random(f"{args.seed}-{visit}").shuffle(notes)
        key[visit] = {"A": notes[0][0], "B": notes[1][0]}
        (out / f"packet-{visit}.md").write_text(
            f"# Visit {visit}\n\n{RUBRIC}\n\n## Transcript\n\n{case['transcript']}\n\n"
            f"## Note A\n\n{notes[0][1]}\n\n## Note B\n\n{notes[1][1]}\n")
    (out / "key.json").write_text(json.dumps(key, indent=1) + "\n")


if __name__ == "__main__":
    main()
