#!/usr/bin/env bash
# Installs what linktrack needs, builds it (Release) and runs it on the demo configuration
# (config/linktrack.dev.yaml): links.localhost with a self-signed certificate on 127.0.0.1:8443,
# plain HTTP on :8080, metrics on :9090, clicks in demo/data/clicks.db.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

bash deploy/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target linktrack

mkdir -p demo/data
bash deploy/make-dev-cert.sh links.localhost demo
if [ ! -s demo/token-key ]; then
  (umask 077 && ./build/linktrack keys generate >demo/token-key)
fi

if [ ! -s demo/api-key ]; then
  (umask 077 && ./build/linktrack keys generate --api | head -n 1 >demo/api-key)
fi

config=config/linktrack.dev.yaml
./build/linktrack check-config -c "$config"
./build/linktrack migrate -c "$config" >/dev/null

url=$(./build/linktrack sign -c "$config" --domain links.localhost --base-url https://links.localhost:8443 \
  --url "https://example.com/welcome?from=demo" --campaign spring-sale --template 7 \
  --message 0123456789abcdef0123456789abcdef --recipient 42 --link 1)
cat <<MSG

A tracked link for the demo domain:
  $url
Try it (the certificate is self-signed, hence -k):
  curl -k -i --resolve links.localhost:8443:127.0.0.1 '$url'
See what it carries:
  ./build/linktrack decode -c $config '$url'
Click statistics:
  ./build/linktrack stats -c $config
Metrics: curl http://127.0.0.1:9090/metrics
The admin API (its document: curl http://127.0.0.1:9090/api/v1/openapi.json):
  curl -H "Authorization: Bearer \$(cat demo/api-key)" 'http://127.0.0.1:9090/api/v1/stats?by=link'
The dashboard: http://127.0.0.1:9090/ui (sign in with the key in demo/api-key)

MSG
exec ./build/linktrack serve -c "$config"
