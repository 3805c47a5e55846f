// Evidence that spans events: the clicks of one message from one network (/24 or /48), kept
// for a while so that each can be judged by the others — a burst of distinct links within
// seconds, or a honeypot click nearby. Events arrive in log order (about time order); adding
// one reports which events of its group may now deserve another verdict.
//
// Bounded whatever arrives: a group keeps its last kGroupEvents events (a token replayed a
// million times from one address is one group, and its evidence is already complete long
// before that), and the window as a whole at most `max_events`, dropping the groups that went
// quiet first.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "classify/classifier.hpp"
#include "config/config.hpp"

namespace linktrack::classify {

struct WindowEvent {
  std::int64_t id = 0;       // the event's id in the log
  std::int64_t time_ms = 0;  // Unix milliseconds
  std::string message;       // events without a message have no group
  std::string network;       // the client's /24 or /48 as text; empty when not kept
  std::string link;          // the link's name, else its destination
  bool honeypot = false;
};

class MessageWindow {
 public:
  static constexpr std::size_t kGroupEvents = 16;

  explicit MessageWindow(const config::BotSignals& signals, std::size_t max_events = 200000)
      : signals_(signals), max_events_(max_events) {}

  struct Added {
    std::vector<std::int64_t> changed;    // ids whose evidence may have changed (itself first)
    std::vector<std::int64_t> forgotten;  // ids the window no longer holds
  };
  // Adds `e`. Events without a message are not kept: `changed` is only its id.
  Added add(const WindowEvent& e);
  // Default evidence for an id the window does not hold.
  MessageEvidence evidence(std::int64_t id) const;
  // Forgets groups whose newest event is older than the windows reach, and the quietest groups
  // beyond `max_events`; returns the ids it forgot.
  std::vector<std::int64_t> expire(std::int64_t now_ms);
  std::size_t groups() const { return groups_.size(); }
  std::size_t events() const { return where_.size(); }

 private:
  // What the window keeps of an event: 32 bytes (the link as a hash; two links that collide
  // only count as one in a burst).
  struct Entry {
    std::int64_t id;
    std::int64_t time_ms;
    std::uint64_t link;
    bool honeypot;
  };
  struct Group {
    std::deque<Entry> events;  // arrival order
    std::int64_t newest_ms = 0;
  };
  using Groups = std::map<std::string, Group>;
  std::int64_t reach_ms() const;
  void forget(Groups::iterator it, std::vector<std::int64_t>& out);

  config::BotSignals signals_;
  std::size_t max_events_;
  Groups groups_;                                   // message + network → its events
  std::unordered_map<std::int64_t, Group*> where_;  // id → its group (map nodes do not move)
};

}  // namespace linktrack::classify
