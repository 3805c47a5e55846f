// What `linktrack certs list` and `linktrack doctor` tell of ACME certificates, read from the
// storage every node shares: each `tls: auto` host and each stored on-demand name, its
// certificate's validity, when it is due, and how the last attempt went.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "acme/storage.hpp"

namespace linktrack::acme {

struct CertificateRow {
  std::string host = {};
  bool configured = false;      // a `tls: auto` domain; false: on demand
  std::int64_t not_after = 0;   // 0: no certificate stored yet
  std::int64_t renew_from = 0;  // without the jitter a running node adds
  int failures = 0;             // attempts failed in a row, as last recorded
  std::string last_error = {};
  std::int64_t next_try = 0;
};

// One host's row (doctor asks for one domain; the listing below for all).
CertificateRow certificate_row(const Storage& storage, const std::string& host, bool configured,
                               std::int64_t renew_before);

// `auto_hosts`: the config's `tls: auto` domains; stored names not among them are on demand.
std::vector<CertificateRow> certificate_rows(const Storage& storage,
                                             const std::vector<std::string>& auto_hosts,
                                             std::int64_t renew_before);

std::string render_rows_table(const std::vector<CertificateRow>& rows, std::int64_t now);
std::string render_rows_json(const std::vector<CertificateRow>& rows);

}  // namespace linktrack::acme
