#include "acme/messages.hpp"

#include <nlohmann/json.hpp>

namespace linktrack::acme {
namespace {

nlohmann::json parse(std::string_view text, const char* what) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) throw ProtocolError(std::string("the ACME server's ") + what + " is not JSON");
  return j;
}

std::string text_member(const nlohmann::json& j, const char* name, const char* what,
                        bool required = true) {
  auto it = j.find(name);
  if (it != j.end() && it->is_string()) return it->get<std::string>();
  if (required)
    throw ProtocolError(std::string("the ACME server's ") + what + " has no \"" + name + "\"");
  return {};
}

std::optional<Problem> problem_member(const nlohmann::json& j) {
  auto it = j.find("error");
  if (it == j.end() || !it->is_object()) return std::nullopt;
  return parse_problem(it->dump());
}

}  // namespace

bool Problem::is(std::string_view acme_error) const {
  constexpr std::string_view kPrefix = "urn:ietf:params:acme:error:";
  return type.size() == kPrefix.size() + acme_error.size() && type.starts_with(kPrefix) &&
         type.ends_with(acme_error);
}

std::string Problem::describe() const {
  constexpr std::string_view kPrefix = "urn:ietf:params:acme:error:";
  std::string name = type.starts_with(kPrefix) ? type.substr(kPrefix.size()) : type;
  if (name.empty()) name = "error";
  return detail.empty() ? name : name + ": " + detail;
}

Directory parse_directory(std::string_view json) {
  const auto j = parse(json, "directory");
  return {text_member(j, "newNonce", "directory"), text_member(j, "newAccount", "directory"),
          text_member(j, "newOrder", "directory")};
}

Problem parse_problem(std::string_view json) {
  auto j = nlohmann::json::parse(json, nullptr, false);
  Problem p;
  if (!j.is_object()) {
    p.detail = std::string(json.substr(0, 200));
    return p;
  }
  p.type = text_member(j, "type", "problem", false);
  p.detail = text_member(j, "detail", "problem", false);
  if (auto it = j.find("status"); it != j.end() && it->is_number_integer()) p.status = *it;
  return p;
}

Authorization parse_authorization(std::string_view json) {
  const auto j = parse(json, "authorization");
  Authorization a;
  a.status = text_member(j, "status", "authorization");
  if (auto id = j.find("identifier"); id != j.end() && id->is_object())
    a.host = text_member(*id, "value", "authorization's identifier");
  if (auto list = j.find("challenges"); list != j.end() && list->is_array()) {
    for (const auto& c : *list) {
      if (!c.is_object()) continue;
      a.challenges.push_back({text_member(c, "type", "challenge"), text_member(c, "url", "challenge"),
                              text_member(c, "status", "challenge"),
                              text_member(c, "token", "challenge", false), problem_member(c)});
    }
  }
  return a;
}

Order parse_order(std::string_view json) {
  const auto j = parse(json, "order");
  Order o;
  o.status = text_member(j, "status", "order");
  o.finalize = text_member(j, "finalize", "order");
  o.certificate = text_member(j, "certificate", "order", false);
  if (auto list = j.find("authorizations"); list != j.end() && list->is_array())
    for (const auto& url : *list)
      if (url.is_string()) o.authorizations.push_back(url);
  o.error = problem_member(j);
  return o;
}

const Challenge* choose_challenge(const Authorization& a,
                                  const std::vector<std::string>& supported) {
  for (const auto& type : supported)
    for (const auto& c : a.challenges)
      if (c.type == type && valid_token(c.token)) return &c;
  return nullptr;
}

std::string key_authorization(std::string_view token, std::string_view thumbprint) {
  return std::string(token) + "." + std::string(thumbprint);
}

bool valid_token(std::string_view token) {
  if (token.empty() || token.size() > 256) return false;
  for (char c : token)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  return true;
}

}  // namespace linktrack::acme
