// Verdicts brought up to date: reads the log in id order from a point in time, judges each event
// again with the current rules and what the other clicks of its message show (a burst that
// completed, a honeypot hit after it), and writes the verdicts that changed. The server runs one
// to follow new events (server/rescorer_service.hpp); `linktrack rescore` runs one over the past.
// Safe beside the writer: short transactions, and the writer's rows are only ever read.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "classify/classifier.hpp"
#include "classify/message_window.hpp"
#include "clicklog/database.hpp"
#include "clicklog/writer_priority.hpp"

namespace linktrack::clicklog {

// What judging an event needs of its row in the log.
struct StoredEvent {
  std::int64_t id = 0;
  std::int64_t time_ms = 0;
  std::string kind;
  std::optional<std::string> message, client_ip, user_agent, referer;
  std::string link;  // its name, else its destination
  std::int64_t sent_at = 0;
  std::uint32_t evidence = 0;
  std::string verdict, reasons;  // as the log holds them
};

// Why an event has its verdict: what the log holds, and the current rules' judgement with the
// points of each signal and what its message's other events show.
struct Explanation {
  StoredEvent event;
  classify::MessageEvidence message;
  classify::Assessment now;
  std::vector<classify::Signal> signals;
};
// Nullopt when there is no such event.
std::optional<Explanation> explain_event(Database& db, const classify::Classifier& classifier,
                                         std::int64_t id);

struct RescoreStats {
  std::int64_t examined = 0;        // events read
  std::int64_t changed = 0;         // verdicts or reasons rewritten
  std::int64_t verdict_events = 0;  // changed verdicts recorded as events (verdict_changes)
};

class Rescorer {
 public:
  enum class Scope {
    all_events,     // every event is judged again (after the rules changed)
    message_events  // only events of a message: the others' verdicts cannot change
  };
  Rescorer(Database& db, std::shared_ptr<const classify::Classifier> classifier,
           std::int64_t since_ms, Scope scope);

  // Reads up to `limit` events after the last one read and writes what changed, in one
  // transaction. Returns the number of events read: fewer than `limit` means caught up.
  std::size_t step(std::size_t limit = 4096);
  // The rules of a reloaded config; what is read from now on is judged by them.
  void set_classifier(std::shared_ptr<const classify::Classifier> c);
  // A background thread's priority, raised in a write transaction the click writer waits for
  // (see WriterPriority::hold).
  void set_priority(WriterPriority* p) { priority_ = p; }
  const RescoreStats& stats() const { return stats_; }

 private:
  using Row = StoredEvent;
  const Row* row(std::int64_t id, std::map<std::int64_t, Row>& rows);
  void judge(std::int64_t id, const Row& row,
             std::map<std::int64_t, std::pair<std::string, std::string>>& results) const;

  Database& db_;
  std::shared_ptr<const classify::Classifier> classifier_;
  Scope scope_;
  std::int64_t cursor_ = 0;  // the last id read
  // What the messages' recent events show; it keeps ids and times, not rows: an event that
  // needs judging again is read back from the log by id.
  classify::MessageWindow window_;
  RescoreStats stats_;
  WriterPriority* priority_ = nullptr;
};

}  // namespace linktrack::clicklog
