#include "token/payload.hpp"

#include <algorithm>
#include <array>

#include "net/destination.hpp"
#include "token/varint.hpp"
#include "util/utf8.hpp"

namespace linktrack::token {
namespace {

enum Flag : std::uint8_t {
  kOpen = 1 << 0,
  kUrl = 1 << 1,
  kExpires = 1 << 2,
  kCampaign = 1 << 3,
  kTemplate = 1 << 4,
  kMessage = 1 << 5,
  kRecipient = 1 << 6,
  kLink = 1 << 7,
};

// Code 0 is "no prefix"; the encoder picks the longest prefix that matches.
constexpr std::array<std::string_view, 5> kUrlPrefixes = {"", "https://", "http://", "https://www.",
                                                          "http://www."};

enum IdType : std::uint8_t { kDecimal = 0, kHex = 1, kUuid = 2, kText = 3 };

constexpr std::size_t kMaxIdBytes = 1024;
constexpr std::uint64_t kMaxDecimal = (std::uint64_t{1} << 62) - 1;

bool is_lower_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}
int hex_value(char c) {
  return c <= '9' ? c - '0' : c - 'a' + 10;
}
const char* kHexDigits = "0123456789abcdef";

std::optional<std::uint64_t> canonical_decimal(std::string_view s) {
  if (s.empty() || s.size() > 19 || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (v > kMaxDecimal) return std::nullopt;
  return v;
}

bool is_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < 36; ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !is_lower_hex(s[i])) return false;
  }
  return true;
}

void put_hex_bytes(std::string_view hex, std::string& out) {
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(hex_value(hex[i]) << 4 | hex_value(hex[i + 1])));
}

void encode_id(std::string_view id, std::string& out) {
  if (auto v = canonical_decimal(id)) {
    put_varint(*v << 2 | kDecimal, out);
  } else if (is_uuid(id)) {
    put_varint(kUuid, out);
    std::string hex;
    std::copy_if(id.begin(), id.end(), std::back_inserter(hex), [](char c) { return c != '-'; });
    put_hex_bytes(hex, out);
  } else if (!id.empty() && id.size() % 2 == 0 && std::all_of(id.begin(), id.end(), is_lower_hex)) {
    put_varint(static_cast<std::uint64_t>(id.size() / 2) << 2 | kHex, out);
    put_hex_bytes(id, out);
  } else {
    put_varint(static_cast<std::uint64_t>(id.size()) << 2 | kText, out);
    out.append(id);
  }
}

// Hex digits for `bytes`, with '-' before the bytes whose positions `dashes_before` has set (a
// UUID's 4-2-2-2-6 groups): the string is made once at its size (ids are decoded on every click).
std::string to_hex(std::string_view bytes, std::uint32_t dashes_before = 0) {
  const auto dash = [&](std::size_t i) { return i < 32 && ((dashes_before >> i) & 1) != 0; };
  std::size_t size = bytes.size() * 2;
  for (std::size_t i = 0; i < bytes.size(); ++i) size += dash(i);
  std::string s(size, '-');
  std::size_t at = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (dash(i)) ++at;
    const auto b = static_cast<unsigned char>(bytes[i]);
    s[at++] = kHexDigits[b >> 4];
    s[at++] = kHexDigits[b & 15];
  }
  return s;
}

bool take(std::string_view& in, std::size_t n, std::string_view& out) {
  if (in.size() < n) return false;
  out = in.substr(0, n);
  in.remove_prefix(n);
  return true;
}

std::optional<std::string> decode_id(std::string_view& in) {
  auto header = get_varint(in);
  if (!header) return std::nullopt;
  std::uint64_t n = *header >> 2;
  std::string_view bytes;
  switch (*header & 3) {
    case kDecimal:
      return std::to_string(n);
    case kHex:
      if (n == 0 || n > kMaxIdBytes || !take(in, n, bytes)) return std::nullopt;
      return to_hex(bytes);
    case kUuid: {
      if (n != 0 || !take(in, 16, bytes)) return std::nullopt;
      return to_hex(bytes, 1u << 4 | 1u << 6 | 1u << 8 | 1u << 10);
    }
    default:
      // Text ids are UTF-8: anything else would break JSON, cookies and logs downstream.
      if (n > kMaxIdBytes || !take(in, n, bytes) || !util::is_utf8(bytes)) return std::nullopt;
      return std::string(bytes);
  }
}

}  // namespace

