// POST /api/v1/links and POST /api/v1/rewrite: the rules and tokens of `sign --batch` and
// `rewrite`, from the same code (mint/link_item.hpp, mint/email_rewrite.hpp).
#include <map>
#include <memory>

#include "api/endpoints.hpp"
#include "api/error.hpp"
#include "config/host_index.hpp"
#include "mint/email_rewrite.hpp"
#include "mint/link_item.hpp"
#include "mint/link_minter.hpp"

namespace linktrack::api {
namespace {

constexpr std::size_t kMaxLinks = 10000;

// One minter per domain named in a request.
class Minters {
 public:
  explicit Minters(const config::Config& c) : config_(c), hosts_(c) {}
  mint::LinkMinter& get(const std::string& domain) {
    auto& m = minters_[domain];
    if (!m) {
      const auto* d = hosts_.find(domain);
      if (!d) throw std::invalid_argument("'domain' " + domain + " is not a configured domain");
      m = std::make_unique<mint::LinkMinter>(config_, *d, domain);
    }
    return *m;
  }

 private:
  const config::Config& config_;
  config::HostIndex hosts_;
  std::map<std::string, std::unique_ptr<mint::LinkMinter>, std::less<>> minters_;
};

}  // namespace

nlohmann::json parse_body(std::string_view body) {
  try {
    return nlohmann::json::parse(body);
  } catch (const nlohmann::json::parse_error& e) {
    throw ApiError(400, "bad_json",
                   "the body is not JSON: at byte " + std::to_string(e.byte) + ": " +
                       std::string(e.what()).substr(std::string(e.what()).find(':') + 2));
  }
}

http::Response mint_links(const ApiRequest& req, const QueryParams&, Context& ctx) {
  const auto body = parse_body(req.body);
  if (!body.is_object() || !body.contains("links") || !body["links"].is_array())
    throw bad_request("expected {\"links\": [{\"domain\": …, \"url\": …}, …]}");
  for (const auto& [key, value] : body.items())
    if (key != "links") throw bad_request("unknown field '" + key + "' (known: links)");
  const auto& links = body["links"];
  if (links.size() > kMaxLinks)
    throw bad_request(std::to_string(links.size()) + " links in one request; at most " +
                      std::to_string(kMaxLinks));
  Minters minters(ctx.config);
  const std::int64_t now = ctx.now_ms / 1000;
  nlohmann::json urls = nlohmann::json::array();
  nlohmann::json errors = nlohmann::json::array();
  for (std::size_t i = 0; i < links.size(); ++i) {
    try {
      auto item = mint::link_item_from_json(links[i], now);
      if (!item.domain) throw std::invalid_argument("'domain' is required");
      urls.push_back(minters.get(*item.domain).mint(item.fields));
    } catch (const std::invalid_argument& e) {
      urls.push_back(nullptr);
      errors.push_back({{"index", i}, {"message", e.what()}});
    }
  }
  return json_response(
      nlohmann::json{{"urls", std::move(urls)}, {"errors", std::move(errors)}}.dump(
          -1, ' ', false, nlohmann::json::error_handler_t::replace));
}

http::Response rewrite_email(const ApiRequest& req, const QueryParams& q, Context& ctx) {
  auto domain = q.text("domain");
  if (!domain) throw bad_request("'domain' is required: the tracking domain to mint links for");
  Minters minters(ctx.config);
  mint::EmailOptions options;
  options.ids.issued_at = ctx.now_ms / 1000;
  options.ids.campaign = q.text("campaign");
  options.ids.template_id = q.text("template");
  options.ids.message = q.text("message");
  options.ids.recipient = q.text("recipient");
  options.open_pixel = q.flag("open_pixel");
  options.honeypot = q.flag("honeypot");
  rewrite::RewriteReport report;
  http::Response r;
  try {
    if (auto sent = q.text("sent_at")) {  // as in a link item: Unix seconds or RFC 3339
      const bool digits = !sent->empty() && sent->size() < 19 &&
                          sent->find_first_not_of("0123456789") == std::string::npos;
      options.ids.issued_at =
          mint::link_item_from_json(
              {{"sent_at", digits ? nlohmann::json(std::stoll(*sent)) : nlohmann::json(*sent)}}, 0)
              .fields.issued_at;
    }
    r.body = mint::rewrite_email(req.body, minters.get(*domain), options, report);
  } catch (const std::invalid_argument& e) {
    throw bad_request(e.what());
  }
  r.content_type = "text/html; charset=utf-8";
  r.headers.emplace_back("Linktrack-Rewrite-Summary", mint::report_json(report));
  r.no_store = true;
  return r;
}

}  // namespace linktrack::api
