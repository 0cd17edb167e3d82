#include "adapters/telegram/render.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>

#include "bot/core/action.hpp"
#include "bot/core/layout.hpp"
#include "bot/core/text.hpp"

namespace mc::telegram {
namespace {

using core::Block;
using core::Range;
using core::Runs;
using core::Span;
using nlohmann::json;

constexpr std::size_t kMaxToastChars = 200;  // answerCallbackQuery text: 0-200 characters

/// An href in double quotes: the HTML escapes plus the quote itself.
std::string escape_attribute(std::string_view text) {
  std::string out;
  std::size_t from = 0;
  for (std::size_t quote = text.find('"'); quote != std::string_view::npos;
       quote = text.find('"', from)) {
    out += escape_html(text.substr(from, quote - from)) + "&quot;";
    from = quote + 1;
  }
  return out + escape_html(text.substr(from));
}

/// HTML of one inline run. Inside a heading (already bold) a bold run needs no tag of its own.
void append_run(std::string& out, const Span& run, std::string_view text, bool in_bold) {
  const std::string escaped = escape_html(text);
  switch (run.style) {
    case Span::Style::plain:
      out += escaped;
      break;
    case Span::Style::bold:
      out += in_bold ? escaped : "<b>" + escaped + "</b>";
      break;
    case Span::Style::italic:
      out += "<i>" + escaped + "</i>";
      break;
    case Span::Style::code:
      out += "<code>" + escaped + "</code>";
      break;
    case Span::Style::link:
      if (core::link_allowed(run.href, {"tg"})) {
        out += "<a href=\"" + escape_attribute(run.href) + "\">" + escaped + "</a>";
      } else {
        out += escaped;  // javascript: and friends: the text survives, the link does not
      }
      break;
  }
}

/// HTML of the visible code points `range` of a block. Every piece opens and closes its own
/// tags, so a block cut in several messages stays well-formed in each.
std::string render_block(const Runs& runs, Range range) {
  std::string body;
  bool bold_open = false;
  const bool heading = runs.kind == Block::Kind::heading;
  core::for_each_slice(runs, range, [&](const Span& run, std::string_view text) {
    if (runs.kind == Block::Kind::code) {
      body += escape_html(text);
    } else if (heading && run.style != Span::Style::code) {
      // A heading is bold; code can't be nested in bold, so it interrupts the <b>.
      if (!bold_open) body += "<b>";
      bold_open = true;
      append_run(body, run, text, true);
    } else {
      if (bold_open) body += "</b>";
      bold_open = false;
      append_run(body, run, text, false);
    }
  });
  if (bold_open) body += "</b>";
  switch (runs.kind) {
    case Block::Kind::code:
      return "<pre>" + body + "</pre>";
    case Block::Kind::quote:
      return "<blockquote>" + body + "</blockquote>";
    default:
      return body;
  }
}

std::optional<std::int64_t> to_integer(std::string_view s) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc{} || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return value;
}

/// chat_id as Telegram's Integer when it is one ("-100123"), otherwise the string ("@channel").
json chat_id_json(const std::string& chat) {
  if (auto id = to_integer(chat)) return *id;
  return chat;
}

/// {"inline_keyboard": rows}. Buttons Telegram would reject are dropped, never truncated: a cut
/// callback_data would decode to a different (or no) action.
json keyboard_json(const core::Keyboard& keyboard) {
  json rows = json::array();
  for (const auto& row : keyboard) {
    json buttons = json::array();
    for (const core::Button& button : row) {
      if (button.data.empty() || button.data.size() > core::kMaxActionBytes) {
        spdlog::warn("telegram: dropping button '{}': callback data is {} bytes (1-{} allowed)",
                     button.label, button.data.size(), core::kMaxActionBytes);
        continue;
      }
      if (button.label.empty()) {
        spdlog::warn("telegram: dropping a button without a label (data '{}')", button.data);
        continue;
      }
      buttons.push_back({{"text", button.label}, {"callback_data", button.data}});
    }
    if (!buttons.empty()) rows.push_back(std::move(buttons));
  }
  return {{"inline_keyboard", std::move(rows)}};
}

bool has_buttons(const json& markup) { return !markup.at("inline_keyboard").empty(); }

json send_message(const json& chat_id, std::string text) {
  return {{"chat_id", chat_id},
          {"text", std::move(text)},
          {"parse_mode", "HTML"},
          {"link_preview_options", {{"is_disabled", true}}}};
}

/// The sendMessage calls of `chunks[first..]`, the keyboard on the last one.
void append_sends(std::vector<ApiCall>& calls, const json& chat_id,
                  const std::vector<std::string>& chunks, std::size_t first, const json& markup) {
  for (std::size_t i = first; i < chunks.size(); ++i) {
    json params = send_message(chat_id, chunks[i]);
    if (i + 1 == chunks.size() && has_buttons(markup)) params["reply_markup"] = markup;
    calls.push_back({"sendMessage", std::move(params)});
  }
}

std::vector<ApiCall> render_edit(const core::Outbound& message, const json& chat_id,
                                 const json& markup) {
  std::vector<ApiCall> calls;
  auto message_id = to_integer(message.ref);
  const auto chunks = split_html(message.body);
  if (!message_id) {
    spdlog::warn("telegram: edit of message '{}' which is not a message id; sending instead",
                 message.ref);
    append_sends(calls, chat_id, chunks, 0, markup);
    return calls;
  }
  if (chunks.empty()) {
    // Nothing to say: only the buttons change (or go).
    calls.push_back(
        {"editMessageReplyMarkup",
         {{"chat_id", chat_id}, {"message_id", *message_id}, {"reply_markup", markup}}});
    return calls;
  }
  // The edited message loses its old buttons unless it is the only part.
  json params = {{"chat_id", chat_id},
                 {"message_id", *message_id},
                 {"text", chunks.front()},
                 {"parse_mode", "HTML"},
                 {"link_preview_options", {{"is_disabled", true}}},
                 {"reply_markup", chunks.size() == 1 ? markup : keyboard_json({})}};
  calls.push_back({"editMessageText", std::move(params)});
  append_sends(calls, chat_id, chunks, 1, markup);
  return calls;
}

std::vector<ApiCall> render_ack(const core::Outbound& message) {
  if (message.ref.empty()) {
    spdlog::warn("telegram: ack without a callback query id, nothing to answer");
    return {};
  }
  json params = {{"callback_query_id", message.ref}};
  std::string text = core::plain_text(message.body);
  if (core::measure(text, core::Measure::code_points) > kMaxToastChars) {
    text = std::string(core::prefix_within(text, kMaxToastChars - 1, core::Measure::code_points)) +
           "…";
  }
  if (!text.empty()) params["text"] = std::move(text);
  return {{"answerCallbackQuery", std::move(params)}};
}

}  // namespace

