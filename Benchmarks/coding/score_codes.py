#!/usr/bin/env python3
"""Scores NoteBridge's ICD-10-CM suggestions on a coding table (see verify_codes.py for its format).

For each visit the transcript goes through `notebridge note --billing-codes --format json` (the same path
as `/v1/note` with billing codes), and the suggested ICD-10-CM codes are compared with the table:
  exact      expected codes suggested exactly / expected codes
  category   expected codes whose three-character category is among the suggestions / expected codes
  precision  suggestions that are expected / suggestions
  first      visits whose first suggestion is the expected first-listed code
  must-not   suggestions the table forbids (negated, uncertain, resolved, less specific ...)
  excludes1  pairs of suggestions that an Excludes1 note of the tabular list forbids together
Excludes1 notes are read from the ICD-10-CM FY2026 tabular list in `simple-icd-10-cm` 1.5.0 (CDC/NCHS,
public domain), on the code and every code above it.

Usage: python3 Benchmarks/coding/score_codes.py --bin .build/release/notebridge TABLE.jsonl [...]
         [--misses] (print each visit's missed, extra and forbidden codes) [--save FILE.json]
"""
import argparse
import json
import re
import subprocess
import sys

import simple_icd_10_cm as icd

REFERENCE = re.compile(r"\b([A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?)(-?)(?:\s*-\s*([A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?))?")


def excluded_prefixes(code: str) -> list[tuple[str, str]]:
    """The code ranges (first, last) that the Excludes1 notes on a code and its ancestors name."""
    if not icd.is_valid_item(code):
        return []
    ranges = []
    for item in [code] + icd.get_ancestors(code):
        for note in icd.get_excludes1(item):
            for first, _, last in REFERENCE.findall(note):
                ranges.append((first, last or first))
    return ranges


def in_range(code: str, first: str, last: str) -> bool:
    bare = code.replace(".", "")
    low, high = first.replace(".", ""), last.replace(".", "")
    if bare.startswith(low) or bare.startswith(high):
        return True
    return low < bare[: len(high)] <= high and len(low) == len(high)


def excludes1_pairs(codes: list[str]) -> set[tuple[str, str]]:
    """Unordered pairs of suggestions that an Excludes1 note forbids together."""
    pairs = set()
    for code in codes:
        for first, last in excluded_prefixes(code):
            for other in codes:
                if other != code and not other.startswith(code[:3]) and in_range(other, first, last):
                    pairs.add(tuple(sorted((code, other))))
    return pairs


def suggest(binary: str, transcript: str) -> list[str]:
    result = subprocess.run(
        [binary, "note", "--billing-codes", "--format", "json"], input=transcript.encode(), capture_output=True,
        timeout=120)
    if result.returncode != 0:
        raise RuntimeError(result.stderr.decode(errors="replace")[:300])
    return [entry["code"] for entry in json.loads(result.stdout)["billing_codes"]["icd10"]]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--misses", action="store_true")
    parser.add_argument("--save")
    parser.add_argument("tables", nargs="+")
    arguments = parser.parse_args()
    visits = [json.loads(line) for path in arguments.tables for line in open(path, encoding="utf-8") if line.strip()]
    totals = {"expected": 0, "exact": 0, "category": 0, "suggested": 0, "correct": 0, "first": 0,
              "must_not": 0, "excludes1": 0}
    by_kind: dict[str, dict[str, int]] = {}
    saved = []
    for visit in visits:
        expected = [entry["code"] for entry in visit["expected"]]
        forbidden = {entry["code"] for entry in visit.get("must_not", [])}
        codes = suggest(arguments.bin, visit["transcript"])
        categories = {code[:3] for code in codes}
        row = {
            "expected": len(expected),
            "exact": sum(code in codes for code in expected),
            "category": sum(code[:3] in categories for code in expected),
            "suggested": len(codes),
            "correct": sum(code in expected for code in codes),
            "first": int(bool(codes) and codes[0] == expected[0]),
            "must_not": sum(code in forbidden for code in codes),
            "excludes1": len(excludes1_pairs(codes)),
        }
        for key, value in row.items():
            totals[key] += value
            kind = by_kind.setdefault(visit["kind"], {name: 0 for name in totals} | {"visits": 0})
            kind[key] += value
        by_kind[visit["kind"]]["visits"] += 1
        saved.append({"id": visit["id"], **row, "expected_codes": expected, "suggested_codes": codes})
        if arguments.misses:
            missed = [code for code in expected if code not in codes]
            extra = [code for code in codes if code not in expected and code not in forbidden]
            bad = [code for code in codes if code in forbidden]
            if missed or extra or bad:
                print(f"{visit['id']}: missed {missed} extra {extra} forbidden {bad}")

    def line(name: str, counts: dict[str, int], visits: int) -> str:
        expected = max(counts["expected"], 1)
        return (f"{name:10} visits {visits:3}  exact {100 * counts['exact'] / expected:5.1f} %  "
                f"category {100 * counts['category'] / expected:5.1f} %  "
                f"precision {100 * counts['correct'] / max(counts['suggested'], 1):5.1f} %  "
                f"first {100 * counts['first'] / max(visits, 1):5.1f} %  "
                f"must-not {counts['must_not']}  excludes1 {counts['excludes1']}  "
                f"({counts['expected']} expected, {counts['suggested']} suggested)")

    for kind, counts in sorted(by_kind.items()):
        print(line(kind, counts, counts["visits"]))
    print(line("all", totals, len(visits)))
    if arguments.save:
        with open(arguments.save, "w", encoding="utf-8") as handle:
            json.dump(saved, handle, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
