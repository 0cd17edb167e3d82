#pragma once

// core::Outbound -> Bot API calls: HTML parse mode with escaping, text split at paragraph
// boundaries to respect 4096 characters, inline keyboards.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bot/core/markup.hpp"
#include "bot/core/message.hpp"
#include "bot/core/part.hpp"

namespace mc::telegram {

inline constexpr std::size_t kMaxMessageChars = 4096;

struct ApiCall {
  std::string method;  ///< "sendMessage", "editMessageText", "answerCallbackQuery", ...
  nlohmann::json params;
};

/// Escapes <, > and & for parse_mode HTML.
std::string escape_html(std::string_view text);
/// Characters Telegram counts in `html` after entity parsing: UTF-8 code points outside tags, an
/// entity such as `&lt;` counting one. Used to check chunks against kMaxMessageChars.
std::size_t html_visible_length(std::string_view html);
/// The doc as Telegram HTML: bold <b>, italic <i>, code <code>, link <a href> (http, https,
/// mailto and tg only; other links keep their text), code block <pre>, heading bold, bullets
/// "• ", numbered "N. ", quote <blockquote>. Blocks are separated by a blank line, items of one
/// list by a line break. Blocks with nothing but whitespace are left out.
std::string to_html(const core::Doc& doc);
/// Splits a doc into chunks whose HTML stays within the visible-character limit, preferring
/// block (paragraph) boundaries, then line, then word boundaries, then a hard cut between code
/// points. Each chunk is well-formed HTML (tags of a cut block are closed and reopened); the
/// whitespace at a cut is dropped. An empty doc gives no chunks; a limit of 0 counts as 1.
std::vector<std::string> split_html(const core::Doc& doc, std::size_t limit = kMaxMessageChars);

/// The calls that deliver `message`, in order. send: one sendMessage per chunk, the inline
/// keyboard on the last; a button whose data is empty or over 64 bytes is dropped (logged).
/// edit: editMessageText with the first chunk (its buttons replaced, or removed when the text
/// continues in further sendMessage calls); an empty body edits only the buttons; a ref that is
/// not a message id falls back to sending. ack: answerCallbackQuery with the body's plain text
/// (at most 200 characters). A home view, an ack without ref and a send without text render to
/// nothing.
std::vector<ApiCall> render(const core::Outbound& message);

/// render(message) as the dispatcher's parts, one ApiCall each, for Client::call.
std::vector<core::Part> parts_of(const core::Outbound& message);

}  // namespace mc::telegram
