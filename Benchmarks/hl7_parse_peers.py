#!/usr/bin/env python3
"""Full parse of the same HL7 v2 messages with the python `hl7` and `hl7apy` packages.

Prints one JSON object per peer: messages/s and MB/s over a timed loop, like `notebridge bench hl7`.
Usage: hl7_parse_peers.py [--seconds S] FILE...
"""
import argparse
import json
import pathlib
import sys
import time

import hl7
from hl7apy import parser as hl7apy_parser
from hl7apy.consts import VALIDATION_LEVEL

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "scripts"))
from hl7_corpus import split_messages  # noqa: E402


def messages_of(paths):
    messages = []
    for path in paths:
        messages.extend(split_messages(open(path, "rb").read()))
    return messages


def measure(name, texts, parse, seconds):
    total_bytes = sum(len(t.encode()) for t in texts)
    start = time.perf_counter()
    rounds = 0
    while time.perf_counter() - start < seconds:
        for text in texts:
            parse(text)
        rounds += 1
    elapsed = time.perf_counter() - start
    return {
        "peer": name,
        "messages": len(texts),
        "bytes": total_bytes,
        "messagesPerSecond": round(rounds * len(texts) / elapsed),
        "megabytesPerSecond": round(rounds * total_bytes / elapsed / 1e6, 3),
    }


def main():
    arguments = argparse.ArgumentParser()
    arguments.add_argument("--seconds", type=float, default=3.0)
    arguments.add_argument("files", nargs="+")
    options = arguments.parse_args()
    texts = [m.decode("utf-8", errors="replace") for m in messages_of(options.files)]

    # python-hl7: hl7.parse builds the full tree (segments, fields, repetitions, components, subcomponents).
    print(json.dumps(measure("python-hl7 " + hl7.__version__, texts, hl7.parse, options.seconds)))

    # hl7apy: parse_message with tolerant validation and eager (not lazy) parsing of every field; messages
    # of versions it does not know (2.1) or structures it rejects are left out, and their count reported.
    def hl7apy_parse(text):
        return hl7apy_parser.parse_message(text, validation_level=VALIDATION_LEVEL.TOLERANT, find_groups=False)

    accepted = []
    for text in texts:
        try:
            hl7apy_parse(text)
            accepted.append(text)
        except Exception:  # noqa: BLE001 - hl7apy raises many types for what it does not support
            pass
    result = measure("hl7apy", accepted, hl7apy_parse, options.seconds)
    result["skipped"] = len(texts) - len(accepted)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
