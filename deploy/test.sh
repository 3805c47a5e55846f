#!/usr/bin/env bash
# Installs what linktrack needs, then builds and runs the whole test suite:
#   1. Release build: unit tests, and integration tests against the real binary;
#   2. AddressSanitizer + UndefinedBehaviorSanitizer build (clang, the library instrumented for
#      libFuzzer too): unit tests, and the integration tests against the sanitized server;
#   3. every fuzz target of that build over its seed corpus, LINKTRACK_FUZZ_SECONDS each (20),
#      one per core at a time;
#   4. ThreadSanitizer build: the click writer's queue, the config snapshot swap, the re-scorer.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
jobs=$(nproc)
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

bash deploy/install-deps.sh

echo "== Release build: unit and integration tests"
# The micro-benchmarks are built (not run: tests/bench/micro.sh does) so they keep compiling.
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DLINKTRACK_BENCHMARKS=ON >/dev/null
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs"

echo "== AddressSanitizer + UndefinedBehaviorSanitizer: unit tests and the server under the integration tests"
# Line tables are all a sanitizer's report needs (file and line per frame); full debug info
# makes these builds slower to compile and link.
if command -v clang++ >/dev/null; then
  CXX=clang++ cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DLINKTRACK_FUZZ=ON \
    -DCMAKE_CXX_FLAGS_DEBUG=-gline-tables-only >/dev/null
else
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DLINKTRACK_SANITIZE=ON \
    -DCMAKE_CXX_FLAGS_DEBUG=-g1 >/dev/null
fi
cmake --build build-asan -j"$jobs"
LINKTRACK_SANITIZED=1 ctest --test-dir build-asan --output-on-failure -j"$jobs"

if command -v clang++ >/dev/null; then
  echo "== Fuzzing: each target for ${LINKTRACK_FUZZ_SECONDS:-20} s"
  bash tests/fuzz/run.sh build-asan "${LINKTRACK_FUZZ_SECONDS:-20}"
fi

echo "== ThreadSanitizer: the click writer's queue, the config snapshot swap, the re-scorer beside the writer"
cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DLINKTRACK_TSAN=ON -DLINKTRACK_UNIT_ONLY=ON \
  -DCMAKE_CXX_FLAGS_DEBUG=-g1 >/dev/null
cmake --build build-tsan -j"$jobs"
TSAN_OPTIONS=halt_on_error=1 ctest --test-dir build-tsan --output-on-failure -j"$jobs"
