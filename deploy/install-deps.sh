#!/usr/bin/env bash
# Installs every build and test dependency of linktrack from Debian 12 packages.
# Idempotent: when everything is present it only runs dpkg-query and exits.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libboost1.81-dev libboost-url1.81-dev libboost-json1.81-dev libcurl4-openssl-dev libssl-dev libsqlite3-dev libspdlog-dev libfmt-dev libyaml-cpp-dev
  catch2 nlohmann-json3-dev libcli11-dev libgumbo-dev libpsl-dev libbenchmark-dev
  curl openssl sqlite3 python3 python3-jsonschema clang-format clang util-linux libcap2-bin
  # Real peers the tests start on loopback: ClickHouse; nginx and Apache in front (the proxy and
  # CDN guides, doctor); promtool (prometheus) for /metrics; systemd-analyze for the package.
  clickhouse-server nginx-light apache2-bin prometheus systemd
  # A test ACME CA and its DNS, for certificates from ACME.
  pebble
  # The dashboard: Chart.js compiled into the binary; headless Chromium drives its tests.
  libjs-chart.js chromium chromium-driver python3-selenium fonts-dejavu-core
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
echo "linktrack: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

# The servers among these are for the tests, which start their own on loopback. Where systemd
# runs, installing them also started their services on ports the demo and the tests use (nginx
# on 80, prometheus on 9090): those installed just now are stopped and not started at boot.
if [ -d /run/systemd/system ]; then
  for service in nginx:nginx-light prometheus:prometheus clickhouse-server:clickhouse-server; do
    unit=${service%%:*}
    package=${service#*:}
    if [[ " ${missing[*]} " == *" $package "* ]]; then
      $sudo systemctl disable --now --quiet "$unit" 2>/dev/null || true
    fi
  done
fi
