#pragma once

// The console "platform": prints messages to a terminal and remembers the last choices shown,
// so the next typed number can press one of them.

#include <mutex>
#include <ostream>
#include <vector>

#include "adapters/console/render.hpp"
#include "bot/core/message.hpp"
#include "bot/core/part.hpp"
#include "bot/core/send_outcome.hpp"

namespace mc::console {

/// What a console core::Part holds: the text to print and the buttons it lists.
struct Print {
  std::string text;
  core::Keyboard choices;
};

class Terminal {
 public:
  Terminal(std::ostream& out, RenderOptions options) : out_(out), options_(options) {}

  /// One Print of the rendered message; none for what a terminal has no use for (acks, edits,
  /// home views).
  std::vector<core::Part> render(const core::Outbound& message) const;
  /// Prints a part made by render and keeps its buttons (when it has any). A part of another
  /// adapter is a permanent failure.
  core::SendOutcome call(const core::Part& part);
  /// The buttons of the last message that had any.
  core::Keyboard choices() const;

 private:
  std::ostream& out_;
  RenderOptions options_;
  mutable std::mutex mutex_;
  core::Keyboard choices_;
};

}  // namespace mc::console
