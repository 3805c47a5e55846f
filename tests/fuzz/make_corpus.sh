#!/usr/bin/env bash
# Writes the seed corpora in tests/fuzz/corpus/ from the built binary: real requests carrying
# tokens signed with the fuzz targets' key, configs, destinations, documents, forwarded headers.
#   tests/fuzz/make_corpus.sh build/linktrack
set -euo pipefail
bin=$(realpath "${1:-build/linktrack}")
here=$(cd "$(dirname "$0")" && pwd)
out="$here/corpus"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/c.yaml" <<'YAML'
listen: {https: "127.0.0.1:8443"}
keys: [{id: 1, secret: "a2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2s="}]
domains: [{host: links.example.com}]
YAML
sign() { "$bin" sign -c "$tmp/c.yaml" --domain links.example.com "$@" | sed 's|^https://links.example.com||'; }
click=$(sign --url 'https://shop.example.com/sale?x=1#top' --campaign spring --template 7 \
  --message 0123456789abcdef0123456789abcdef --recipient 42 --link 1)
open=$(sign --open --campaign spring --recipient 42)
odd=$(sign --url 'https://shop.example.com/list?filter[size]=42&q=a|b' --campaign 'café')
token=${click#/c/}

mkdir -p "$out"/{request,config,destination,rewrite,forwarded_for,token_decode,start_tag_scanner}
req() { printf '%b' "$2" > "$out/request/$1"; }
# First byte: bit 0 TLS, bit 1 from a trusted proxy.
req click "\x01GET $click HTTP/1.1\r\nHost: links.example.com\r\nUser-Agent: Mozilla/5.0\r\nAccept: text/html\r\nReferer: https://mail.example.com/\r\n\r\n"
req app "\x01GET $click HTTP/1.1\r\nHost: click.example.com\r\nAccept: application/json\r\n\r\n"
req open "\x03GET $open HTTP/1.1\r\nHost: links.example.com\r\nX-Forwarded-For: 203.0.113.9, 10.0.0.1\r\nX-Forwarded-For: 198.51.100.2\r\nCF-Connecting-IP: 192.0.2.1\r\n\r\n"
req odd "\x01HEAD $odd HTTP/1.1\r\nHost: links.example.com:8443\r\n\r\n"
req plain "\x00GET $click?x=1 HTTP/1.1\r\nHost: links.example.com:8080\r\n\r\n"
req pipelined "\x01GET /healthz HTTP/1.1\r\nHost: links.example.org\r\n\r\nGET /.well-known/assetlinks.json HTTP/1.1\r\nHost: links.example.com\r\n\r\nGET /robots.txt HTTP/1.0\r\nHost: links.example.com\r\n\r\n"
req chunked "\x01POST /c/x HTTP/1.1\r\nHost: links.example.com\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
req framing "\x01GET /favicon.ico HTTP/1.1\r\nHost: links.example.com\r\nHost: a\r\nContent-Length: 2\r\nTransfer-Encoding: gzip\r\n\r\nab"
cp "$here/../../config/linktrack.example.yaml" "$out/config/example.yaml"
cp "$here/../../config/linktrack.dev.yaml" "$out/config/dev.yaml"
cp "$tmp/c.yaml" "$out/config/minimal.yaml"
n=0
for u in 'https://shop.example.com/sale?x=1#top' 'http://[2001:db8::1]:8080/a%20b?q={x}|y^' \
         'HTTPS://EXAMPLE.COM:443' 'https://a.example/p?q=\x#f#g' 'https://a.example/%zz?' \
         'https://a.example:70000/' 'https://u@a.example/' 'javascript:alert(1)'; do
  printf '%s' "$u" > "$out/destination/$n"; n=$((n + 1))
done
# The real-world newsletter of tests/unit/fixtures seeds the HTML targets too (run.sh adds it).
printf '%s' '<a href="https://x.example/?a=1&amp;b=2" data-linktrack-name="cta">x</a><area href="http://y.example/"><a href="{{url}}" data-linktrack="off"><svg><a href="https://z/"></svg><!-- <a href="https://c/"> --></body>' > "$out/rewrite/small.html"
cp "$out/rewrite/small.html" "$out/start_tag_scanner/small.html"
printf '\x01%s' '203.0.113.9, 10.0.0.1, ::ffff:10.1.1.1' > "$out/forwarded_for/chain"
printf '\x01%s\n%s' '' '2001:db8::7' > "$out/forwarded_for/cf"
printf '\x00%s' 'garbage, 1.2.3.4' > "$out/forwarded_for/untrusted"
printf '%s' "$token" > "$out/token_decode/click"
printf '%s' "${open#/o/}" > "$out/token_decode/open"
echo "corpus written to $out"
