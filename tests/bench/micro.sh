#!/usr/bin/env bash
# Builds and runs the core micro-benchmarks (Release): tokens signed and verified per second on
# one core, and rewrite throughput in MB/s.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash deploy/install-deps.sh
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DLINKTRACK_BENCHMARKS=ON -DLINKTRACK_UNIT_ONLY=ON >/dev/null
cmake --build build-bench -j"$(nproc)" --target linktrack_bench
./build-bench/linktrack_bench "$@"
