#!/usr/bin/env python3
"""Writes every coder output of one notebridge binary to a file, so that two binaries can be compared byte for byte.

For each visit of the coding tables: `note --billing-codes --format json` on its transcript (and, for every third
visit, `codes assign --format json` on it); for each sample transcript, `note --billing-codes` as text; `codes search` (text, json, --billable) for a
fixed list of queries; `codes show` (text and json) for a fixed list of codes, valid and not. Each output is one
JSON line: the command, its exit status, its standard output and standard error.

Usage: python3 Benchmarks/coding/dump_outputs.py --bin .build/release/notebridge --out /tmp/before.jsonl
         Benchmarks/coding/{dev,holdout,blind2,blind3}/*.jsonl
       cmp /tmp/before.jsonl /tmp/after.jsonl
"""
import argparse
import concurrent.futures
import glob
import json
import subprocess

QUERIES = [
    "htn", "knee pain", "type 2 diabetes with neuropathy", "right knee osteoarthritis", "acute sinusitis", "CHF",
    "high blood pressure", "sprain of right ankle", "major depressive disorder recurrent moderate", "heart attack",
    "chronic obstructive pulmonary disease with exacerbation", "low back pain", "T2DM", "afib", "pneumonia",
    "urinary tract infection", "migraine without aura", "gerd", "asthma mild intermittent", "hyperlipidemia",
    "fracture of left radius initial encounter", "pregnancy 12 weeks", "anxiety", "otitis media", "cellulitis of leg",
    "vitamin d deficiency", "obesity bmi 35", "hypothyroidism", "chest pain", "shortness of breath", "headache",
    "well child visit", "screening colonoscopy", "allergic rhinitis", "eczema", "gout of right big toe",
    "plantar fasciitis", "carpal tunnel", "sleep apnea", "ckd stage 3", "zzzz unknown words", "the of and",
]

CODES = [
    "I10", "E11.40", "e1140", "S93.401A", "M17.11", "J45.20", "Z00.129", "O09.90", "F32.A", "Z23", "E78.5",
    "M54.50", "S52.501A", "T81.4XXA", "Z3A.12", "A00", "Z99", "R07.9", "X", "E11.", "Q99.9", "ZZZ99", "S82",
    "J44.1", "N18.30", "C50.911", "V00.111A", "I21.4", "K21.9", "M10.071",
]


def run(binary: str, arguments: list[str], stdin: str | None = None) -> str:
    result = subprocess.run(
        [binary, *arguments], input=(stdin or "").encode(), capture_output=True, timeout=300)
    return json.dumps({
        "command": arguments, "status": result.returncode,
        "stdout": result.stdout.decode(errors="replace"), "stderr": result.stderr.decode(errors="replace"),
    }, sort_keys=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("tables", nargs="+")
    arguments = parser.parse_args()
    jobs: list[tuple[list[str], str | None]] = []
    visits = [json.loads(line) for path in arguments.tables for line in open(path, encoding="utf-8") if line.strip()]
    for number, visit in enumerate(visits):
        jobs.append((["note", "--billing-codes", "--format", "json"], visit["transcript"]))
        if number % 3 == 0:
            jobs.append((["codes", "assign", "--format", "json"], visit["transcript"]))
    for path in sorted(glob.glob("samples/transcripts/*.txt")):
        jobs.append((["note", "--billing-codes", path], None))
    for query in QUERIES:
        jobs.append((["codes", "search", query], None))
        jobs.append((["codes", "search", "--format", "json", "--limit", "25", query], None))
        jobs.append((["codes", "search", "--billable", query], None))
    for code in CODES:
        jobs.append((["codes", "show", code], None))
        jobs.append((["codes", "show", "--format", "json", code], None))
    with concurrent.futures.ThreadPoolExecutor(arguments.jobs) as pool:
        lines = list(pool.map(lambda job: run(arguments.bin, *job), jobs))
    with open(arguments.out, "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    print(f"{len(lines)} outputs written to {arguments.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
