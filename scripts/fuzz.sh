#!/usr/bin/env bash
# Fuzzes the HTTP1 parsers with libFuzzer for FUZZ_SECONDS (default 600) seconds, starting from a
# copy of FuzzTesting/Corpus (so the repository corpus is not flooded with generated inputs). An
# input that crashes or breaks an invariant is written to FuzzTesting/FailCases/, which
# CorpusReplayTests replays on every test run.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-600}
build=(swift build -c debug --package-path FuzzTesting --scratch-path FuzzTesting/.build
    -Xswiftc -sanitize=fuzzer,address)
work=$(mktemp -d "${TMPDIR:-/tmp}/shebao-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
# The linker warns about every ASan helper symbol; only the rest of the output is worth showing.
if ! "${build[@]}" >"$work/build.log" 2>&1; then
    grep -v "Cannot export local symbol" "$work/build.log" >&2
    echo "fuzz: the fuzzer did not build" >&2
    exit 1
fi
fuzzer="$("${build[@]}" --show-bin-path)/HTTP1Fuzz"

corpus="$work/corpus"
mkdir -p "$corpus" FuzzTesting/FailCases
cp FuzzTesting/Corpus/* "$corpus/"
log="$work/fuzz.log"

echo "fuzz: running $fuzzer for ${seconds}s" >&2
start=$(date +%s)
status=0
"$fuzzer" "$corpus" -dict=FuzzTesting/http.dict -max_total_time="$seconds" -max_len=4096 \
    -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix=FuzzTesting/FailCases/ \
    >"$log" 2>&1 || status=$?
elapsed=$(( $(date +%s) - start ))

grep -E '^(==[0-9]+==|SUMMARY|Fatal error|artifact_prefix|Test unit written|MS:)' "$log" | tail -20 >&2 || true
runs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' || echo unknown)
echo "fuzz: $runs executions in ${elapsed}s, exit status $status"
if (( status != 0 )); then
    echo "fuzz: found a failing input, written to FuzzTesting/FailCases/; the log follows" >&2
    tail -60 "$log" >&2
fi
exit "$status"
