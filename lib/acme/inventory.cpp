#include "acme/inventory.hpp"

#include <algorithm>
#include <ctime>
#include <nlohmann/json.hpp>
#include <set>

#include "acme/renewal.hpp"

namespace linktrack::acme {
namespace {

std::string utc(std::int64_t unix_s) {
  if (unix_s <= 0) return "-";
  const std::time_t t = static_cast<std::time_t>(unix_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%SZ", &tm);
  return text;
}

}  // namespace

CertificateRow certificate_row(const Storage& storage, const std::string& host, bool configured,
                               std::int64_t renew_before) {
  CertificateRow row;
  row.host = host;
  row.configured = configured;
  if (auto stored = storage.read_certificate(host)) {
    row.not_after = stored->not_after;
    row.renew_from = renewal_time(stored->not_before, stored->not_after, renew_before, 0);
  }
  if (auto status = storage.read_status(host)) {
    auto j = nlohmann::json::parse(*status, nullptr, false);
    if (j.is_object()) {
      row.failures = j.value("failures", 0);
      row.last_error = j.value("last_error", "");
      row.next_try = j.value("next_try", std::int64_t{0});
    }
  }
  return row;
}

std::vector<CertificateRow> certificate_rows(const Storage& storage,
                                             const std::vector<std::string>& auto_hosts,
                                             std::int64_t renew_before) {
  std::set<std::string> hosts(auto_hosts.begin(), auto_hosts.end());
  for (auto& h : storage.certificate_hosts()) hosts.insert(h);
  std::vector<CertificateRow> rows;
  for (const auto& host : hosts) {
    const bool configured =
        std::find(auto_hosts.begin(), auto_hosts.end(), host) != auto_hosts.end();
    rows.push_back(certificate_row(storage, host, configured, renew_before));
  }
  return rows;
}

std::string render_rows_table(const std::vector<CertificateRow>& rows, std::int64_t now) {
  std::string out =
      "HOST                                 KIND        EXPIRES               RENEWS FROM          "
      " STATE\n";
  for (const auto& r : rows) {
    std::string state;
    if (r.failures > 0)
      state = "failed " + std::to_string(r.failures) + "x, next try " + utc(r.next_try) + ": " +
              r.last_error;
    else if (r.not_after == 0)
      state = "not issued yet";
    else if (r.not_after <= now)
      state = "expired";
    else
      state = "ok";
    char line[512];
    std::snprintf(line, sizeof line, "%-36s %-11s %-21s %-21s ", r.host.c_str(),
                  r.configured ? "tls: auto" : "on demand", utc(r.not_after).c_str(),
                  utc(r.renew_from).c_str());
    out += line + state + "\n";
  }
  return out;
}

std::string render_rows_json(const std::vector<CertificateRow>& rows) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : rows)
    out.push_back({{"host", r.host},
                   {"kind", r.configured ? "tls_auto" : "on_demand"},
                   {"not_after", r.not_after},
                   {"renew_from", r.renew_from},
                   {"failures", r.failures},
                   {"last_error", r.last_error},
                   {"next_try", r.next_try}});
  return out.dump(2) + "\n";
}

}  // namespace linktrack::acme
