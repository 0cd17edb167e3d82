#include "adapters/slack/parse.hpp"

#include <exception>
#include <nlohmann/json.hpp>

#include "bot/core/text.hpp"

namespace mc::slack {
namespace {

using nlohmann::json;
using Status = Parsed::Status;

constexpr std::string_view kRoutePrefix = "slack:";

Parsed malformed(std::string reason) {
  Parsed p;
  p.status = Status::malformed;
  p.reason = std::move(reason);
  return p;
}

Parsed ignored(std::string reason) {
  Parsed p;
  p.status = Status::ignored;
  p.reason = std::move(reason);
  return p;
}

/// The member `key` of an object; nullptr when `j` is not an object or the member is absent or
/// null (Slack sends `"enterprise": null` and friends).
const json* member(const json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return nullptr;
  return &*it;
}

/// A non-empty string member; nullopt when absent, empty or not a string.
std::optional<std::string> text_of(const json& j, const char* key) {
  const json* m = member(j, key);
  if (m == nullptr || !m->is_string()) return std::nullopt;
  std::string s = m->get<std::string>();
  if (s.empty()) return std::nullopt;
  return s;
}

/// True when `key` is present but not a string (a used field of the wrong type).
bool wrong_type(const json& j, const char* key) {
  const json* m = member(j, key);
  return m != nullptr && !m->is_string();
}

/// Slack ids of direct-message channels start with D.
bool is_dm_channel(std::string_view channel) { return channel.starts_with('D'); }

/// authorizations[0].team_id of an Events API envelope.
std::optional<std::string> authorized_team(const json& envelope) {
  const json* auths = member(envelope, "authorizations");
  if (auths == nullptr || !auths->is_array() || auths->empty()) return std::nullopt;
  return text_of((*auths)[0], "team_id");
}

/// True when `user` is one of our bot users: the configured one, or a bot user the envelope's
/// authorizations name (one per workspace the event is delivered for).
bool is_self(const json& envelope, const std::string& user, const Identity& self) {
  if (!self.bot_user_id.empty() && user == self.bot_user_id) return true;
  const json* auths = member(envelope, "authorizations");
  if (auths == nullptr || !auths->is_array()) return false;
  for (const json& a : *auths) {
    const json* is_bot = member(a, "is_bot");
    if (is_bot != nullptr && is_bot->is_boolean() && is_bot->get<bool>() &&
        text_of(a, "user_id") == user) {
      return true;
    }
  }
  return false;
}

Parsed event_for(const std::string& team, const std::string& user, std::string chat,
                 core::Inbound::Kind kind) {
  Parsed p;
  p.status = Status::event;
  p.team = team;
  p.user = user;
  p.event.kind = kind;
  p.event.learner = learner_of(team, user);
  p.event.reply_to = core::Address{route_of(team), std::move(chat)};
  p.event.group = false;
  return p;
}

Parsed parse_message(const json& envelope, const json& event, const std::string& team,
                     const std::string& event_id, const Identity& self) {
  for (const char* key :
       {"channel_type", "subtype", "user", "text", "channel", "ts", "thread_ts"}) {
    if (wrong_type(event, key))
      return malformed(std::string("message.") + key + " is not a string");
  }
  const std::string channel_type = text_of(event, "channel_type").value_or("");
  if (channel_type != "im") {
    return ignored("message in a " +
                   (channel_type.empty() ? std::string("channel") : channel_type) +
                   ", not in the app's DM");
  }
  if (auto subtype = text_of(event, "subtype")) return ignored("message subtype " + *subtype);
  if (member(event, "bot_id") != nullptr) return ignored("message from a bot");
  if (const json* hidden = member(event, "hidden");
      hidden != nullptr && hidden->is_boolean() && hidden->get<bool>()) {
    return ignored("hidden message");
  }
  if (member(event, "edited") != nullptr) return ignored("edited message");
  auto ts = text_of(event, "ts");
  auto thread_ts = text_of(event, "thread_ts");
  if (thread_ts && thread_ts != ts) return ignored("reply in a thread");
  auto user = text_of(event, "user");
  if (!user) return ignored("message without a user");
  if (is_self(envelope, *user, self)) return ignored("our own message");
  auto channel = text_of(event, "channel");
  if (!channel) return malformed("message without a channel");
  auto text = text_of(event, "text");
  if (!text) return ignored("message without text");

  Parsed p = event_for(team, *user, *channel, core::Inbound::Kind::text);
  p.event.event_id = route_of(team) + ":" + event_id;
  p.event.text = unescape_text(*text);
  return p;
}

Parsed parse_home_opened(const json& event, const std::string& team, const std::string& event_id) {
  for (const char* key : {"user", "channel", "tab"}) {
    if (wrong_type(event, key)) {
      return malformed(std::string("app_home_opened.") + key + " is not a string");
    }
  }
  const std::string tab = text_of(event, "tab").value_or("");
  if (tab != "home") return ignored("app_home_opened on the '" + tab + "' tab");
  auto user = text_of(event, "user");
  if (!user) return malformed("app_home_opened without a user");
  // The channel of app_home_opened is the app's DM with the user.
  std::string chat = text_of(event, "channel").value_or(*user);
  Parsed p = event_for(team, *user, std::move(chat), core::Inbound::Kind::home_opened);
  p.event.event_id = route_of(team) + ":" + event_id;
  return p;
}

Parsed parse_event_checked(std::string_view body, const Identity& self) {
  const json envelope = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (envelope.is_discarded()) return malformed("body is not valid JSON");
  if (!envelope.is_object()) return malformed("body is not a JSON object");
  auto type = text_of(envelope, "type");
  if (!type) return malformed("no type");

  if (*type == "url_verification") {
    auto challenge = text_of(envelope, "challenge");
    if (!challenge) return malformed("url_verification without a challenge");
    Parsed p;
    p.status = Status::challenge;
    p.challenge = *challenge;
    return p;
  }
  if (*type != "event_callback") return ignored("envelope type " + *type);

  const json* event = member(envelope, "event");
  if (event == nullptr || !event->is_object()) return malformed("event_callback without an event");
  auto event_id = text_of(envelope, "event_id");
  if (!event_id) return malformed("event_callback without an event_id");
  for (const char* key : {"user_team", "team"}) {
    if (wrong_type(*event, key)) return malformed(std::string("event.") + key + " is not a string");
  }
  auto team = text_of(*event, "user_team");
  if (!team) team = text_of(*event, "team");
  if (!team) team = text_of(envelope, "team_id");
  if (!team) team = authorized_team(envelope);
  if (!team) return malformed("event_callback without a team");

  const std::string event_type = text_of(*event, "type").value_or("");
  if (event_type == "message") return parse_message(envelope, *event, *team, *event_id, self);
  if (event_type == "app_home_opened") return parse_home_opened(*event, *team, *event_id);
  return ignored("event type '" + event_type + "' is not handled");
}

Parsed parse_command_checked(std::string_view form_body) {
  auto form = parse_form(form_body);
  if (!form) return malformed("body is not a valid form");
  // Slack checks the certificate of a command URL now and then; it only wants a 200.
  if (form_value(*form, "ssl_check") == "1") return ignored("ssl_check");
  auto team = form_value(*form, "team_id");
  auto user = form_value(*form, "user_id");
  auto command = form_value(*form, "command");
  if (!team || team->empty()) return malformed("slash command without team_id");
  if (!user || user->empty()) return malformed("slash command without user_id");
  if (!command || command->empty()) return malformed("slash command without a command");

  // Answers go to the user id: chat.postMessage to a user posts in the app's DM, so a lesson
  // asked for in a channel never lands in that channel.
  Parsed p = event_for(*team, *user, *user, core::Inbound::Kind::text);
  std::string text(core::trim(unescape_text(form_value(*form, "text").value_or(""))));
  p.event.text = text.empty() ? "start" : std::move(text);
  if (auto trigger = form_value(*form, "trigger_id"); trigger && !trigger->empty()) {
    p.event.event_id = route_of(*team) + ":cmd:" + *trigger;
  }
  p.response_url = form_value(*form, "response_url").value_or("");
  p.outside_dm = !is_dm_channel(form_value(*form, "channel_id").value_or(""));
  return p;
}

Parsed parse_block_actions(const json& payload) {
  const json* user_json = member(payload, "user");
  auto user = user_json != nullptr ? text_of(*user_json, "id") : std::nullopt;
  if (!user) return malformed("block_actions without a user");
  auto team = text_of(*user_json, "team_id");
  if (const json* team_json = member(payload, "team"); !team && team_json != nullptr) {
    team = text_of(*team_json, "id");
  }
  if (!team) return malformed("block_actions without a team");

  const json* actions = member(payload, "actions");
  if (actions == nullptr || !actions->is_array() || actions->empty() ||
      !(*actions)[0].is_object()) {
    return malformed("block_actions without actions");
  }
  const json& action = (*actions)[0];
  if (wrong_type(action, "value")) return malformed("actions[0].value is not a string");
  auto value = text_of(action, "value");
  if (!value) return ignored("action without a value (not one of our buttons)");

  // Where the button was: a message in the app's DM (edit it, answer there), or anything else
  // (the Home tab, an ephemeral message, a channel): answer in the app's DM, edit nothing.
  std::string chat = *user;
  std::string origin;
  const json* container = member(payload, "container");
  const std::string container_type =
      container != nullptr ? text_of(*container, "type").value_or("") : "";
  if (container_type == "message") {
    auto channel = text_of(*container, "channel_id");
    if (!channel) {
      if (const json* ch = member(payload, "channel")) channel = text_of(*ch, "id");
    }
    auto ts = text_of(*container, "message_ts");
    if (!ts) {
      if (const json* message = member(payload, "message")) ts = text_of(*message, "ts");
    }
    const json* ephemeral = member(*container, "is_ephemeral");
    const bool is_ephemeral =
        ephemeral != nullptr && ephemeral->is_boolean() && ephemeral->get<bool>();
    if (channel && is_dm_channel(*channel)) {
      chat = *channel;
      if (ts && !is_ephemeral) origin = *ts;
    }
  }

  Parsed p = event_for(*team, *user, std::move(chat), core::Inbound::Kind::press);
  p.event.text = *value;
  p.event.origin = std::move(origin);
  if (auto trigger = text_of(payload, "trigger_id")) {
    p.event.event_id = route_of(*team) + ":act:" + *trigger;
  } else if (auto action_ts = text_of(action, "action_ts")) {
    p.event.event_id = route_of(*team) + ":act:" + *user + ":" + *action_ts;
  }
  p.response_url = text_of(payload, "response_url").value_or("");
  return p;
}

Parsed parse_interaction_checked(std::string_view form_body) {
  auto form = parse_form(form_body);
  if (!form) return malformed("body is not a valid form");
  auto payload_text = form_value(*form, "payload");
  if (!payload_text) return malformed("no payload field");
  const json payload = json::parse(*payload_text, nullptr, /*allow_exceptions=*/false);
  if (payload.is_discarded()) return malformed("payload is not valid JSON");
  if (!payload.is_object()) return malformed("payload is not a JSON object");
  auto type = text_of(payload, "type");
  if (!type) return malformed("payload without a type");
  if (*type == "block_actions") return parse_block_actions(payload);
  return ignored("interaction type " + *type);
}

template <typename Fn>
Parsed guarded(Fn&& fn) {
  // The accessors never throw on wrong types; this only guards against the unforeseen
  // (allocation failure) so that a webhook request can never take the server down.
  try {
    return fn();
  } catch (const std::exception& e) {
    return malformed(std::string("unreadable request: ") + e.what());
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      const int hi = hex_value(s[i + 1]);
      const int lo = hex_value(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string route_of(std::string_view team) {
  return std::string(kRoutePrefix) + std::string(team);
}

std::string learner_of(std::string_view team, std::string_view user) {
  return route_of(team) + ":" + std::string(user);
}

std::string team_of_route(std::string_view route) {
  if (!route.starts_with(kRoutePrefix)) return {};
  route.remove_prefix(kRoutePrefix.size());
  if (route.find(':') != std::string_view::npos) return {};
  return std::string(route);
}

std::string user_of_learner(std::string_view learner) {
  if (!learner.starts_with(kRoutePrefix)) return {};
  learner.remove_prefix(kRoutePrefix.size());
  const auto colon = learner.find(':');
  if (colon == std::string_view::npos || colon == 0) return {};
  return std::string(learner.substr(colon + 1));
}

std::optional<Form> parse_form(std::string_view body) {
  Form form;
  while (!body.empty()) {
    const auto amp = body.find('&');
    std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    auto key = percent_decode(pair.substr(0, eq));
    auto value =
        percent_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
    if (!key || !value) return std::nullopt;
    form.emplace_back(std::move(*key), std::move(*value));
  }
  return form;
}

std::optional<std::string> form_value(const Form& form, std::string_view key) {
  for (const auto& [k, v] : form) {
    if (k == key) return v;
  }
  return std::nullopt;
}

std::string unescape_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    std::string_view rest = text.substr(i);
    if (rest.starts_with("&amp;")) {
      out += '&';
      i += 4;
    } else if (rest.starts_with("&lt;")) {
      out += '<';
      i += 3;
    } else if (rest.starts_with("&gt;")) {
      out += '>';
      i += 3;
    } else {
      out += text[i];
    }
  }
  return out;
}

Parsed parse_event(std::string_view body, const Identity& self) {
  return guarded([&] { return parse_event_checked(body, self); });
}

Parsed parse_command(std::string_view form_body) {
  return guarded([&] { return parse_command_checked(form_body); });
}

Parsed parse_interaction(std::string_view form_body) {
  return guarded([&] { return parse_interaction_checked(form_body); });
}

}  // namespace mc::slack
