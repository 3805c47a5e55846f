#include "clicklog/rescorer.hpp"

#include "clicklog/background_slice.hpp"
#include "clicklog/summarizer.hpp"

#include <vector>

#include "classify/evidence.hpp"
#include "clicklog/id_sequence.hpp"
#include "net/cidr.hpp"
#include "util/clock.hpp"

namespace linktrack::clicklog {

Rescorer::Rescorer(Database& db, std::shared_ptr<const classify::Classifier> classifier,
                   std::int64_t since_ms, Scope scope)
    : db_(db),
      classifier_(std::move(classifier)),
      scope_(scope),
      window_(classifier_->rules().signals) {
  // Just before the first event at or after `since_ms` (events_time index; ids grow with
  // time), else after the last one. One statement, one snapshot: as two, rows the writer
  // committed between them were skipped.
  Statement first(db_,
                  "SELECT coalesce((SELECT id FROM events WHERE time_ms >= ? ORDER BY time_ms, id "
                  "LIMIT 1) - 1, (SELECT max(id) FROM events), 0)");
  first.bind(1, since_ms);
  first.step();
  cursor_ = first.int64(0);
}

void Rescorer::set_classifier(std::shared_ptr<const classify::Classifier> c) {
  classifier_ = std::move(c);
}

namespace {

constexpr const char* kColumns =
    "id, time_ms, kind, message, coalesce(link, destination, ''), client_ip, user_agent, referer, "
    "coalesce(sent_at, 0), coalesce(evidence, 0), coalesce(verdict, ''), coalesce(reasons, '')";
// Following the log, most events are only placed in the window: what that needs, in the same
// places (the rest is read back by id for the few that are judged again).
constexpr const char* kWindowColumns =
    "id, time_ms, kind, message, coalesce(link, destination, ''), client_ip, NULL, NULL, 0, "
    "coalesce(evidence, 0), '', ''";

// A row of kColumns or kWindowColumns.
StoredEvent row_from(const Statement& s) {
  StoredEvent r;
  r.id = s.int64(0);
  r.time_ms = s.int64(1);
  r.kind = s.text(2);
  r.message = s.optional_text(3);
  r.link = s.text(4);
  r.client_ip = s.optional_text(5);
  r.user_agent = s.optional_text(6);
  r.referer = s.optional_text(7);
  r.sent_at = s.int64(8);
  r.evidence = static_cast<std::uint32_t>(s.int64(9));
  r.verdict = s.text(10);
  r.reasons = s.text(11);
  return r;
}

// The event as the classifier sees it; views into `r`.
classify::Observation observation_of(const StoredEvent& r) {
  classify::Observation o;
  o.open = r.kind == "open";
  o.navigation = r.kind == "click";
  o.user_agent = r.user_agent ? std::string_view(*r.user_agent) : std::string_view();
  o.referer = r.referer ? std::string_view(*r.referer) : std::string_view();
  if (r.client_ip) o.ip = net::IpAddress::parse(*r.client_ip);
  o.earlier_reasons = r.reasons;
  o.evidence = r.evidence;
  o.time_ms = r.time_ms;
  o.sent_at = r.sent_at;
  return o;
}

// The event as the message window keeps it (it has a message).
classify::WindowEvent window_event_of(const StoredEvent& r) {
  classify::WindowEvent w;
  w.id = r.id;
  w.time_ms = r.time_ms;
  w.message = r.message.value_or("");
  if (r.client_ip)
    if (auto ip = net::IpAddress::parse(*r.client_ip))
      w.network = net::truncate(*ip, 24, 48).to_string();
  w.link = r.link;
  w.honeypot = (r.evidence & classify::evidence::honeypot) != 0;
  return w;
}

}  // namespace

std::optional<Explanation> explain_event(Database& db, const classify::Classifier& classifier,
                                         std::int64_t id) {
  Statement one(db, std::string("SELECT ") + kColumns + " FROM events WHERE id = ?");
  one.bind(1, id);
  if (!one.step()) return std::nullopt;
  Explanation e;
  e.event = row_from(one);
  // The message's events within reach of this one, as the re-scorer sees them.
  classify::MessageWindow window(classifier.rules().signals);
  if (e.event.message) {
    const auto& s = classifier.rules().signals;
    const std::int64_t reach = std::max(s.burst_window_s, s.honeypot_window_s) * 1000;
    Statement around(db, std::string("SELECT ") + kColumns +
                             " FROM events WHERE time_ms BETWEEN ? AND ? AND message = ? "
                             "ORDER BY id");
    around.bind(1, e.event.time_ms - reach);
    around.bind(2, e.event.time_ms + reach);
    around.bind(3, *e.event.message);
    while (around.step()) window.add(window_event_of(row_from(around)));
  }
  e.message = window.evidence(id);
  e.now = classifier.assess(observation_of(e.event), e.message, &e.signals);
  return e;
}

// A row read in this step, else read back by id (the window only says which events to judge).
const Rescorer::Row* Rescorer::row(std::int64_t id, std::map<std::int64_t, Row>& rows) {
  if (auto it = rows.find(id); it != rows.end()) return &it->second;
  Statement one(db_, std::string("SELECT ") + kColumns + " FROM events WHERE id = ?");
  one.bind(1, id);
  if (!one.step()) return nullptr;  // deleted meanwhile (retention, forget)
  return &(rows[id] = row_from(one));
}

void Rescorer::judge(std::int64_t id, const Row& row,
                     std::map<std::int64_t, std::pair<std::string, std::string>>& results) const {
  auto a = classifier_->assess(observation_of(row), window_.evidence(id));
  results[id] = {to_string(a.verdict), std::move(a.reasons)};
}

std::size_t Rescorer::step(std::size_t limit) {
  const bool following = scope_ == Scope::message_events;
  Statement read(db_, std::string("SELECT ") + (following ? kWindowColumns : kColumns) +
                          " FROM events WHERE id > ? ORDER BY id LIMIT ?");
  read.bind(1, cursor_);
  read.bind(2, static_cast<std::int64_t>(limit));
  std::map<std::int64_t, Row> rows;  // read in this step, or read back to be judged
  // Each event's latest judgement in this step: written once at the end, if it differs.
  std::map<std::int64_t, std::pair<std::string, std::string>> results;
  std::size_t n = 0;
  std::int64_t newest_ms = 0;
  BackgroundSlice slice;
  while (read.step()) {
    slice.step();
    ++n;
    const std::int64_t id = read.int64(0);
    cursor_ = id;
    if (read.is_null(3) && following) continue;
    Row scanned;
    const Row& fresh = following ? (scanned = row_from(read)) : (rows[id] = row_from(read));
    newest_ms = std::max(newest_ms, fresh.time_ms);
    ++stats_.examined;
    if (!fresh.message) {
      judge(id, fresh, results);
      continue;
    }
    // Judged at once, while the window still holds what they are judged by.
    for (auto changed : window_.add(window_event_of(fresh)).changed) {
      // Following the log, a new event whose message shows nothing yet keeps the verdict it
      // was given when logged: judging it again would only repeat that work.
      if (changed == id && following) {
        const auto m = window_.evidence(id);
        if (m.burst_links < 3 && !m.honeypot_near) continue;
      }
      if (const Row* r = row(changed, rows)) judge(changed, *r, results);
    }
  }
  std::erase_if(results, [&](const auto& entry) {
    const Row& r = rows.at(entry.first);
    return entry.second.first == r.verdict && entry.second.second == r.reasons;
  });
  if (!results.empty()) {
    const WriteLockHolder holding(priority_);
    Transaction tx(db_);
    Statement write(db_, "UPDATE events SET verdict = ?, reasons = ? WHERE id = ?");
    // A changed verdict (not only its reasons) is an event of its own for the log's consumers
    // (webhooks), numbered from the events' sequence inside this write transaction: ids stay
    // in commit order, which is what lets a consumer's cursor never miss one.
    Statement last(db_, kIdBaseSql);
    last.step();
    std::int64_t next_id = last.int64(0);
    last.reset();
    Statement change(db_,
                     "INSERT INTO verdict_changes (id, time_ms, event_id, verdict, previous, "
                     "reasons) VALUES (?, ?, ?, ?, ?, ?)");
    const std::int64_t now_ms = util::unix_now_ms();
    std::vector<std::int64_t> times;  // the summary recomputes their hours
    for (const auto& [id, judged] : results) times.push_back(rows.at(id).time_ms);
    mark_times_dirty(db_, times);
    for (const auto& [id, judged] : results) {
      slice.step();
      write.bind_static(1, judged.first);
      write.bind_static(2, judged.second);
      write.bind(3, id);
      write.step();
      write.reset();
      const Row& before = rows.at(id);
      if (before.verdict == judged.first) continue;
      change.bind(1, ++next_id);
      change.bind(2, now_ms);
      change.bind(3, id);
      change.bind_static(4, judged.first);
      if (before.verdict.empty())
        change.bind_null(5);
      else
        change.bind_static(5, before.verdict);
      change.bind_static(6, judged.second);
      change.step();
      change.reset();
      ++stats_.verdict_events;
    }
    Statement record(db_, kRecordLastIdSql);
    record.bind(1, next_id);
    record.step();
    tx.commit();
    stats_.changed += static_cast<std::int64_t>(results.size());
  }
  if (newest_ms > 0) window_.expire(newest_ms);
  return n;
}

}  // namespace linktrack::clicklog
