#!/usr/bin/env bash
# Instructions per click under valgrind's callgrind, for the I/O thread and the click writer:
# exact counts that do not move with the machine's load, to compare commits. Under a minute.
#   tests/bench/instructions.sh [--clicks N]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
bash deploy/install-deps.sh
if ! dpkg-query -W -f='${Status}' valgrind 2>/dev/null | grep -q '^install ok installed$'; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends valgrind >/dev/null
fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target linktrack
exec python3 tests/bench/instructions.py --binary build/linktrack "$@"
