#include "doctor/report.hpp"

#include <nlohmann/json.hpp>

#include <array>

namespace linktrack::doctor {
namespace {

// Each outcome's mark in the table and word in JSON, in the order of Outcome.
constexpr std::array<std::pair<const char*, const char*>, 3> kOutcomes = {
    {{"✓", "pass"}, {"✗", "fail"}, {"-", "skip"}}};

const char* mark(Outcome o) {
  return kOutcomes[static_cast<std::size_t>(o)].first;
}
const char* word(Outcome o) {
  return kOutcomes[static_cast<std::size_t>(o)].second;
}

}  // namespace

std::string render_table(const std::vector<DomainReport>& reports) {
  std::string out;
  for (const auto& r : reports) {
    out += r.host + " (" + r.origin + ")\n";
    std::size_t width = 0;
    for (const auto& c : r.checks) width = std::max(width, c.name.size());
    for (const auto& c : r.checks) {
      out += "  " + std::string(mark(c.outcome)) + " " + c.name +
             std::string(width - c.name.size() + 2, ' ') + c.detail + "\n";
      if (c.outcome == Outcome::fail && !c.fix.empty())
        out += "    " + std::string(width + 2, ' ') + "fix: " + c.fix + "\n";
    }
    out += "\n";
  }
  std::size_t failed = 0;
  for (const auto& r : reports)
    for (const auto& c : r.checks) failed += c.outcome == Outcome::fail;
  out += failed ? std::to_string(failed) + " check(s) failed\n" : "every check passed\n";
  return out;
}

std::string render_json(const std::vector<DomainReport>& reports) {
  auto all = nlohmann::json::array();
  for (const auto& r : reports) {
    auto checks = nlohmann::json::array();
    for (const auto& c : r.checks)
      checks.push_back(
          {{"name", c.name}, {"outcome", word(c.outcome)}, {"detail", c.detail}, {"fix", c.fix}});
    all.push_back({{"host", r.host}, {"origin", r.origin}, {"checks", checks}});
  }
  return all.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

bool all_pass(const std::vector<DomainReport>& reports) {
  for (const auto& r : reports)
    for (const auto& c : r.checks)
      if (c.outcome == Outcome::fail) return false;
  return true;
}

}  // namespace linktrack::doctor
