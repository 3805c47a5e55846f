#!/usr/bin/env bash
# Installs what linktrack needs, then builds and runs the whole test suite through ctest:
# the Release build (unit and integration tests against the real binary), then the unit tests
# again under AddressSanitizer and UndefinedBehaviorSanitizer.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
jobs=$(nproc)

bash deploy/install-deps.sh

echo "== Release build: unit and integration tests"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs"

echo "== AddressSanitizer + UndefinedBehaviorSanitizer build: unit tests"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DLINKTRACK_SANITIZE=ON -DLINKTRACK_UNIT_ONLY=ON >/dev/null
cmake --build build-asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j"$jobs"
