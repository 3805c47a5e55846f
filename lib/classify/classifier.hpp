// The verdict on one event: human, suspect or bot, with the reasons that add up to it. A pure
// function of what the request looked like, the token's send time, the rules, and what the
// other clicks of the same message showed (MessageEvidence, from message_window.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "classify/network_table.hpp"
#include "classify/substring_set.hpp"
#include "classify/verdict.hpp"
#include "config/config.hpp"
#include "net/cidr.hpp"

namespace linktrack::classify {

struct Observation {
  bool open = false;        // an open pixel; otherwise a click or an app's lookup
  bool navigation = false;  // a browser's navigation (a click): header-shape rules apply
  std::string_view user_agent;
  std::string_view referer;
  std::optional<net::IpAddress> ip;
  // When the address was not kept (privacy.ip: none), re-scoring keeps the net:NAME reasons
  // found when the event was logged.
  std::string_view earlier_reasons;
  std::uint32_t evidence = 0;  // classify/evidence.hpp
  std::int64_t time_ms = 0;    // Unix milliseconds
  std::int64_t sent_at = 0;    // Unix seconds; 0 when unknown
};

// What the message's other events say about this one.
struct MessageEvidence {
  int burst_links = 0;         // distinct links clicked around it from its network, itself included
  bool honeypot_near = false;  // a honeypot click of the message from its network, near in time
};

struct Signal {
  std::string reason;  // "ua:slackbot", "fast:4s", …
  std::int64_t points = 0;
};

struct Assessment {
  Verdict verdict = Verdict::human;
  std::int64_t score = 0;
  std::string reasons;  // space-separated, in the order the signals were found
};

class Classifier {
 public:
  explicit Classifier(const config::BotRules& rules);

  // `detail`, when given, receives each signal with its points (for `explain`); the click
  // path passes none and pays for no list.
  Assessment assess(const Observation& o, const MessageEvidence& m = {},
                    std::vector<Signal>* detail = nullptr) const;
  const config::BotRules& rules() const { return rules_; }

 private:
  struct Tally;

  config::BotRules rules_;
  SubstringSet user_agent_strings_;
  NetworkTable networks_;
};

// The reasons of an event as a list ("ua:x net:y" → {"ua:x", "net:y"}).
std::vector<std::string_view> split_reasons(std::string_view reasons);

}  // namespace linktrack::classify
