// Evidence that spans events: the clicks of one message from one network (/24 or /48), kept
// for a while so that each can be judged by the others — a burst of distinct links within
// seconds, or a honeypot click nearby. Events arrive in log order (about time order); adding
// one reports which events of its group may now deserve another verdict.
#pragma once

#include <cstdint>
#include <map>
#include <string>
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
  explicit MessageWindow(const config::BotSignals& signals) : signals_(signals) {}

  // Adds `e` and returns the ids of its group's events (itself included) whose evidence may
  // have changed, in id order. Events without a message are not kept: returns only its id.
  std::vector<std::int64_t> add(const WindowEvent& e);
  MessageEvidence evidence(std::int64_t id) const;
  // Forgets groups whose newest event is older than both windows allow to matter; returns the
  // ids it forgot.
  std::vector<std::int64_t> expire(std::int64_t now_ms);
  std::size_t groups() const { return groups_.size(); }

 private:
  using Group = std::vector<WindowEvent>;
  std::int64_t reach_ms() const;

  config::BotSignals signals_;
  std::map<std::string, Group> groups_;        // message + network → its events
  std::map<std::int64_t, std::string> where_;  // id → its group's key
};

}  // namespace linktrack::classify
