// One click, open or app-link resolution, as the front end hands it to the click log.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "classify/verdict.hpp"
#include "util/named_enum.hpp"

namespace linktrack::clicklog {

// The kinds of event; their names are what the log's `kind` column holds.
#define LINKTRACK_EVENT_KINDS(X) X(click) X(open) X(app)
LINKTRACK_NAMED_ENUM(EventKind, LINKTRACK_EVENT_KINDS)

// Every stored field of an event, declared once: X(member, C++ type, column, SQL type). The
// struct, the writer's INSERT and binds, the schema check and export follow from this list. A
// field added here gets its column from `migrate` (ALTER TABLE … ADD COLUMN with the SQL type,
// which must therefore allow NULL or name a DEFAULT); older rows read NULL.
using OptionalText = std::optional<std::string>;
#define LINKTRACK_EVENT_FIELDS(X)                                                              \
  X(time_ms, std::int64_t, "time_ms", "INTEGER NOT NULL") /* Unix milliseconds, UTC */         \
  X(kind, EventKind, "kind", "TEXT NOT NULL")                                                  \
  X(host, std::string, "host", "TEXT NOT NULL")                                                \
  X(campaign, OptionalText, "campaign", "TEXT")                                                \
  X(template_id, OptionalText, "template", "TEXT")                                             \
  X(message, OptionalText, "message", "TEXT")                                                  \
  X(recipient, OptionalText, "recipient", "TEXT")                                              \
  X(link, OptionalText, "link", "TEXT")                                                        \
  X(destination, OptionalText, "destination", "TEXT") /* none for opens */                     \
  X(client_ip, OptionalText, "client_ip", "TEXT")     /* as privacy.ip allows */               \
  X(user_agent, OptionalText, "user_agent", "TEXT")                                            \
  X(referer, OptionalText, "referer", "TEXT")                                                  \
  X(key_id, std::uint32_t, "key_id", "INTEGER NOT NULL")                                       \
  X(sent_at, std::int64_t, "sent_at", "INTEGER")    /* Unix seconds: the token's issue time */ \
  X(verdict, classify::Verdict, "verdict", "TEXT")  /* human, suspect or bot */                \
  X(reasons, std::string, "reasons", "TEXT")        /* space-separated: "ua:curl fast:2s" */   \
  X(evidence, std::uint32_t, "evidence", "INTEGER") /* the request's shape, for re-scoring */

#define LINKTRACK_EVENT_MEMBER(member, type, column, sql) type member{};
struct ClickEvent {
  LINKTRACK_EVENT_FIELDS(LINKTRACK_EVENT_MEMBER)
};
#undef LINKTRACK_EVENT_MEMBER

}  // namespace linktrack::clicklog
