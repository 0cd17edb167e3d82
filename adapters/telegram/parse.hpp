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

/// Never throws. malformed: not JSON, not an object, update_id missing / not an integer /
/// negative, or a used field of the wrong type. event:
/// - message text starting with '/': command (name lower-cased, "@bot" suffix accepted only for
///   `bot.username`, any case; addressed to another bot -> ignored), args trimmed into `text`;
///   other text: Kind::text. Messages without text, from bots, without `from`, or sent on behalf
///   of a chat (`sender_chat`) -> ignored.
/// - callback_query with id and from -> press (text = data or empty, interaction = query id,
///   origin = message_id; without a message the chat is the user's and origin is empty).
/// - my_chat_member turning "kicked" in a private chat -> blocked.
/// Every other update kind -> ignored, the reason naming it.
/// event_id "telegram:<bot-id>:<update_id>", learner "telegram:<bot-id>:<from.id>", reply_to
/// {route_of(bot), chat id}, display_name "first last", group = chat type is not "private".
Parsed parse_update(std::string_view body, const BotIdentity& bot);

}  // namespace mc::telegram
