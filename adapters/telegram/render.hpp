#pragma once

// core::Outbound -> Bot API calls: HTML parse mode with escaping, text split at paragraph
// boundaries to respect 4096 characters, inline keyboards.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bot/core/markup.hpp"
#include "bot/core/message.hpp"

namespace mc::telegram {

inline constexpr std::size_t kMaxMessageChars = 4096;

struct ApiCall {
  std::string method;  ///< "sendMessage", "editMessageText", "answerCallbackQuery", ...
  nlohmann::json params;
};

/// Escapes <, > and & for parse_mode HTML.
std::string escape_html(std::string_view text);
/// The doc as Telegram HTML.
std::string to_html(const core::Doc& doc);
/// Splits a doc into chunks whose HTML stays within the visible-character limit, preferring
/// block (paragraph) boundaries, then line, then word boundaries.
std::vector<std::string> split_html(const core::Doc& doc, std::size_t limit = kMaxMessageChars);

/// The calls that deliver `message`, in order. A home view renders to nothing.
std::vector<ApiCall> render(const core::Outbound& message);

}  // namespace mc::telegram
