#pragma once

// The console "platform": prints messages to a terminal and remembers the last choices shown,
// so the next typed number can press one of them.

#include <mutex>
#include <ostream>

#include "adapters/console/render.hpp"
#include "bot/core/message.hpp"
#include "bot/core/send_outcome.hpp"

namespace mc::console {

class Terminal {
 public:
  Terminal(std::ostream& out, RenderOptions options) : out_(out), options_(options) {}

  /// Prints the message (nothing for acks, edits and home views) and keeps its buttons.
  core::SendOutcome send(const core::Outbound& message);
  /// The buttons of the last message that had any.
  core::Keyboard choices() const;

 private:
  std::ostream& out_;
  RenderOptions options_;
  mutable std::mutex mutex_;
  core::Keyboard choices_;
};

}  // namespace mc::console
