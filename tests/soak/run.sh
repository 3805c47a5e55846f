#!/usr/bin/env bash
# Runs the soak scenarios (tests/soak/soak.py) against a built linktrack, after installing the
# attack and audit tools they use. Loopback only; each scenario is bounded and stops by itself;
# about 15 minutes in all (testssl.sh is most of it). Not part of the test command.
#   tests/soak/run.sh [build/linktrack] [scenario ...]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
binary=${1:-$root/build/linktrack}
shift || true
need=()
for p in slowhttptest testssl.sh util-linux; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores"
exec python3 "$root/tests/soak/soak.py" "$binary" "$@"