std::optional<std::string> fields_problem(const LinkFields& f) {
  if (f.kind == Kind::click && f.url.empty()) return "a click link needs a destination URL";
  if (f.kind == Kind::honeypot && !f.url.empty()) return "a honeypot link has no destination";
  if (!f.url.empty()) {
    if (auto problem = net::destination_problem(f.url)) return "destination: " + *problem;
  }
  if (f.issued_at < kEpoch) return "the issue time is before 2024-01-01";
  if (f.expires_at && *f.expires_at < f.issued_at) return "the expiry is before the issue time";
  for (const auto* id : {&f.campaign, &f.template_id, &f.message, &f.recipient, &f.link}) {
    if (*id && (*id)->size() > kMaxIdBytes)
      return "an id is longer than " + std::to_string(kMaxIdBytes) + " bytes";
    if (*id && !util::is_utf8(**id)) return "an id is not valid UTF-8 text";
  }
  return std::nullopt;
}

void encode_payload(const LinkFields& f, std::string& out) {
  std::uint8_t flags = (f.kind == Kind::open ? kOpen : 0) | (!f.url.empty() ? kUrl : 0) |
                       (f.expires_at ? kExpires : 0) | (f.campaign ? kCampaign : 0) |
                       (f.template_id ? kTemplate : 0) | (f.message ? kMessage : 0) |
                       (f.recipient ? kRecipient : 0) | (f.link ? kLink : 0);
  out.push_back(static_cast<char>(flags));
  put_varint(static_cast<std::uint64_t>(f.issued_at - kEpoch), out);
  if (f.expires_at) put_varint(static_cast<std::uint64_t>(*f.expires_at - f.issued_at), out);
  if (!f.url.empty()) {
    std::size_t code = 0;
    for (std::size_t i = 1; i < kUrlPrefixes.size(); ++i) {
      if (f.url.starts_with(kUrlPrefixes[i]) && kUrlPrefixes[i].size() > kUrlPrefixes[code].size())
        code = i;
    }
    std::string_view rest = std::string_view(f.url).substr(kUrlPrefixes[code].size());
    put_varint(static_cast<std::uint64_t>(rest.size()) << 3 | code, out);
    out.append(rest);
  }
  for (const auto* id : {&f.campaign, &f.template_id, &f.message, &f.recipient, &f.link}) {
    if (*id) encode_id(**id, out);
  }
}

std::optional<LinkFields> decode_payload(std::string_view in) {
  if (in.empty()) return std::nullopt;
  LinkFields f;
  auto flags = static_cast<std::uint8_t>(in[0]);
  in.remove_prefix(1);
  f.kind = flags & kOpen ? Kind::open : Kind::click;
  auto issued = get_varint(in);
  if (!issued || *issued > (std::uint64_t{1} << 40)) return std::nullopt;
  f.issued_at = kEpoch + static_cast<std::int64_t>(*issued);
  if (flags & kExpires) {
    auto after = get_varint(in);
    if (!after || *after > (std::uint64_t{1} << 40)) return std::nullopt;
    f.expires_at = f.issued_at + static_cast<std::int64_t>(*after);
  }
  if (flags & kUrl) {
    auto header = get_varint(in);
    if (!header) return std::nullopt;
    std::size_t code = *header & 7;
    std::uint64_t n = *header >> 3;
    std::string_view rest;
    if (code >= kUrlPrefixes.size() || n > net::kMaxDestinationBytes || !take(in, n, rest))
      return std::nullopt;
    f.url = std::string(kUrlPrefixes[code]).append(rest);
    if (f.url.empty()) return std::nullopt;
  } else if (f.kind == Kind::click) {
    f.kind = Kind::honeypot;  // a click token without a URL
  }
  std::optional<std::string>* ids[] = {&f.campaign, &f.template_id, &f.message, &f.recipient,
                                       &f.link};
  const Flag id_flags[] = {kCampaign, kTemplate, kMessage, kRecipient, kLink};
  for (int i = 0; i < 5; ++i) {
    if (!(flags & id_flags[i])) continue;
    *ids[i] = decode_id(in);
    if (!*ids[i]) return std::nullopt;
  }
  if (!in.empty()) return std::nullopt;
  return f;
}

}  // namespace linktrack::token
