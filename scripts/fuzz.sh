#!/usr/bin/env bash
# Coverage-guided fuzzing (libFuzzer + AddressSanitizer) of the readers of untrusted
# input: trace files (Fuzz/Sources/FuzzTraceReader) and model files with --set
# overrides (Fuzz/Sources/FuzzModelFile), from a seed corpus of traces/samples and
# models/, for FUZZ_SECONDS (default 25) per target. Fails if an input crashes or
# traps, runs out of memory (4 GB) or takes more than 10 s; the input is kept in
# Fuzz/artifacts/. Prints how many inputs each target executed.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-25}
flags=(--package-path Fuzz -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld)
swift build "${flags[@]}" 2>&1 | grep -vE "Cannot export local symbol" | tail -2
bin=$(swift build "${flags[@]}" --show-bin-path)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/trace" "$work/model" Fuzz/artifacts
cp traces/samples/*.rvt "$work/trace/"
cp traces/samples/v1/recall.rvt "$work/trace/recall-v1.rvt"
cp traces/samples/v2/hopfield-weights.rvt "$work/trace/hopfield-weights-v2.rvt"
cp models/*.yaml "$work/model/"
# Seeds with overrides: `--set` lines before the model text.
{ echo "--set populations.memory.size=100"; echo "--set patterns.memories.count=5"; cat models/hopfield-hebbian.yaml; } > "$work/model/set-hebbian.yaml"
{ echo "--set populations[0].size=80"; echo "--set protocol[0].duration=20"; cat models/brette-benchmark4.yaml; } > "$work/model/set-benchmark4.yaml"
status=0 total=0
for target in FuzzTraceReader:trace:70000 FuzzModelFile:model:20000; do
  IFS=: read -r name corpus maxlen <<<"$target"
  log="$work/$name.log"
  # Leak checking is off: Foundation's String(contentsOfFile:) leaks a buffer on some errors.
  if ! ASAN_OPTIONS=detect_leaks=0 REVERIE_REPO="$PWD" "$bin/$name" "$work/$corpus" -max_total_time="$seconds" -max_len="$maxlen" -seed=1 \
       -timeout=10 -rss_limit_mb=4096 -detect_leaks=0 -print_final_stats=1 -artifact_prefix="Fuzz/artifacts/$name-" >"$log" 2>&1; then
    echo "fuzz: $name FAILED (input saved in Fuzz/artifacts/):"
    grep -vE "^#|^\s+NEW_FUNC|^INFO" "$log" | tail -40
    status=1
  fi
  runs=$( (grep -oE "number_of_executed_units: *[0-9]+" "$log" || echo 0) | grep -oE "[0-9]+$" | tail -1)
  echo "fuzz: $name executed ${runs:-0} inputs in $seconds s"
  total=$((total + ${runs:-0}))
done
echo "fuzz: $total inputs executed in all, $([ $status -eq 0 ] && echo "no failure" || echo "FAILURES")"
exit $status
