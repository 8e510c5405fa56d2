#!/usr/bin/env bash
# Runs the benchmarks recorded in Benchmarks/RESULTS.md, on this machine, in one run:
#  1. HL7 v2 full parse of the shared sample corpus: notebridge (release) vs python-hl7 and hl7apy, same files.
#  2. MLLP acknowledged messages/s with acknowledgment-after-commit (SQLite WAL, synchronous=normal),
#     1 and 16 concurrent connections, against a real `notebridge serve`.
#  3. Note writing: latency for 200, 1,500 and 10,000-word dialogues, notes/s, peak RSS (one core).
#  4. Billing codes: ICD-10-CM table load, search index and phrase index build, `codes search` latency, coding latency.
#  5. The /v1 API: POST /v1/note under wrk on loopback (Benchmarks/api.sh).
#  6. FHIR: note -> document Bundle JSON latency; FHIR JSON parse vs fhir.resources (R4B) on the same files.
#  7. The pipeline end to end: MDM^T02 in over MLLP -> ORU^R01 acknowledged by a Python MLLP peer, encounters/s
#     with 200- and 1,500-word transcripts, and inbound ACK -> delivered at half that rate (pipeline_bench.py).
# Usage: Benchmarks/run.sh  (after `swift build -c release --product notebridge`; `make bench` does both)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${NOTEBRIDGE_BIN:-.build/release/notebridge}
CORPUS=${CORPUS:-../shared/eval/hl7}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-5}
MESSAGES=${MESSAGES:-20000}

echo "# machine: $(uname -srm); $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(free -g | awk '/Mem:/{print $2}') GiB"
echo "# swift: $(swift --version 2>&1 | head -1)"
echo "# date: $(date -u +%Y-%m-%dT%H:%MZ)"

echo "## HL7 parse ($(ls "$CORPUS"/*.hl7 | wc -l) files of $CORPUS)"
nb=$("$BIN" bench hl7 --seconds "$SECONDS_PER_RUN" "$CORPUS"/*.hl7)
echo "notebridge: $nb"
peers=$(python3 Benchmarks/hl7_parse_peers.py --seconds "$SECONDS_PER_RUN" "$CORPUS"/*.hl7)
echo "$peers" | sed 's/^/peer: /'
python3 - "$nb" "$peers" <<'PY'
import json, sys
nb = json.loads(sys.argv[1])
for line in sys.argv[2].splitlines():
    peer = json.loads(line)
    print(f"ratio: notebridge parse / {peer['peer']}: {nb['parse']['messagesPerSecond'] / peer['messagesPerSecond']:.0f}x "
          f"(parse and decode every value: {nb['parseAndDecodeAll']['messagesPerSecond'] / peer['messagesPerSecond']:.0f}x)")
PY

echo "## MLLP acknowledged throughput (ACK after commit)"
data=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$data"' EXIT
NOTEBRIDGE_DATA_DIR="$data" NOTEBRIDGE_MLLP_HOST=127.0.0.1 NOTEBRIDGE_MLLP_PORT=0 NOTEBRIDGE_HTTP_HOST=127.0.0.1 \
    NOTEBRIDGE_HTTP_PORT=0 NOTEBRIDGE_LOG_LEVEL=warning "$BIN" serve > "$data/serve.out" 2> "$data/serve.err" &
server=$!
for _ in $(seq 1 100); do grep -q "listening" "$data/serve.out" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/.*mllp=[^:]*:\([0-9]*\).*/\1/p' "$data/serve.out")
for connections in 1 16; do
    echo "connections=$connections: $("$BIN" bench mllp "127.0.0.1:$port" --connections "$connections" --messages "$MESSAGES")"
done
echo "journal: $(NOTEBRIDGE_DATA_DIR="$data" "$BIN" journal count)"

echo "## Note writing (Scribe), one core, transcripts built by repeating samples/transcripts/*-dialogue.txt"
echo "note: $("$BIN" bench note --iterations 200 samples/transcripts/*-dialogue.txt)"

echo "## Billing codes: ICD-10-CM load and index, codes search, coding a note (note with codes minus note)"
echo "codes: $("$BIN" bench codes --iterations 500 samples/transcripts/*.txt)"

echo "## /v1 API: POST /v1/note with a 1,500-word transcript under wrk (16 connections, 20 s)"
Benchmarks/api.sh 20 16

echo "## FHIR: note -> document Bundle JSON, and FHIR JSON/XML parsing of ../shared/eval/fhir vs fhir.resources (R4B)"
FHIR_FILES=$(ls "$CORPUS"/../fhir/*/*.json | grep -v StructureDefinition; ls "$CORPUS"/../fhir/*/*.xml)
echo "notebridge: $("$BIN" bench fhir --transcript samples/transcripts/primary-care-dialogue.txt $FHIR_FILES)"
python3 Benchmarks/fhir_parse_peer.py $FHIR_FILES | sed 's/^/peer: /'

echo "## Pipeline: MLLP in -> note -> ORU^R01 acknowledged by a Python MLLP peer (Benchmarks/pipeline_bench.py)"
python3 Benchmarks/pipeline_bench.py --bin "$BIN" --words 200 --messages 2000 --seconds 10
python3 Benchmarks/pipeline_bench.py --bin "$BIN" --words 1500 --messages 500 --seconds 10
