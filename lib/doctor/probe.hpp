// The doctor's probes: what a client on this machine sees of a tracking domain, through the
// system resolver (or --resolve), OpenSSL's default trust store (or --ca-file) and libcurl.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "doctor/observations.hpp"

namespace linktrack::doctor {

struct ProbeOptions {
  std::map<std::string, std::string> resolve;  // host -> address, instead of DNS
  std::optional<std::string> ca_file;          // trust instead of the system store
  std::optional<std::string> target;           // the name or address the domain should point at
  std::int64_t timeout_ms = 10000;
};

// Everything the checks look at, for `host` (the domain's public name, or one of its names).
// Never throws for what the network does: failures are observations.
DomainObservations observe(const config::Config& config, const config::Domain& domain,
                           const std::string& host, const ProbeOptions& options);

// "example.com" for "links.example.com" (the Public Suffix List, through libpsl); empty when
// `host` is itself registrable or a public suffix.
std::string registrable_domain(const std::string& host);

}  // namespace linktrack::doctor
