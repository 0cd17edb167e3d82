#include "adapters/telegram/render.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>

#include "bot/core/action.hpp"
#include "bot/core/text.hpp"

namespace mc::telegram {
namespace {

using core::Block;
using core::Span;
using nlohmann::json;

constexpr std::size_t kMaxToastChars = 200;  // answerCallbackQuery text: 0-200 characters

using core::code_point_offsets;

std::size_t code_points(std::string_view s) { return code_point_offsets(s).size() - 1; }

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

using core::is_space;

bool is_list(Block::Kind k) { return k == Block::Kind::bullet || k == Block::Kind::numbered; }

/// A block flattened to styled runs of visible text; the list marker is the first run.
struct Runs {
  std::vector<Span> runs;
  std::size_t length = 0;  ///< visible code points
  bool blank = true;       ///< nothing but whitespace: Telegram would see an empty message
};

Runs runs_of(const Block& block) {
  Runs r;
  if (block.kind == Block::Kind::bullet) r.runs.push_back(core::plain("• "));
  if (block.kind == Block::Kind::numbered) {
    r.runs.push_back(core::plain(std::to_string(block.number) + ". "));
  }
  for (const Span& span : block.spans) {
    if (span.text.empty()) continue;
    if (block.kind == Block::Kind::code) {
      r.runs.push_back(core::plain(span.text));  // a code block shows its text verbatim
    } else {
      r.runs.push_back(span);
    }
  }
  for (const Span& run : r.runs) {
    r.length += code_points(run.text);
    r.blank = r.blank && std::all_of(run.text.begin(), run.text.end(), is_space);
  }
  return r;
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

/// HTML of the visible code points [from, to) of a block. Every piece opens and closes its own
/// tags, so a block cut in several messages stays well-formed in each.
std::string render_block(const Block& block, const Runs& runs, std::size_t from, std::size_t to) {
  std::string body;
  bool bold_open = false;
  const bool heading = block.kind == Block::Kind::heading;
  std::size_t at = 0;  // code point offset of the current run
  for (const Span& run : runs.runs) {
    const auto offsets = code_point_offsets(run.text);
    const std::size_t n = offsets.size() - 1;
    const std::size_t lo = std::max(from, at);
    const std::size_t hi = std::min(to, at + n);
    if (lo < hi) {
      std::string_view text(run.text);
      text = text.substr(offsets[lo - at], offsets[hi - at] - offsets[lo - at]);
      if (block.kind == Block::Kind::code) {
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
    }
    at += n;
  }
  if (bold_open) body += "</b>";
  switch (block.kind) {
    case Block::Kind::code:
      return "<pre>" + body + "</pre>";
    case Block::Kind::quote:
      return "<blockquote>" + body + "</blockquote>";
    default:
      return body;
  }
}

/// Visible code point ranges of an over-long block, each at most `limit` long: cut at the last
/// line break in reach, else at the last space, else hard. The whitespace at a cut is dropped
/// (Telegram trims it from the ends of a message anyway); a code block keeps its indentation.
std::vector<std::pair<std::size_t, std::size_t>> cut_block(const Block& block, const Runs& runs,
                                                           std::size_t limit) {
  std::string visible;
  for (const Span& run : runs.runs) visible += run.text;
  const auto offsets = code_point_offsets(visible);
  const std::size_t n = offsets.size() - 1;
  auto char_at = [&](std::size_t cp) { return visible[offsets[cp]]; };
  // A list item is never cut right after its marker ("• ").
  const std::size_t marker = is_list(block.kind) ? code_points(runs.runs.front().text) : 0;
  auto find_last = [&](std::size_t from, std::size_t to, char wanted) -> std::size_t {
    for (std::size_t p = to; p > std::max(from, marker); --p) {
      if (char_at(p) == wanted) return p;
    }
    return 0;
  };

  std::vector<std::pair<std::size_t, std::size_t>> ranges;
  std::size_t a = 0;
  while (n - a > limit) {
    const std::size_t reach = a + limit;  // char_at(reach) exists because n > reach
    std::size_t cut = find_last(a, reach, '\n');
    if (cut == 0) cut = find_last(a, reach, ' ');
    if (cut == 0) {
      ranges.emplace_back(a, reach);
      a = reach;
    } else {
      ranges.emplace_back(a, cut);
      a = cut + 1;
    }
    if (block.kind != Block::Kind::code) {
      while (a < n && is_space(char_at(a))) ++a;
    }
  }
  if (a < n) ranges.emplace_back(a, n);
  // Telegram rejects a message that is only whitespace (it trims the text to nothing).
  std::erase_if(ranges, [&](const auto& range) {
    for (std::size_t p = range.first; p < range.second; ++p) {
      if (!is_space(char_at(p))) return false;
    }
    return true;
  });
  return ranges;
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
  const auto offsets = code_point_offsets(text);
  if (offsets.size() - 1 > kMaxToastChars) {
    text = text.substr(0, offsets[kMaxToastChars - 1]) + "…";
  }
  if (!text.empty()) params["text"] = std::move(text);
  return {{"answerCallbackQuery", std::move(params)}};
}

}  // namespace

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

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
    const Runs runs = runs_of(block);
    if (runs.blank) continue;  // an empty block would be an empty message or tag
    const bool list_continues =
        previous != nullptr && is_list(block.kind) && previous->kind == block.kind;
    previous = &block;
    const std::size_t separator = list_continues ? 1 : 2;

    if (!current.empty() && runs.length <= limit - std::min(limit, current_length + separator)) {
      current += list_continues ? "\n" : "\n\n";
      current += render_block(block, runs, 0, runs.length);
      current_length += separator + runs.length;
      continue;
    }
    flush();
    if (runs.length <= limit) {
      current = render_block(block, runs, 0, runs.length);
      current_length = runs.length;
      continue;
    }
    const auto ranges = cut_block(block, runs, limit);
    for (std::size_t i = 0; i < ranges.size(); ++i) {
      current = render_block(block, runs, ranges[i].first, ranges[i].second);
      current_length = ranges[i].second - ranges[i].first;
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

}  // namespace mc::telegram
