#!/bin/sh
# Regenerates Sources/Terminology/Generated/DiagnosisIndexData.swift: the diagnosis phrase index that
# `DiagnosisIndex.tables(of:)` builds from the embedded ICD-10-CM code set (Generated/ICD10CMData.swift, made by
# scripts/build_icd10cm.py), the concept table (Concepts.swift), the synonym table (Synonyms.swift) and the
# search-term rules (SearchTerms.swift), encoded, so that a process reads it instead of building it (about 0.4 s).
# Run it after changing any of those; `DiagnosisIndexDataTests` fails until it is run. About a minute (it builds
# the generator); the output is deterministic.
#
# Usage: scripts/build_diagnosis_index.sh
set -eu
cd "$(dirname "$0")/.."
swift build -c release --product DiagnosisIndexGenerator
"$(swift build -c release --show-bin-path)/DiagnosisIndexGenerator" Sources/Terminology/Generated/DiagnosisIndexData.swift
