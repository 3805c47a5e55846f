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

void Rescorer::judge(std::int64_t id, Row& row, std::map<std::int64_t, Row*>& touched) const {
  classify::Observation o;
  o.open = row.open;
  o.navigation = row.click;
  o.user_agent = row.user_agent ? std::string_view(*row.user_agent) : std::string_view();
  o.referer = row.referer ? std::string_view(*row.referer) : std::string_view();
  if (row.client_ip) o.ip = net::IpAddress::parse(*row.client_ip);
  o.earlier_reasons = row.stored_reasons;
  o.evidence = row.evidence;
  o.time_ms = row.time_ms;
  o.sent_at = row.sent_at;
  auto a = classifier_->assess(o, window_.evidence(id));
  row.verdict = to_string(a.verdict);
  row.reasons = std::move(a.reasons);
  touched[id] = &row;
}

std::size_t Rescorer::step(std::size_t limit) {
  Statement read(db_,
                 "SELECT id, time_ms, kind, message, coalesce(link, destination, ''), client_ip, "
                 "user_agent, referer, coalesce(sent_at, 0), coalesce(evidence, 0), "
                 "coalesce(verdict, ''), coalesce(reasons, '') FROM events WHERE id > ? "
                 "ORDER BY id LIMIT ?");
  read.bind(1, cursor_);
  read.bind(2, static_cast<std::int64_t>(limit));
  std::map<std::int64_t, Row*> touched;
  std::map<std::int64_t, Row> loose;  // events of no message: judged once, not kept
  std::size_t n = 0;
  std::int64_t newest_ms = 0;
  while (read.step()) {
    ++n;
    const std::int64_t id = read.int64(0);
    cursor_ = id;
    Row row;
    row.time_ms = read.int64(1);
    newest_ms = std::max(newest_ms, row.time_ms);
    const std::string kind = read.text(2);
    row.open = kind == "open";
    row.click = kind == "click";
    auto message = read.optional_text(3);
    if (!message && scope_ == Scope::message_events) continue;
    row.client_ip = read.optional_text(5);
    row.user_agent = read.optional_text(6);
    row.referer = read.optional_text(7);
    row.sent_at = read.int64(8);
    row.evidence = static_cast<std::uint32_t>(read.int64(9));
    row.stored_verdict = read.text(10);
    row.stored_reasons = read.text(11);
    ++stats_.examined;
    if (!message) {
      auto& kept = loose[id] = std::move(row);
      judge(id, kept, touched);
      continue;
    }
    classify::WindowEvent w;
    w.id = id;
    w.time_ms = row.time_ms;
    w.message = *message;
    if (row.client_ip)
      if (auto ip = net::IpAddress::parse(*row.client_ip))
        w.network = net::truncate(*ip, 24, 48).to_string();
    w.link = read.text(4);
    w.honeypot = (row.evidence & classify::evidence::honeypot) != 0;
    rows_[id] = std::move(row);
    for (auto changed : window_.add(w))
      if (auto it = rows_.find(changed); it != rows_.end()) judge(changed, it->second, touched);
  }
  std::erase_if(touched, [](const auto& entry) {
    const Row& row = *entry.second;
    return row.verdict == row.stored_verdict && row.reasons == row.stored_reasons;
  });
  if (!touched.empty()) {
    Transaction tx(db_);
    Statement write(db_, "UPDATE events SET verdict = ?, reasons = ? WHERE id = ?");
    for (const auto& [id, row] : touched) {
      write.bind_static(1, row->verdict);
      write.bind_static(2, row->reasons);
      write.bind(3, id);
      write.step();
      write.reset();
    }
    tx.commit();
    for (auto& [id, row] : touched) {
      row->stored_verdict = row->verdict;
      row->stored_reasons = row->reasons;
    }
    stats_.changed += static_cast<std::int64_t>(touched.size());
  }
  if (newest_ms > 0)
    for (auto id : window_.expire(newest_ms)) rows_.erase(id);
  return n;
}

}  // namespace linktrack::clicklog
