#include "token/json_fields.hpp"

namespace linktrack::token {

nlohmann::json to_json(const LinkFields& f) {
  nlohmann::json j;
  j["kind"] = f.kind == Kind::open ? "open" : f.kind == Kind::honeypot ? "honeypot" : "click";
  if (!f.url.empty()) j["url"] = f.url;
  auto put = [&](const char* name, const std::optional<std::string>& v) {
    if (v) j[name] = *v;
  };
  put("campaign", f.campaign);
  put("template", f.template_id);
  put("message", f.message);
  put("recipient", f.recipient);
  put("link", f.link);
  j["issued_at"] = f.issued_at;
  if (f.expires_at) j["expires_at"] = *f.expires_at;
  return j;
}

}  // namespace linktrack::token
