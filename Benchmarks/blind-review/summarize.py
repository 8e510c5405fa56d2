#!/usr/bin/env python3
"""Summarize blind-review ratings: summarize.py KEY.json RATINGS.json → mean accuracy, completeness, clarity
and the signable count for NoteBridge's notes and for the reference notes.

RATINGS.json: {"<visit id>": {"A": {...}, "B": {...}}} as the reviewers answered."""
import json, statistics, sys

key, ratings = (json.load(open(p)) for p in sys.argv[1:3])
for who in ("notebridge", "reference"):
    rows = [ratings[v][slot] for v in ratings for slot in ("A", "B") if key[v][slot] == who]
    mean = lambda k: statistics.fmean(r[k] for r in rows)
    print(f"{who:10s} n={len(rows)} accuracy={mean('accuracy'):.2f} completeness={mean('completeness'):.2f} "
          f"clarity={mean('clarity'):.2f} signable={sum(bool(r['signable']) for r in rows)}/{len(rows)}")