std::string escape_html(std::string_view text) { return core::escape_entities(text); }

std::size_t html_visible_length(std::string_view html) {
  std::size_t n = 0;
  std::size_t i = 0;
  while (i < html.size()) {
    if (html[i] == '<') {
      auto end = html.find('>', i);
      i = end == std::string_view::npos ? html.size() : end + 1;
      continue;
    }
    if (html[i] == '&') {
      auto end = html.find(';', i);
      i = end == std::string_view::npos ? html.size() : end + 1;
      ++n;
      continue;
    }
    i += core::utf8_sequence_length(html, i);
    ++n;
  }
  return n;
}

std::string to_html(const core::Doc& doc) {
  auto chunks = split_html(doc, std::numeric_limits<std::size_t>::max());
  return chunks.empty() ? std::string() : std::move(chunks.front());
}

std::vector<std::string> split_html(const core::Doc& doc, std::size_t limit) {
  limit = std::max<std::size_t>(limit, 1);
  std::vector<std::string> chunks;
  std::string current;
  std::size_t current_length = 0;
  const Block* previous = nullptr;
  auto flush = [&] {
    if (!current.empty()) chunks.push_back(std::move(current));
    current.clear();
    current_length = 0;
  };

  for (const Block& block : doc) {
    const Runs runs = core::flatten(block);
    if (runs.blank) continue;  // an empty block would be an empty message or tag
    const bool list_continues = core::continues_list(previous, block);
    previous = &block;
    const std::size_t separator = list_continues ? 1 : 2;

    if (!current.empty() && runs.length <= limit - std::min(limit, current_length + separator)) {
      current += list_continues ? "\n" : "\n\n";
      current += render_block(runs, core::whole(runs));
      current_length += separator + runs.length;
      continue;
    }
    flush();
    // Telegram's limit counts the visible characters: a range costs its code points.
    const auto ranges = core::cut(runs, limit, [](Range r) { return r.to - r.from; });
    for (std::size_t i = 0; i < ranges.size(); ++i) {
      current = render_block(runs, ranges[i]);
      current_length = ranges[i].to - ranges[i].from;
      if (i + 1 < ranges.size()) flush();
    }
  }
  flush();
  return chunks;
}

std::vector<ApiCall> render(const core::Outbound& message) {
  const json chat_id = chat_id_json(message.to.chat);
  switch (message.kind) {
    case core::Outbound::Kind::send: {
      std::vector<ApiCall> calls;
      const auto chunks = split_html(message.body);
      if (chunks.empty()) {
        spdlog::warn("telegram: message '{}' has no text; nothing sent", message.key);
      }
      append_sends(calls, chat_id, chunks, 0, keyboard_json(message.keyboard));
      return calls;
    }
    case core::Outbound::Kind::edit:
      return render_edit(message, chat_id, keyboard_json(message.keyboard));
    case core::Outbound::Kind::ack:
      return render_ack(message);
    case core::Outbound::Kind::home:
      return {};  // Telegram has no home view
  }
  return {};
}

std::vector<core::Part> parts_of(const core::Outbound& message) {
  std::vector<core::Part> parts;
  for (ApiCall& call : render(message)) parts.push_back({std::move(call)});
  return parts;
}

}  // namespace mc::telegram
