// POST /api/v1/links and POST /api/v1/rewrite: the rules and tokens of `sign --batch` and
// `rewrite`, from the same code (mint/link_item.hpp, mint/email_rewrite.hpp).
#include <boost/json.hpp>

#include "api/endpoints.hpp"
#include "api/error.hpp"
#include "mint/email_rewrite.hpp"
#include "mint/link_item.hpp"
#include "mint/minters.hpp"
#include "util/json_text.hpp"

namespace linktrack::api {
namespace {

constexpr std::size_t kMaxLinks = 10000;

}  // namespace

boost::json::value parse_body(std::string_view body) {
  try {
    return util::parse_json(body);
  } catch (const util::JsonSyntaxError& e) {
    throw ApiError(400, "bad_json", std::string("the body is ") + e.what());
  }
}

// The answer is written as it is built: a DOM of 10,000 URLs would cost more than minting them.
http::Response mint_links(const ApiRequest& req, const QueryParams&, Context& ctx) {
  const auto body = parse_body(req.body);
  const auto* object = body.if_object();
  const auto* links = object ? object->if_contains("links") : nullptr;
  if (!links || !links->is_array())
    throw bad_request("expected {\"links\": [{\"domain\": …, \"url\": …}, …]}");
  for (const auto& member : *object)
    if (member.key() != "links")
      throw bad_request("unknown field '" + std::string(member.key()) + "' (known: links)");
  const auto& items = links->get_array();
  if (items.size() > kMaxLinks)
    throw bad_request(std::to_string(items.size()) + " links in one request; at most " +
                      std::to_string(kMaxLinks));
  mint::Minters minters(ctx.config);
  const std::int64_t now = ctx.now_ms / 1000;
  std::string urls = "{\"urls\":[", errors;
  urls.reserve(items.size() * 96);
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) urls += ',';
    try {
      auto item = mint::link_item_from_json(items[i], now);
      if (!item.domain) throw std::invalid_argument("'domain' is required");
      // scheme://host/c/token: a configured host and base64url, nothing JSON must escape.
      const auto url = minters.get(*item.domain).mint(item.fields);
      urls += '"';
      urls += url;
      urls += '"';
    } catch (const std::invalid_argument& e) {
      urls += "null";
      errors += errors.empty() ? "" : ",";
      errors += "{\"index\":" + std::to_string(i) +
                ",\"message\":" + boost::json::serialize(boost::json::string(e.what())) + "}";
    }
  }
  return json_response(urls + "],\"errors\":[" + errors + "]}");
}

http::Response rewrite_email(const ApiRequest& req, const QueryParams& q, Context& ctx) {
  auto domain = q.text("domain");
  if (!domain) throw bad_request("'domain' is required: the tracking domain to mint links for");
  mint::Minters minters(ctx.config);
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
      boost::json::object item;
      if (digits)
        item["sent_at"] = std::stoll(*sent);
      else
        item["sent_at"] = *sent;
      options.ids.issued_at = mint::link_item_from_json(item, 0).fields.issued_at;
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
