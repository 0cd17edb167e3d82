#pragma once

// What the core says: neutral outgoing messages. Adapters render them for their platform.

#include <string>
#include <vector>

#include "bot/core/markup.hpp"

namespace mc::core {

/// Where a learner is reached. Opaque to the core: adapters fill it in, the dispatcher routes on
/// `route` (e.g. "telegram:<bot-id>", "slack:<team-id>", "console:local").
struct Address {
  std::string route;
  std::string chat;  ///< chat / channel / user id on that route
  /// A chat of several people (a Telegram group, supergroup or channel), which platforms limit
  /// more strictly than a private chat.
  bool group = false;

  friend bool operator==(const Address&, const Address&) = default;
};

/// A button: `label` is shown, `data` comes back in an Inbound press. data is at most 64 bytes
/// (Telegram's callback_data limit); see action.hpp.
struct Button {
  std::string label;
  std::string data;

  friend bool operator==(const Button&, const Button&) = default;
};

/// Rows of buttons.
using Keyboard = std::vector<std::vector<Button>>;

struct Outbound {
  enum class Kind {
    send,  ///< a new message
    edit,  ///< replace the message `ref` (its text and buttons) so old buttons can't be pressed
    ack,   ///< acknowledge the button press `ref` (callback query id); `body` is an optional toast
    home,  ///< publish the learner's home view (Slack App Home); ignored where there is none
  };
  Kind kind = Kind::send;
  std::string learner;  ///< whom it is for (logs, per-learner bookkeeping)
  Address to;
  Doc body;
  Keyboard keyboard;
  std::string ref;  ///< edit: platform message id; ack: interaction id
  /// Unique per outgoing message ("<event>#<n>"): the dispatcher's de-duplication key.
  std::string key;

  friend bool operator==(const Outbound&, const Outbound&) = default;
};

/// "send", "edit", "ack", "home": for logs, metric labels and the JSON form.
const char* kind_name(Outbound::Kind kind);

}  // namespace mc::core
