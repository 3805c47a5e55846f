// The log as a feed for consumers that follow it by cursor (webhook endpoints, shippers):
// events and the re-scorer's verdict changes, merged in id order, as JSON objects with the
// fields of `export`. Both share one id sequence (counters.last_event_id) and are committed
// in id order (one writer at a time), so a cursor that has passed an id never misses one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "clicklog/database.hpp"
#include "clicklog/event.hpp"
#include "clicklog/export_fields.hpp"

namespace linktrack::clicklog {

struct FeedFilter {
  std::vector<EventKind> kinds = {EventKind::click, EventKind::open, EventKind::app};
  bool verdicts = true;                // the re-scorer's verdict changes
  std::vector<std::string> hosts;      // empty: every host
  std::vector<std::string> campaigns;  // empty: every campaign
};

struct FeedPage {
  std::string json;  // the events' JSON objects, separated by ','
  std::int64_t events = 0;
  std::int64_t first_id = 0, last_id = 0;  // of the events in it
  std::int64_t first_time_ms = 0;          // when its first event happened
  std::int64_t read_to = 0;                // every id up to this one was looked at: the next cursor
};

class FeedReader {
 public:
  FeedReader(Database& db, FeedFilter filter, std::string node_id);
  // Up to `limit` events with ids after `after_id`, looking at no more than `span` ids (a
  // rarely matching filter over a long log then still reads in short transactions).
  FeedPage read(std::int64_t after_id, std::size_t limit, std::int64_t span = 100000);

 private:
  Database& db_;
  FeedFilter filter_;
  EventFormatter format_;
  Statement last_id_, events_, verdicts_;
};

// The last id the log has given (events and verdict changes); 0 for an empty log.
std::int64_t last_event_id(Database& db);

}  // namespace linktrack::clicklog
