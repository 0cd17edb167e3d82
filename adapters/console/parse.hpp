#pragma once

// A typed line -> core::Inbound. A number that matches a listed choice presses that button.

#include <string>
#include <string_view>

#include "bot/core/inbound.hpp"
#include "bot/core/message.hpp"

namespace mc::console {

inline constexpr std::string_view kRoute = "console:local";

/// `learner_name` becomes the learner id "console:<name>"; `choices` are the buttons of the
/// last message shown; `event_id` must be unique per line.
core::Inbound parse_line(std::string_view line, std::string_view learner_name,
                         const core::Keyboard& choices, std::string event_id);

}  // namespace mc::console
