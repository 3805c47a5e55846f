// The doctor's answer for people (a ✓/✗ table with the fix under each ✗) and for programs
// (JSON).
#pragma once

#include <string>
#include <vector>

#include "doctor/checks.hpp"

namespace linktrack::doctor {

struct DomainReport {
  std::string host, origin;
  std::vector<Check> checks;
};

std::string render_table(const std::vector<DomainReport>& reports);
std::string render_json(const std::vector<DomainReport>& reports);
bool all_pass(const std::vector<DomainReport>& reports);

}  // namespace linktrack::doctor
