#pragma once

// Slack requests -> core::Inbound: Events API bodies (JSON), slash commands (form) and
// interactivity payloads (form field `payload` holding JSON). Models only the fields used.

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bot/core/inbound.hpp"

namespace mc::slack {

/// The request URLs' paths (the manifest names the same ones under https://YOUR-HOST).
inline constexpr std::string_view kEventsPath = "/slack/events";
inline constexpr std::string_view kCommandsPath = "/slack/commands";
inline constexpr std::string_view kInteractivityPath = "/slack/interactivity";
/// The bot events parse_event acts on: the manifest subscribes to exactly these.
inline constexpr std::array<std::string_view, 2> kBotEvents = {"app_home_opened", "message.im"};

/// What the app knows about itself; parse ignores messages its own bot user wrote.
struct Identity {
  std::string bot_user_id;  ///< from auth.test; empty = unknown (authorizations[] still count)
};

struct Parsed {
  enum class Status {
    event,      ///< `event` is filled: hand it to the engine
    challenge,  ///< url_verification: answer with `challenge`
    ignored,    ///< a valid request the bot does not act on (200); `reason` says why
    malformed,  ///< unreadable or missing what every request of its kind has (400)
  };
  Status status = Status::ignored;
  core::Inbound event;
  std::string reason;
  std::string challenge;
  std::string team;          ///< the learner's workspace (route, token lookup, users.info)
  std::string user;          ///< the learner's Slack user id
  std::string response_url;  ///< commands and interactivity: where delayed answers may go
  bool outside_dm = false;   ///< a slash command typed somewhere other than a direct message
};

/// "slack:<team>": the route of a workspace's learners in core::Address.
std::string route_of(std::string_view team);
/// "slack:<team>:<user>".
std::string learner_of(std::string_view team, std::string_view user);
/// The team of a route "slack:<team>"; empty for anything else.
std::string team_of_route(std::string_view route);
/// The user of a learner id "slack:<team>:<user>"; empty for anything else.
std::string user_of_learner(std::string_view learner);

using Form = std::vector<std::pair<std::string, std::string>>;
/// application/x-www-form-urlencoded ('+' is a space, %XX a byte); nullopt when a percent escape
/// is broken. Fields without '=' have an empty value.
std::optional<Form> parse_form(std::string_view body);
/// The first value of `key`, nullopt when absent.
std::optional<std::string> form_value(const Form& form, std::string_view key);

/// Undoes Slack's escaping of message text (&amp; &lt; &gt;).
std::string unescape_text(std::string_view text);

/// POST /slack/events. Never throws. challenge: type url_verification with a string challenge.
/// event (event_callback with an event object and an event_id; event_id
/// "slack:<team>:<event_id>"):
/// - message in a DM (channel_type "im") from a person: text, reply_to the DM channel. Ignored:
///   any subtype (edits, deletions, joins, file shares, bot messages), bot_id, hidden, edited,
///   replies in a thread (thread_ts != ts), our own bot user, no text.
/// - app_home_opened on the "home" tab: home_opened, reply_to the DM channel (the user when
///   absent). The "messages" tab is ignored.
/// The learner's team is event.user_team, else event.team, else team_id, else
/// authorizations[0].team_id (Enterprise Grid: the user's own workspace). Other envelope and
/// event types are ignored; malformed: not a JSON object, no type, event_callback without an
/// event object, event_id, or a team, a used field of the wrong type.
Parsed parse_event(std::string_view body, const Identity& self = {});

/// POST /slack/commands, whatever the command is called. ignored: Slack's ssl_check=1.
/// malformed: a broken form, or no team_id, user_id or command. event: Kind::text with the
/// command's text (Slack's escaping undone, trimmed; empty -> "start", the greeting), reply_to the
/// user id, so answers always go to the app's DM; event_id "slack:<team>:cmd:<trigger_id>" (none
/// without trigger_id); outside_dm when channel_id is not a DM (D...).
Parsed parse_command(std::string_view form_body);

/// POST /slack/interactivity. malformed: a broken form, no payload field, payload not a JSON
/// object, no type, or a block_actions payload without a user or team. block_actions with a
/// value in actions[0]: press (text = value; origin = the message's ts when the button sits on a
/// non-ephemeral message in a DM; reply_to that DM, else the user id; interaction empty: the
/// HTTP 200 is Slack's acknowledgement); event_id "slack:<team>:act:<trigger_id>" (or the
/// action_ts). Shortcuts, view submissions and every other type are ignored.
Parsed parse_interaction(std::string_view form_body);

}  // namespace mc::slack
