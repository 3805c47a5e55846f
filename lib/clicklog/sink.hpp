// Where the front end hands events: an event in, nothing out. Implementations must never block
// an I/O thread.
#pragma once

#include <functional>

#include "clicklog/event.hpp"

namespace linktrack::clicklog {

class ClickSink {
 public:
  virtual ~ClickSink() = default;
  // Queues the event. `on_durable`, when given, runs (on the writer's thread) once the event is
  // committed, or with false if it was dropped or could not be written. Returns false when the
  // event was dropped (queue full); it is then counted, never silently lost.
  virtual bool submit(ClickEvent&& event, std::function<void(bool)> on_durable = {}) = 0;
  // Whether a click should be answered only once its event is durable (store.durability:
  // sync): the sink decides, so the front end and the writer never disagree.
  virtual bool answers_after_commit() const = 0;
};

}  // namespace linktrack::clicklog
