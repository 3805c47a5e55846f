#!/usr/bin/env python3
"""An independent implementation of lib/token/SPEC.md, written from the spec alone, that
writes tests/vectors/tokens.json. The C++ unit tests check those vectors in both directions,
so the spec, this script and the server must all agree. AES-256-CTR comes from the openssl
command; everything else is the Python standard library.

    python3 tests/vectors/make_vectors.py > tests/vectors/tokens.json
"""

import base64
import hashlib
import hmac
import json
import re
import subprocess

EPOCH = 1704067200
PREFIXES = ["", "https://", "http://", "https://www.", "http://www."]


def hkdf(secret, info):
    prk = hmac.new(b"linktrack token v1", secret, hashlib.sha256).digest()
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()


def varint(v):
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def encode_id(s):
    if re.fullmatch(r"0|[1-9][0-9]{0,18}", s) and int(s) < 2**62:
        return varint(int(s) << 2)
    if re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", s):
        return varint(2) + bytes.fromhex(s.replace("-", ""))
    if s and len(s) % 2 == 0 and re.fullmatch(r"[0-9a-f]+", s):
        return varint((len(s) // 2) << 2 | 1) + bytes.fromhex(s)
    raw = s.encode("utf-8", "surrogateescape")  # lets tests sign raw bytes, as a careless signer might
    return varint(len(raw) << 2 | 3) + raw


def payload(f):
    ids = ["campaign", "template", "message", "recipient", "link"]
    flags = (1 if f.get("kind") == "open" else 0) | (2 if "url" in f else 0) | \
        (4 if "expires_at" in f else 0)
    for i, name in enumerate(ids):
        if name in f:
            flags |= 8 << i
    out = bytes([flags]) + varint(f["issued_at"] - EPOCH)
    if "expires_at" in f:
        out += varint(f["expires_at"] - f["issued_at"])
    if "url" in f:
        code = max((i for i, p in enumerate(PREFIXES) if f["url"].startswith(p)),
                   key=lambda i: len(PREFIXES[i]))
        rest = f["url"][len(PREFIXES[code]):].encode()
        out += varint(len(rest) << 3 | code) + rest
    for name in ids:
        if name in f:
            out += encode_id(f[name])
    return out


def aes_ctr(key, iv, data):
    if not data:
        return b""
    return subprocess.run(["openssl", "enc", "-aes-256-ctr", "-K", key.hex(), "-iv", iv.hex(),
                           "-nopad"], input=data, capture_output=True, check=True).stdout


def token(secret, key_id, host, f):
    mac_key = hkdf(secret, b"linktrack v1 mac")
    enc_key = hkdf(secret, b"linktrack v1 enc")
    header = bytes([1]) + varint(key_id)
    plain = payload(f)
    host_b = host.encode()
    v = hmac.new(mac_key, header + bytes([len(host_b)]) + host_b + plain, hashlib.sha256).digest()[:16]
    q = bytearray(v)
    q[8] &= 0x7F
    q[12] &= 0x7F
    raw = header + v + aes_ctr(enc_key, bytes(q), plain)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def main():
    secret1 = bytes(range(32))
    secret2 = bytes(range(32, 64))
    issued = 1790000000
    cases = [
        ("reference link", 1, secret1, "links.example.com", {
            "url": "https://www.example.com/products/spring-sale/shoes/running/item-12345"
                   "?utm_campaign=spring&variant=blue&size=42&ref=nl001",
            "campaign": "123456", "template": "7890",
            "message": "0123456789abcdef0123456789abcdef", "recipient": "987654321",
            "link": "3", "issued_at": issued}),
        ("url only", 1, secret1, "links.example.com",
         {"url": "https://example.com/", "issued_at": issued}),
        ("http url with www", 1, secret1, "links.example.com",
         {"url": "http://www.example.org/a?b=c#frag", "issued_at": issued}),
        ("text ids and uuid", 7, secret2, "click.example.net", {
            "url": "https://shop.example.net/cart", "campaign": "Spring Sale 2026",
            "message": "f47ac10b-58cc-4372-a567-0e02b2c3d479", "recipient": "user@example.com",
            "link": "hero-button", "issued_at": issued}),
        ("expiring", 1, secret1, "links.example.com", {
            "url": "https://example.com/offer", "issued_at": issued,
            "expires_at": issued + 30 * 86400}),
        ("open pixel", 1, secret1, "links.example.com", {
            "kind": "open", "campaign": "42", "message": "00ff", "recipient": "0042",
            "issued_at": issued}),
        ("honeypot", 1, secret1, "links.example.com", {
            "kind": "honeypot", "campaign": "42", "message": "00ff", "recipient": "0042",
            "issued_at": issued}),
        ("large numbers", 4294967295, secret2, "links.example.com", {
            "url": "https://example.com/", "campaign": "4611686018427387903",
            "template": "4611686018427387904", "issued_at": issued}),
    ]
    out = {
        "description": "linktrack token v1 test vectors; see lib/token/SPEC.md",
        "keys": {"1": base64.b64encode(secret1).decode(), "7": base64.b64encode(secret2).decode(),
                 "4294967295": base64.b64encode(secret2).decode()},
        "vectors": [],
    }
    for name, key_id, secret, host, fields in cases:
        fields.setdefault("kind", "click")
        out["vectors"].append({"name": name, "key_id": key_id, "host": host, "fields": fields,
                               "payload_hex": payload(fields).hex(),
                               "token": token(secret, key_id, host, fields)})
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
