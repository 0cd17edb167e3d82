#pragma once

// What the core hears: one neutral event, made by an adapter's parse from platform JSON.

#include <string>

#include "bot/core/message.hpp"

namespace mc::core {

struct Inbound {
  enum class Kind {
    command,      ///< `/start intro`: name = "start", text = "intro"
    text,         ///< free text (may still be a command word such as "progress")
    press,        ///< a button press: text = the button's data
    home_opened,  ///< the learner opened the app's home (Slack App Home)
    blocked,      ///< the learner blocked or left the bot: stop talking to them
    profile,      ///< the platform told us about the learner (time_zone, display_name)
    tick,         ///< the learner's scheduled push is due (from the scheduler, not a platform)
  };
  Kind kind = Kind::text;
  /// Platform-unique id of this event ("telegram:<bot>:<update_id>"); empty = not de-duplicated.
  std::string event_id;
  std::string learner;  ///< platform-qualified learner id, e.g. "telegram:<bot>:<user>"
  Address reply_to;     ///< where answers go
  std::string display_name;
  std::string name;         ///< command name, lower case, without '/' or '@bot'
  std::string text;         ///< command arguments, message text, or button data
  std::string origin;       ///< press: id of the message carrying the button (to edit it)
  std::string interaction;  ///< press: id to acknowledge (callback query id); may be empty
  bool group = false;       ///< sent in a group or channel rather than a private chat
  std::string time_zone;    ///< IANA zone when the platform tells us (Slack users.info)
};

/// "command", "text", ...: for logs and metric labels.
const char* kind_name(Inbound::Kind kind);

}  // namespace mc::core
