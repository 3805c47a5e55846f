#!/usr/bin/env bash
# linktrack against nginx's static `return 302`, side by side in one run, on loopback:
# servers pinned to CPU 0 with one thread/worker, wrk pinned to CPU 1. Prints one table and
# writes tests/bench/results/DATE.json. Not part of the test suite; takes about 3 minutes.
#   tests/bench/compare.sh [--duration SECONDS] [--webhook]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
bash deploy/install-deps.sh
need=()
for p in wrk nginx-light; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# nginx-light enables its own service on install; the benchmark runs its own instance.
if command -v systemctl >/dev/null && systemctl is-active --quiet nginx 2>/dev/null; then
  echo "note: a system nginx is running; the benchmark uses its own ports" >&2
fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target linktrack
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true  # the idle-connection figure needs 10,000+ descriptors
exec python3 tests/bench/compare.py --binary build/linktrack "$@"
