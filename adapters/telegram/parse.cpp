#include "adapters/telegram/parse.hpp"

#include <array>
#include <cstdint>
#include <exception>
#include <nlohmann/json.hpp>
#include <optional>

#include "bot/core/text.hpp"

namespace mc::telegram {
namespace {

using nlohmann::json;
using Status = Parsed::Status;

Parsed malformed(std::string reason) { return {Status::malformed, {}, std::move(reason)}; }
Parsed ignored(std::string reason) { return {Status::ignored, {}, std::move(reason)}; }

/// The member `key` of an object; nullptr when `j` is not an object or the member is absent or
/// null (Telegram omits optional fields, some libraries send null).
const json* member(const json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return nullptr;
  return &*it;
}

/// A Telegram integer id (user, chat, message, update) as decimal text; nullopt for anything that
/// is not a JSON integer (floats and strings are not ids).
std::optional<std::string> integer_text(const json* j) {
  if (j == nullptr) return std::nullopt;
  if (j->is_number_unsigned()) return std::to_string(j->get<std::uint64_t>());
  if (j->is_number_integer()) return std::to_string(j->get<std::int64_t>());
  return std::nullopt;
}

std::optional<std::string> string_of(const json* j) {
  if (j == nullptr || !j->is_string()) return std::nullopt;
  return j->get<std::string>();
}

/// The sender of a message or a callback query: learner id and display name.
struct Sender {
  std::string id;
  std::string display_name;
  bool is_bot = false;
};

/// nullopt when `from` is not a User object with an integer id.
std::optional<Sender> sender_of(const json* from) {
  if (from == nullptr || !from->is_object()) return std::nullopt;
  auto id = integer_text(member(*from, "id"));
  if (!id) return std::nullopt;
  Sender s;
  s.id = *id;
  s.display_name = string_of(member(*from, "first_name")).value_or("");
  if (auto last = string_of(member(*from, "last_name")); last && !last->empty()) {
    if (!s.display_name.empty()) s.display_name += ' ';
    s.display_name += *last;
  }
  const json* is_bot = member(*from, "is_bot");
  s.is_bot = is_bot != nullptr && is_bot->is_boolean() && is_bot->get<bool>();
  return s;
}

/// A chat of several people, by Chat.type: what the Bot API limits as a group.
bool is_group_chat(std::string_view type) {
  return type == "group" || type == "supergroup" || type == "channel";
}

/// Fills the fields every event shares; `group`: the chat is a group chat (is_group_chat).
core::Inbound base_event(const BotIdentity& bot, const std::string& update_id, const Sender& from,
                         std::string chat, bool group) {
  core::Inbound in;
  in.event_id = route_of(bot) + ":" + update_id;
  in.learner = route_of(bot) + ":" + from.id;
  in.reply_to = core::Address{route_of(bot), std::move(chat), group};
  in.display_name = from.display_name;
  return in;
}

// Content keys of messages without text, named in the ignore reason (helps reading logs).
constexpr std::array kContentKinds = {
    "photo",
    "sticker",
    "video",
    "animation",
    "audio",
    "document",
    "voice",
    "video_note",
    "dice",
    "story",
    "poll",
    "location",
    "venue",
    "contact",
    "game",
    "caption",
    "pinned_message",
    "new_chat_members",
    "left_chat_member",
    "forum_topic_created",
};

std::string describe_content(const json& message) {
  for (const char* kind : kContentKinds) {
    if (member(message, kind) != nullptr) return kind;
  }
  return "no content";
}

Parsed parse_message(const json& message, const BotIdentity& bot, const std::string& update_id) {
  if (!message.is_object()) return malformed("message is not an object");
  const json* chat = member(message, "chat");
  auto chat_id = chat != nullptr ? integer_text(member(*chat, "id")) : std::nullopt;
  if (!chat_id) return malformed("message without a chat id");

  // Anonymous group admins and channels post "on behalf of a chat": there is no learner.
  if (member(message, "sender_chat") != nullptr) return ignored("message sent on behalf of a chat");
  const json* from_json = member(message, "from");
  if (from_json == nullptr) return ignored("message without a sender");
  auto from = sender_of(from_json);
  if (!from) return malformed("message.from is not a user");
  if (from->is_bot) return ignored("message from a bot");

  const json* text_json = member(message, "text");
  if (text_json == nullptr)
    return ignored("message without text (" + describe_content(message) + ")");
  if (!text_json->is_string()) return malformed("message.text is not a string");
  const std::string text = text_json->get<std::string>();

  Parsed out;
  out.status = Status::event;
  const std::string type = string_of(member(*chat, "type")).value_or("");
  out.event = base_event(bot, update_id, *from, *chat_id, is_group_chat(type));
  out.event.group = type != "private";

  // "/name@bot args": Telegram marks it with a bot_command entity at offset 0, but a leading '/'
  // is enough (clients that send no entities, pasted text).
  if (text.size() > 1 && text.front() == '/') {
    std::string_view rest(text);
    std::size_t end = 1;
    while (end < rest.size() && !core::is_space(rest[end])) ++end;
    std::string_view word = rest.substr(1, end - 1);
    std::string_view addressee;
    if (auto at = word.find('@'); at != std::string_view::npos) {
      addressee = word.substr(at + 1);
      word = word.substr(0, at);
    }
    if (!addressee.empty() && core::lower(addressee) != core::lower(bot.username)) {
      return ignored("command addressed to another bot");
    }
    if (!word.empty()) {
      out.event.kind = core::Inbound::Kind::command;
      out.event.name = core::lower(word);
      out.event.text = std::string(core::trim(rest.substr(end)));
      return out;
    }
  }
  out.event.kind = core::Inbound::Kind::text;
  out.event.text = text;
  return out;
}

Parsed parse_callback(const json& query, const BotIdentity& bot, const std::string& update_id) {
  if (!query.is_object()) return malformed("callback_query is not an object");
  // Old examples in Telegram's docs carry numeric query ids; accept both.
  auto id = string_of(member(query, "id"));
  if (!id) id = integer_text(member(query, "id"));
  if (!id || id->empty()) return malformed("callback_query without an id");
  auto from = sender_of(member(query, "from"));
  if (!from) return malformed("callback_query without a sender");

  // The chat of the message carrying the button; inline messages (and game buttons) have none,
  // answers then go to the user's private chat.
  std::string chat = from->id;
  std::string origin;
  std::string type = "private";
  if (const json* message = member(query, "message"); message != nullptr) {
    const json* msg_chat = member(*message, "chat");
    auto chat_id = msg_chat != nullptr ? integer_text(member(*msg_chat, "id")) : std::nullopt;
    auto message_id = integer_text(member(*message, "message_id"));
    if (chat_id && message_id) {
      chat = *chat_id;
      origin = *message_id;
      type = string_of(member(*msg_chat, "type")).value_or("");
    }
  }

  Parsed out;
  out.status = Status::event;
  out.event = base_event(bot, update_id, *from, std::move(chat), is_group_chat(type));
  out.event.kind = core::Inbound::Kind::press;
  out.event.text = string_of(member(query, "data")).value_or("");
  out.event.interaction = std::move(*id);
  out.event.origin = std::move(origin);
  out.event.group = type != "private";
  return out;
}

Parsed parse_my_chat_member(const json& update, const BotIdentity& bot,
                            const std::string& update_id) {
  if (!update.is_object()) return malformed("my_chat_member is not an object");
  const json* chat = member(update, "chat");
  auto chat_id = chat != nullptr ? integer_text(member(*chat, "id")) : std::nullopt;
  const json* new_member = member(update, "new_chat_member");
  const std::string status =
      new_member != nullptr ? string_of(member(*new_member, "status")).value_or("") : "";
  const std::string type = chat != nullptr ? string_of(member(*chat, "type")).value_or("") : "";
  if (status != "kicked" || type != "private") {
    return ignored("my_chat_member: bot is now '" + status + "' in a " +
                   (type.empty() ? std::string("chat") : type) + " chat");
  }
  auto from = sender_of(member(update, "from"));
  if (!from || !chat_id) return malformed("my_chat_member without a chat or a user");
  Parsed out;
  out.status = Status::event;
  out.event = base_event(bot, update_id, *from, *chat_id, /*group=*/false);  // a private chat
  out.event.kind = core::Inbound::Kind::blocked;
  return out;
}

Parsed parse_checked(std::string_view body, const BotIdentity& bot) {
  json update = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (update.is_discarded()) return malformed("body is not valid JSON");
  if (!update.is_object()) return malformed("body is not a JSON object");
  auto update_id = integer_text(member(update, "update_id"));
  if (!update_id) return malformed("update_id missing or not an integer");
  if (update_id->front() == '-') return malformed("update_id is negative");

  if (const json* message = member(update, "message")) {
    return parse_message(*message, bot, *update_id);
  }
  if (const json* query = member(update, "callback_query")) {
    return parse_callback(*query, bot, *update_id);
  }
  if (const json* chat_member = member(update, "my_chat_member")) {
    return parse_my_chat_member(*chat_member, bot, *update_id);
  }
  for (const auto& [key, value] : update.items()) {
    if (key != "update_id") return ignored("update kind '" + key + "' is not handled");
  }
  return ignored("update without content");
}

}  // namespace

std::string route_of(const BotIdentity& bot) { return "telegram:" + bot.id; }

Parsed parse_update(std::string_view body, const BotIdentity& bot) {
  // The accessors above never throw on wrong types; this only guards against the unforeseen
  // (allocation failure) so that a webhook request can never take the server down.
  try {
    return parse_checked(body, bot);
  } catch (const std::exception& e) {
    return malformed(std::string("unreadable update: ") + e.what());
  }
}

}  // namespace mc::telegram
