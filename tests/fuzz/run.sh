#!/usr/bin/env bash
# Runs every fuzz target of a LINKTRACK_FUZZ build for SECONDS each (default 20) over its seed
# corpus in tests/fuzz/corpus/, with new inputs kept in the build folder, not the repository;
# LINKTRACK_FUZZ_JOBS targets at a time (default: one per core).
# Exits non-zero when a target finds a crash, a leak or undefined behaviour; the input that did
# it is left as BUILD/fuzz-artifacts/crash-*.
#   CXX=clang++ cmake -S . -B build-fuzz -DLINKTRACK_FUZZ=ON && cmake --build build-fuzz
#   tests/fuzz/run.sh build-fuzz 600        # ten minutes a target
set -euo pipefail
build=$(realpath "${1:-build-fuzz}")
seconds=${2:-20}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$build/fuzz-artifacts"
jobs=${LINKTRACK_FUZZ_JOBS:-$(nproc)}

# One target: its result line (and the log's tail on a failure); the exit status says which.
fuzz_one() {
  local target=$1 name seeds work log runs edges
  name=$(basename "$target")
  seeds=("$here/corpus/${name#fuzz_}")
  # The HTML targets also start from the unit tests' real-world newsletter.
  case "$name" in fuzz_rewrite | fuzz_start_tag_scanner) seeds+=("$here/../unit/fixtures") ;; esac
  work="$build/fuzz-corpus/${name#fuzz_}"
  mkdir -p "$work" "${seeds[0]}"
  log="$build/fuzz-artifacts/$name.log"
  if ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$build/fuzz-artifacts/" "$work" "${seeds[@]}" >"$log" 2>&1; then
    runs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')
    edges=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | awk '{print $2}')
    echo "ok   $name: ${runs:-?} runs in ${seconds}s, ${edges:-?} edges covered"
  else
    echo "FAIL $name (log: $log)"
    tail -40 "$log"
    return 1
  fi
}

# As many targets at a time as there are cores: each is one process on one core.
failed=0
running=0
for target in "$build"/fuzz_*; do
  [ -x "$target" ] || continue
  if [ "$running" -ge "$jobs" ]; then
    wait -n || failed=$((failed + 1))
    running=$((running - 1))
  fi
  fuzz_one "$target" &
  running=$((running + 1))
done
while [ "$running" -gt 0 ]; do
  wait -n || failed=$((failed + 1))
  running=$((running - 1))
done
[ "$failed" -eq 0 ]
