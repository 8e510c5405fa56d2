#!/usr/bin/env bash
# Audio to note, speed and memory (issue 17): a 5-minute dictation synthesized by espeak-ng from
# Benchmarks/audio/dictation-5min.txt (written for the project; two synthetic visits), encoded as M4A (AAC 64 kb/s),
# then timed through the embedded PocketSphinx engine:
#   1. `notebridge transcribe` with one decoding thread and with one per core: wall time, real-time factor
#      (wall seconds per second of audio), peak RSS;
#   2. `notebridge note --audio`: recording to SOAP note, wall time and peak RSS (the seed API's promise: a 5-minute
#      recording becomes a note in under 60 s).
# Both speech models are measured in the same run, one after the other (MODELS="stock clinical"; SEARCH="..." adds
# search options to the clinical model's runs).
# The decoding itself is Debian's libpocketsphinx (optimised C) whatever the Swift build, so a debug binary measures
# nearly the same; the results in RESULTS.md say which binary was used.
# Usage: Benchmarks/audio_speed.sh  (NOTEBRIDGE_BIN to pick the binary; needs espeak-ng, ffmpeg, GNU time)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${NOTEBRIDGE_BIN:-.build/release/notebridge}
MODELS=${MODELS:-stock clinical}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "# machine: $(uname -srm); $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "# binary: $BIN; date: $(date -u +%Y-%m-%dT%H:%MZ); load: $(cut -d' ' -f1-3 /proc/loadavg)"
espeak-ng -v en-us+f2 -s 120 -w "$work/speech.wav" -f Benchmarks/audio/dictation-5min.txt
ffmpeg -nostdin -loglevel error -i "$work/speech.wav" -t 300 -c:a aac -b:a 64k "$work/dictation.m4a"
seconds=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$work/dictation.m4a")
echo "recording: ${seconds} s, $(stat -c %s "$work/dictation.m4a") bytes (M4A)"

measure() {  # label, command...
    local label=$1
    shift
    /usr/bin/time -f '%e %M' -o "$work/time" "$@" > "$work/out"
    read -r wall rss < "$work/time"
    python3 -c "import sys; w, r, s = float(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]); \
print(f'{sys.argv[4]}: {w:.1f} s wall, real-time factor {w / s:.3f}, peak RSS {r / 1024:.0f} MB')" \
        "$wall" "$rss" "$seconds" "$label"
}

for model in $MODELS; do
    options=(--speech-model "$model")
    if [ "$model" = clinical ] && [ -n "${SEARCH:-}" ]; then read -r -a extra <<< "$SEARCH"; options+=("${extra[@]}"); fi
    echo "== $model model ${options[*]:2}"
    measure "transcribe, 1 thread" "$BIN" transcribe --transcription-threads 1 "${options[@]}" "$work/dictation.m4a"
    measure "transcribe, $(nproc) threads" "$BIN" transcribe "${options[@]}" "$work/dictation.m4a"
    echo "segments: $(wc -l < "$work/out"), words: $(cut -d']' -f2- "$work/out" | wc -w)"
    # Word error rate on this voice: the transcript against the reference text up to where the 5 minutes end (the
    # reference prefix that aligns best), case and punctuation ignored.
    cut -d']' -f2- "$work/out" | python3 -c '
import re, sys
norm = lambda text: re.sub(r"[^a-z0-9 ]+", " ", text.lower().replace("-", " ")).split()
ref = norm(open(sys.argv[1]).read())
hyp = norm(sys.stdin.read())
previous = list(range(len(ref) + 1))
for i, word in enumerate(hyp, 1):
    current = [i] + [0] * len(ref)
    for j, expected in enumerate(ref, 1):
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (word != expected))
    previous = current
k = min(range(len(ref) + 1), key=lambda k: previous[k] / max(k, 1))
print(f"word error rate ({sys.argv[2]} model): {previous[k] / k:.3f} ({previous[k]} errors over {k} reference words)")
' Benchmarks/audio/dictation-5min.txt "$model"
    measure "note --audio, $(nproc) threads" "$BIN" note --audio "$work/dictation.m4a" "${options[@]}"
done
