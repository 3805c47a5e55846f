#!/usr/bin/env bash
# Makes a self-signed certificate for development: make-dev-cert.sh HOST OUT_DIR [EXTRA_SAN...]
# Writes OUT_DIR/HOST.crt and OUT_DIR/HOST.key unless they exist already.
set -euo pipefail
host=$1
out=$2
shift 2
mkdir -p "$out"
[ -s "$out/$host.crt" ] && [ -s "$out/$host.key" ] && exit 0
san="DNS:$host"
for extra in "$@"; do san="$san,DNS:$extra"; done
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 825 \
  -subj "/CN=$host" -addext "subjectAltName=$san" \
  -keyout "$out/$host.key" -out "$out/$host.crt" 2>/dev/null
chmod 600 "$out/$host.key"
