#!/usr/bin/env bash
# POST /v1/note under load with wrk (Debian's wrk) on loopback: a 1,500-word transcript (built by repeating the
# lines of samples/transcripts/*-dialogue.txt), rate limiting off, a release `notebridge serve` with its SQLite note
# store. Prints throughput, latency percentiles and the server's resident memory before and after.
# Usage: Benchmarks/api.sh [seconds] [connections]   (REQUESTS=N runs until about N requests instead)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${NOTEBRIDGE_BIN:-.build/release/notebridge}
DURATION=${1:-20}
CONNECTIONS=${2:-16}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 2; }
data=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$data"' EXIT
python3 - "$data/body.json" <<'PY'
import glob, json, sys
lines = []
for path in sorted(glob.glob("samples/transcripts/*-dialogue.txt")):
    lines += [line for line in open(path).read().splitlines() if line.strip()]
out, words, i = [], 0, 0
while words < 1500:
    line = lines[i % len(lines)]
    out.append(line)
    words += len(line.split())
    i += 1
json.dump({"transcript": "\n".join(out), "specialty": "physician"}, open(sys.argv[1], "w"))
print(f"# transcript: {words} words, {len(json.load(open(sys.argv[1]))['transcript'])} characters")
PY
export NOTEBRIDGE_DATA_DIR="$data/store" NOTEBRIDGE_MLLP_HOST=127.0.0.1 NOTEBRIDGE_MLLP_PORT=0 \
    NOTEBRIDGE_HTTP_HOST=127.0.0.1 NOTEBRIDGE_HTTP_PORT=0 NOTEBRIDGE_LOG_LEVEL=warning \
    NOTEBRIDGE_API_RATE_LIMIT_PER_SECOND=0
"$BIN" serve > "$data/serve.out" 2> "$data/serve.err" &
server=$!
for _ in $(seq 1 200); do grep -q "listening" "$data/serve.out" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/.*http=[^:]*:\([0-9]*\).*/\1/p' "$data/serve.out")
key=$(sed -n 's/.*API key: *\(nb_live_[^ ]*\).*/\1/p' "$data/serve.out")
rss() { awk '/VmRSS/{print $2/1024 " MB"}' "/proc/$server/status"; }
export NOTE_BODY="$data/body.json" NOTE_KEY="$key"
# Warm-up (phrase index, connections), then the measured run.
wrk -t 2 -c "$CONNECTIONS" -d 3s -s Benchmarks/api_note.lua "http://127.0.0.1:$port/v1/note" > /dev/null
echo "rss after warm-up: $(rss)"
if [ -n "${REQUESTS:-}" ]; then
    # Long run for memory: repeat 30-second runs until REQUESTS notes were written.
    total=0
    while [ "$total" -lt "$REQUESTS" ]; do
        line=$(wrk -t 2 -c "$CONNECTIONS" -d 30s -s Benchmarks/api_note.lua "http://127.0.0.1:$port/v1/note" | tail -1)
        total=$((total + $(echo "$line" | sed 's/requests=\([0-9]*\).*/\1/')))
        echo "$line rss=$(rss) total=$total"
    done
else
    wrk -t 2 -c "$CONNECTIONS" -d "${DURATION}s" -s Benchmarks/api_note.lua "http://127.0.0.1:$port/v1/note" | tail -1
    echo "rss after run: $(rss)"
fi
echo "stored notes: $(ls -la "$data/store" | awk '/notes.sqlite$/{print $5}') bytes in notes.sqlite"
