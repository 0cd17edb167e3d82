#pragma once

// Telegram Update JSON -> core::Inbound. Models only the fields the bot uses.

#include <string>
#include <string_view>

#include "bot/core/inbound.hpp"

namespace mc::telegram {

struct BotIdentity {
  std::string id;        ///< numeric bot id (the token's prefix)
  std::string username;  ///< without '@'; commands addressed to other bots are ignored
};

struct Parsed {
  enum class Status {
    event,      ///< `event` is filled: hand it to the engine
    ignored,    ///< a valid update the bot does not act on (answer 200); `reason` says why
    malformed,  ///< not JSON or not an Update object (answer 400); `reason` says why
  };
  Status status = Status::ignored;
  core::Inbound event;
  std::string reason;
};

/// Route of a bot's learners in core::Address, "telegram:<bot-id>".
std::string route_of(const BotIdentity& bot);

Parsed parse_update(std::string_view body, const BotIdentity& bot);

}  // namespace mc::telegram
