#include "clicklog/rescorer.hpp"

#include <vector>

#include "classify/evidence.hpp"
#include "net/cidr.hpp"

namespace linktrack::clicklog {

Rescorer::Rescorer(Database& db, std::shared_ptr<const classify::Classifier> classifier,
                   std::int64_t since_ms, Scope scope)
    : db_(db),
      classifier_(std::move(classifier)),
      scope_(scope),
      window_(classifier_->rules().signals) {
  // The first event at or after `since_ms` (events_time index); ids grow with time.
  Statement first(db_, "SELECT id FROM events WHERE time_ms >= ? ORDER BY time_ms, id LIMIT 1");
  first.bind(1, since_ms);
  if (first.step())
    cursor_ = first.int64(0) - 1;
  else {
    Statement last(db_, "SELECT coalesce(max(id), 0) FROM events");
    last.step();
    cursor_ = last.int64(0);
  }
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

}  // namespace

Rescorer::Row Rescorer::row_from(const Statement& s) {
  Row r;
  r.time_ms = s.int64(1);
  const std::string kind = s.text(2);
  r.open = kind == "open";
  r.click = kind == "click";
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
  classify::Observation o;
  o.open = row.open;
  o.navigation = row.click;
  o.user_agent = row.user_agent ? std::string_view(*row.user_agent) : std::string_view();
  o.referer = row.referer ? std::string_view(*row.referer) : std::string_view();
  if (row.client_ip) o.ip = net::IpAddress::parse(*row.client_ip);
  o.earlier_reasons = row.reasons;
  o.evidence = row.evidence;
  o.time_ms = row.time_ms;
  o.sent_at = row.sent_at;
  auto a = classifier_->assess(o, window_.evidence(id));
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
  while (read.step()) {
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
    classify::WindowEvent w;
    w.id = id;
    w.time_ms = fresh.time_ms;
    w.message = *fresh.message;
    if (fresh.client_ip)
      if (auto ip = net::IpAddress::parse(*fresh.client_ip))
        w.network = net::truncate(*ip, 24, 48).to_string();
    w.link = fresh.link;
    w.honeypot = (fresh.evidence & classify::evidence::honeypot) != 0;
    // Judged at once, while the window still holds what they are judged by.
    for (auto changed : window_.add(w).changed) {
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
    if (priority_) priority_->normal();
    struct Idle {
      WriterPriority* p;
      ~Idle() {
        if (p) p->idle();
      }
    } idle_after{priority_};
    Transaction tx(db_);
    Statement write(db_, "UPDATE events SET verdict = ?, reasons = ? WHERE id = ?");
    for (const auto& [id, judged] : results) {
      write.bind_static(1, judged.first);
      write.bind_static(2, judged.second);
      write.bind(3, id);
      write.step();
      write.reset();
    }
    tx.commit();
    stats_.changed += static_cast<std::int64_t>(results.size());
  }
  if (newest_ms > 0) window_.expire(newest_ms);
  return n;
}

}  // namespace linktrack::clicklog
