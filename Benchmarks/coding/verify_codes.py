#!/usr/bin/env python3
"""Checks a coding table: every expected and every must-not code is a billable ICD-10-CM FY2026 code.

Reads JSONL tables whose lines are
  {"id": "...", "kind": "dictation" | "dialogue", "transcript": "...",
   "expected": [{"code": "E11.9", "why": "..."}, ...],
   "must_not": [{"code": "I21.9", "why": "..."}, ...]}
and checks each code against the ICD-10-CM FY2026 tabular list (April 1, 2026 update) as shipped in the
PyPI package `simple-icd-10-cm` 1.5.0 (data: CDC/NCHS, public domain; package: MIT), the same source
`scripts/build_icd10cm.py` builds the gateway's table from. A code is billable when it is a leaf of the
list (for codes with a 7th character: the full code). Also checks ids are unique, the kind is known, the
transcript is not empty and no code is both expected and forbidden.

Usage: python3 Benchmarks/coding/verify_codes.py TABLE.jsonl [...]   (exit 1 on any problem)
Needs: pip install simple-icd-10-cm==1.5.0
"""
import json
import sys

try:
    import simple_icd_10_cm as icd
except ImportError:
    sys.exit("needs the simple-icd-10-cm package: pip install simple-icd-10-cm==1.5.0")


def billable(code: str) -> bool:
    return icd.is_valid_item(code) and icd.is_leaf(code)


def check(path: str) -> list[str]:
    problems = []
    seen = set()
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                visit = json.loads(line)
            except json.JSONDecodeError as error:
                problems.append(f"{where}: not JSON ({error})")
                continue
            identifier = visit.get("id")
            if not identifier or identifier in seen:
                problems.append(f"{where}: missing or repeated id {identifier!r}")
            seen.add(identifier)
            if visit.get("kind") not in ("dictation", "dialogue"):
                problems.append(f"{where}: kind must be dictation or dialogue")
            if not str(visit.get("transcript", "")).strip():
                problems.append(f"{where}: empty transcript")
            expected = [entry.get("code", "") for entry in visit.get("expected", [])]
            forbidden = [entry.get("code", "") for entry in visit.get("must_not", [])]
            if not expected:
                problems.append(f"{where}: no expected codes")
            for code in expected + forbidden:
                if not billable(code):
                    problems.append(f"{where} ({identifier}): {code!r} is not a billable FY2026 code")
            for code in set(expected) & set(forbidden):
                problems.append(f"{where} ({identifier}): {code} is both expected and forbidden")
            if len(set(expected)) != len(expected):
                problems.append(f"{where} ({identifier}): an expected code is listed twice")
    return problems


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    problems = [problem for path in sys.argv[1:] for problem in check(path)]
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s)", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
