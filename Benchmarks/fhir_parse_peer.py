#!/usr/bin/env python3
"""The Python peer for `notebridge bench fhir`: the same FHIR JSON files parsed by fhir.resources (R4B models,
full model validation) and, as a floor, by json.loads alone. Prints one JSON line per peer."""
import importlib
import json
import sys
import time

from fhir.resources.R4B import get_fhir_model_class


def measure(files, parse, seconds=2.0):
    for data in files:
        parse(data)
    rounds, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for data in files:
            parse(data)
        rounds += 1
    elapsed = time.perf_counter() - start
    return rounds * len(files) / elapsed


def main():
    files = [open(path, "rb").read() for path in sys.argv[1:] if path.endswith(".json")]

    def model(data):
        obj = json.loads(data)
        return get_fhir_model_class(obj["resourceType"]).parse_obj(obj)

    print(json.dumps({"peer": "fhir.resources 7.1.0 (R4B) parse_obj", "documentsPerSecond": round(measure(files, model))}))
    print(json.dumps({"peer": "python json.loads", "documentsPerSecond": round(measure(files, json.loads))}))


if __name__ == "__main__":
    main()
