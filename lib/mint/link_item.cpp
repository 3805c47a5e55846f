#include "mint/link_item.hpp"

#include <array>
#include <stdexcept>
#include <string_view>

#include "util/duration.hpp"
#include "util/time_text.hpp"

namespace linktrack::mint {
namespace {

constexpr std::array<std::string_view, 11> kFields = {
    "domain", "url",     "campaign", "template", "message", "recipient",
    "link",   "expires", "sent_at",  "open",     "honeypot"};

[[noreturn]] void wrong(std::string_view field, std::string_view what) {
  throw std::invalid_argument("'" + std::string(field) + "' " + std::string(what));
}

std::optional<std::string> id(const boost::json::value& v, std::string_view name) {
  if (v.is_null()) return std::nullopt;
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  wrong(name, "must be a string or an integer");
}

bool flag(const boost::json::value& v, std::string_view name) {
  if (!v.is_bool()) wrong(name, "must be true or false");
  return v.get_bool();
}

}  // namespace

LinkItem link_item_from_json(const boost::json::value& j, std::int64_t now_seconds) {
  if (!j.is_object()) throw std::invalid_argument("expected a JSON object");
  LinkItem item;
  auto& f = item.fields;
  f.issued_at = now_seconds;
  bool open = false, honeypot = false;
  const boost::json::value* expires = nullptr;
  for (const auto& member : j.get_object()) {
    const std::string_view key = member.key();
    const auto& value = member.value();
    if (key == "domain") {
      if (!value.is_string()) wrong(key, "must be a string");
      item.domain = std::string(value.get_string());
    } else if (key == "url") {
      if (!value.is_string()) wrong(key, "must be a string");
      f.url = std::string(value.get_string());
    } else if (key == "campaign") {
      f.campaign = id(value, key);
    } else if (key == "template") {
      f.template_id = id(value, key);
    } else if (key == "message") {
      f.message = id(value, key);
    } else if (key == "recipient") {
      f.recipient = id(value, key);
    } else if (key == "link") {
      f.link = id(value, key);
    } else if (key == "expires") {
      expires = &value;
    } else if (key == "sent_at") {
      std::optional<std::int64_t> ms;
      if (value.is_string()) ms = util::parse_rfc3339_ms(value.get_string());
      if (value.is_int64())
        f.issued_at = value.get_int64();
      else if (ms)
        f.issued_at = *ms / 1000;
      else
        wrong(key, "must be Unix seconds (an integer) or an RFC 3339 time");
    } else if (key == "open") {
      open = flag(value, key);
    } else if (key == "honeypot") {
      honeypot = flag(value, key);
    } else {
      std::string known;
      for (auto name : kFields) known += (known.empty() ? "" : ", ") + std::string(name);
      throw std::invalid_argument("unknown field '" + std::string(key) + "' (known: " + known +
                                  ")");
    }
  }
  if (open && honeypot) throw std::invalid_argument("'open' and 'honeypot' exclude each other");
  f.kind = open ? token::Kind::open : honeypot ? token::Kind::honeypot : token::Kind::click;
  if (expires) {
    std::optional<std::int64_t> seconds;
    if (expires->is_int64())
      seconds = expires->get_int64();
    else if (expires->is_string())
      seconds = util::parse_duration_seconds(expires->get_string());
    if (!seconds || *seconds <= 0)
      wrong("expires", "wants a span such as 30d, 12h, 45m or seconds");
    f.expires_at = f.issued_at + *seconds;
  }
  return item;
}

}  // namespace linktrack::mint
