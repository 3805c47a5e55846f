// Schema migrations, compiled in from migrations/NNNN_name.sql and tracked by PRAGMA user_version.
#pragma once

#include <vector>

namespace linktrack::clicklog {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

// Every migration of this build, in ascending version order.
const std::vector<Migration>& embedded_migrations();

}  // namespace linktrack::clicklog
