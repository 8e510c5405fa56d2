#!/usr/bin/env bash
# Word error rate of the embedded engine, Debian's stock model against the clinical model (issue 17), in one run on
# the same recordings: the 24 recordings of samples/audio/recordings.tsv (12 dictations, 12 dialogues written for the
# project; six espeak-ng voices, 120-160 words a minute, half clean and half with white, pink or brown noise mixed in
# by sox at 10-20 dB SNR) are synthesized into a temporary folder, each is transcribed by `notebridge transcribe`
# with each model, and Benchmarks/audio/wer.py scores the transcripts: WER overall, and the error rate of clinical
# terms (drugs, diagnoses, numbers) apart. Also printed per model: the decoding wall time over the whole set (one
# process per recording, so each pays its model load) and the real-time factor it gives.
# Usage: Benchmarks/audio_wer.sh  (NOTEBRIDGE_BIN picks the binary; MODELS="stock clinical" the models; THREADS the
# decoding threads, default 2; SEARCH="--search-beam 1e-40 ..." extra search options for the clinical model;
# KEEP=DIR keeps the recordings and transcripts there). Needs espeak-ng, sox, GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${NOTEBRIDGE_BIN:-.build/release/notebridge}
MODELS=${MODELS:-stock clinical}
THREADS=${THREADS:-2}
work=${KEEP:-$(mktemp -d)}
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
mkdir -p "$work"

echo "# machine: $(uname -srm); $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "# binary: $BIN; date: $(date -u +%Y-%m-%dT%H:%MZ); decoding threads: $THREADS; load: $(cut -d' ' -f1-3 /proc/loadavg)"
[ -f "$work/rec/r24.wav" ] || python3 samples/audio/synthesize.py "$work/rec"
audio=$(for f in "$work"/rec/*.wav; do soxi -D "$f"; done | awk '{s += $1} END {printf "%.1f", s}')
echo "recordings: $(ls "$work"/rec/*.wav | wc -l), ${audio} s of audio, $(cat "$work"/rec/*.txt | wc -w) words"

for model in $MODELS; do
    mkdir -p "$work/$model"
    extra=()
    [ "$model" = clinical ] && [ -n "${SEARCH:-}" ] && read -r -a extra <<< "$SEARCH"
    : > "$work/$model.times"
    for wav in "$work"/rec/*.wav; do
        id=$(basename "$wav" .wav)
        /usr/bin/time -f '%e %U %S %M' -a -o "$work/$model.times" \
            "$BIN" transcribe --speech-model "$model" --transcription-threads "$THREADS" "${extra[@]}" "$wav" \
            | cut -d']' -f2- > "$work/$model/$id.txt"
    done
    read -r wall cpu rss < <(awk '{w += $1; c += $2 + $3; if ($4 > r) r = $4} END {print w, c, r}' "$work/$model.times")
    echo "== $model ${extra[*]}"
    python3 Benchmarks/audio/wer.py "$work/rec" "$work/$model"
    python3 -c "import sys; w, c, r, a = map(float, sys.argv[1:5]); \
print(f'decoding: {w:.1f} s wall, {c:.1f} s CPU for {a:.0f} s of audio: real-time factor {w / a:.3f} ({sys.argv[5]} threads), CPU per audio second {c / a:.3f}; peak RSS {r / 1024:.0f} MB')" \
        "$wall" "$cpu" "$rss" "$audio" "$THREADS"
done
