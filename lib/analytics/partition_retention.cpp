#include "analytics/partition_retention.hpp"

#include <chrono>
#include <sstream>

namespace linktrack::analytics {

std::vector<std::string> expired_partitions(const std::vector<std::string>& partitions,
                                            std::int64_t cutoff_ms) {
  using namespace std::chrono;
  std::vector<std::string> out;
  for (const auto& p : partitions) {
    if (p.size() != 6 || p.find_first_not_of("0123456789") != std::string::npos) continue;
    const int year = std::stoi(p.substr(0, 4));
    const unsigned month = static_cast<unsigned>(std::stoi(p.substr(4, 2)));
    if (month < 1 || month > 12) continue;
    const year_month_day next = year_month_day{std::chrono::year(year) / month / 1} + months(1);
    const auto end_ms = duration_cast<milliseconds>(sys_days(next).time_since_epoch()).count();
    if (end_ms <= cutoff_ms) out.push_back(p);
  }
  return out;
}

std::vector<std::string> drop_expired_partitions(ClickHouseClient& ch, const std::string& table,
                                                 std::int64_t cutoff_ms) {
  const auto text = ch.query(
      "SELECT DISTINCT partition FROM system.parts WHERE database = " + quote(ch.database()) +
      " AND table = " + quote(table) + " AND active FORMAT TabSeparated");
  std::vector<std::string> partitions;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty()) partitions.push_back(line);
  auto expired = expired_partitions(partitions, cutoff_ms);
  for (const auto& p : expired)
    ch.query("ALTER TABLE " + ch.database() + "." + table + " DROP PARTITION " + p);
  return expired;
}

}  // namespace linktrack::analytics
