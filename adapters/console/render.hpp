#pragma once

// core::Outbound -> terminal text. Buttons become numbered choices the learner types.

#include <string>

#include "bot/core/message.hpp"

namespace mc::console {

struct RenderOptions {
  bool ansi = false;  ///< bold/italic with ANSI escapes (when stdout is a terminal)
};

/// The text to print for `message`; empty for what a terminal has no use for (acks, edits of
/// earlier messages, home views). Buttons are listed as "[1] label" lines.
std::string render(const core::Outbound& message, const RenderOptions& options = {});

}  // namespace mc::console
