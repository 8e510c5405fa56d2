#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/ (a package of its own that depends on this one by path, so the normal
# `swift build` / `swift test` never see them) with -sanitize=fuzzer,address, and runs each for a set time on a
# copy of its committed seed corpus (Fuzz/Corpus/TARGET; sources in Fuzz/Corpus/README.md).
#
# Usage: Benchmarks/fuzz.sh TARGET|all SECONDS [libFuzzer options...]
#   TARGET: hl7v2 | mllp | json | fhirxml | mapping | all (one after the other)
#   Benchmarks/fuzz.sh all 5        a smoke run: five seconds per target
#   Benchmarks/fuzz.sh hl7v2 600    ten minutes of the HL7 v2 parser
#   Benchmarks/fuzz.sh build        build only
# Environment: FUZZ_CONFIG=release|debug (release), FUZZ_WORK=folder for the growing corpora, logs and crash
# files (Fuzz/.build/work, never committed), FUZZ_RSS_MB=memory limit per target (2048).
# Exit status: 0 when no target found a crash, leak, timeout or out-of-memory; 1 otherwise (the reproducer is in
# FUZZ_WORK/TARGET/artifacts/; run it with `Fuzz/.build/release/FuzzX FILE`). FUZZ_EVAL: the shared corpora
# (../shared/eval), added read-only as seeds when present.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
CONFIG=${FUZZ_CONFIG:-release}
WORK=${FUZZ_WORK:-$ROOT/Fuzz/.build/work}
RSS_MB=${FUZZ_RSS_MB:-2048}
# Swift's own crash backtracer fights AddressSanitizer's handler (and can hang); libFuzzer reports crashes itself.
export SWIFT_BACKTRACE=enable=no

product() {
    case "$1" in
    hl7v2) echo FuzzHL7v2 ;;
    mllp) echo FuzzMLLP ;;
    json) echo FuzzJSON ;;
    fhirxml) echo FuzzFHIRXML ;;
    mapping) echo FuzzMapping ;;
    *) echo "unknown target '$1' (hl7v2, mllp, json, fhirxml, mapping, all)" >&2; exit 2 ;;
    esac
}

# The shared public corpora, read in place (never copied into the repository) when they are beside it.
EVAL=${FUZZ_EVAL:-$ROOT/../shared/eval}
extra_seeds() {
    case "$1" in
    hl7v2) [ -d "$EVAL/hl7" ] && echo "$EVAL/hl7" ;;
    json) [ -d "$EVAL/fhir" ] && echo "$EVAL/fhir" ;;
    fhirxml) [ -d "$EVAL/fhir/ips" ] && echo "$EVAL/fhir/ips" ;;
    esac
    return 0
}

max_len() {
    case "$1" in
    fhirxml) echo 65536 ;;
    *) echo 16384 ;;
    esac
}

TARGET=${1:?usage: Benchmarks/fuzz.sh TARGET|all|build SECONDS [libFuzzer options...]}
if [ "$TARGET" = all ] || [ "$TARGET" = build ]; then
    TARGETS="hl7v2 mllp json fhirxml mapping"
else
    TARGETS=$TARGET
    product "$TARGET" >/dev/null
fi

# One build for every product asked for: they share their dependencies.
PRODUCTS=""
for target in $TARGETS; do PRODUCTS="$PRODUCTS --product $(product "$target")"; done
build() {
    (cd Fuzz && nice swift build -c "$CONFIG" -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library "$@")
}
if [ "$TARGET" = all ] || [ "$TARGET" = build ]; then
    # `--product` takes one name; several products are built by building everything in the fuzz package.
    build
else
    # shellcheck disable=SC2086
    build $PRODUCTS
fi
BIN=$(cd Fuzz && swift build -c "$CONFIG" --show-bin-path)
[ "$TARGET" = build ] && exit 0

SECONDS_PER_TARGET=${2:?usage: Benchmarks/fuzz.sh TARGET|all SECONDS [libFuzzer options...]}
shift 2

status=0
echo "# machine: $(uname -srm); $(nproc) cores; $(. /etc/os-release && echo "$PRETTY_NAME")"
echo "# swift: $(swift --version 2>&1 | head -1)"
for target in $TARGETS; do
    name=$(product "$target")
    dir=$WORK/$target
    mkdir -p "$dir/corpus" "$dir/artifacts"
    dictionary=()
    [ -f "Fuzz/Dictionaries/$target.dict" ] && dictionary=("-dict=$ROOT/Fuzz/Dictionaries/$target.dict")
    command=(nice "$BIN/$name" -max_total_time="$SECONDS_PER_TARGET" -max_len="$(max_len "$target")" -timeout=10
        -rss_limit_mb="$RSS_MB" -print_final_stats=1 -artifact_prefix="$dir/artifacts/" "${dictionary[@]}" "$@"
        "$dir/corpus" "$ROOT/Fuzz/Corpus/$target" $(extra_seeds "$target"))
    echo "## $target: ${command[*]}"
    set +e
    "${command[@]}" >"$dir/log" 2>&1
    code=$?
    set -e
    # The last status line (executions, cov, ft, corpus) and the final statistics.
    grep -E '^#[0-9]+' "$dir/log" | tail -1 || true
    grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$dir/log" | tr '\n' ' ' || true
    echo
    found=$(find "$dir/artifacts" -type f | wc -l)
    if [ "$code" -ne 0 ] || [ "$found" -ne 0 ]; then
        echo "!! $target: exit $code, $found artefact(s) in $dir/artifacts; log: $dir/log"
        grep -E 'ERROR|invariant broken|SUMMARY|Fatal error' "$dir/log" | head -5 || true
        status=1
    else
        echo "ok $target: no crash, leak, timeout or out-of-memory"
    fi
done
exit $status
