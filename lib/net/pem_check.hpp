// Checks a certificate chain and private key before a server tries to use them.
#pragma once

#include <optional>
#include <string>

namespace linktrack::net {

// nullopt when both files are readable PEM and the key belongs to the first certificate.
std::optional<std::string> certificate_pair_problem(const std::string& cert_path,
                                                    const std::string& key_path);

}  // namespace linktrack::net
