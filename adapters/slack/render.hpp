#pragma once

// core::Outbound -> Slack Web API calls with Block Kit: mrkdwn sections (escaped so lesson text
// can't mention or link by accident), header and context blocks, one actions block per keyboard
// row, long documents split to respect Slack's limits, and a plain `text` fallback (used in
// notifications) on every message.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "bot/core/markup.hpp"
#include "bot/core/message.hpp"
#include "bot/core/part.hpp"

namespace mc::slack {

// Block Kit limits (https://docs.slack.dev/reference/block-kit/blocks). Lengths are counted in
// UTF-16 code units, as Slack's JavaScript does: never less than the code points.
inline constexpr std::size_t kMaxSectionChars = 3000;  ///< section text, context element text
inline constexpr std::size_t kMaxHeaderChars = 150;    ///< header block plain_text
inline constexpr std::size_t kMaxButtonChars = 75;     ///< button text
inline constexpr std::size_t kMaxButtonValueChars = 2000;
inline constexpr std::size_t kMaxActionElements = 25;   ///< elements of one actions block
inline constexpr std::size_t kMaxMessageBlocks = 50;    ///< blocks of one message
inline constexpr std::size_t kMaxHomeBlocks = 100;      ///< blocks of a Home tab view
inline constexpr std::size_t kMaxFallbackChars = 3000;  ///< the notification `text`

struct ApiCall {
  std::string method;  ///< "chat.postMessage", "chat.update", "views.publish"
  nlohmann::json params;
};

/// Length in UTF-16 code units (invalid bytes count one each).
std::size_t utf16_length(std::string_view s);

/// Escapes &, < and > (Slack's only escapes): "<@U123>" or "<!channel>" stay literal text.
std::string escape_mrkdwn(std::string_view text);

/// One message's worth of blocks and its notification text.
struct Part {
  nlohmann::json blocks = nlohmann::json::array();
  std::string text;  ///< fallback: the blocks' text without markup (escaped), never empty
};

/// The doc and keyboard as Block Kit, in parts of at most `max_blocks` blocks each; buttons are
/// on the last part. Paragraphs, lists, quotes and code become mrkdwn sections (consecutive ones
/// share a section up to `section_limit`; a longer block is cut at line, then word boundaries,
/// each piece keeping its own markup); headings become header blocks (or a bold section when
/// longer than 150); a paragraph that is entirely italic becomes a context block. Each keyboard
/// row is an actions block (25 buttons at most each), button labels cut to 75 characters,
/// action_id "mc-<n>" unique in the message; buttons with empty or over-long data, or without
/// a label, are dropped (logged). An empty doc without buttons gives no parts.
std::vector<Part> render_parts(const core::Doc& doc, const core::Keyboard& keyboard,
                               std::size_t max_blocks = kMaxMessageBlocks,
                               std::size_t section_limit = kMaxSectionChars);

/// The calls that deliver `message`, in order:
/// - send: chat.postMessage per part {channel, text, blocks, unfurl_links/media false};
/// - edit: chat.update of `ref` with the first part (the buttons replaced, so removed when the
///   keyboard is empty), further parts as chat.postMessage; a ref that is not a message ts
///   falls back to sending;
/// - ack: nothing (the HTTP 200 to the interactivity request was the acknowledgement);
/// - home: views.publish {user_id (from the learner id), view {type home, blocks}}, at most 100
///   blocks (text is cut before the buttons are).
/// A message without a channel (or a home without a Slack learner) renders to nothing.
std::vector<ApiCall> render(const core::Outbound& message);

/// A Web API call and the workspace whose token makes it: what a Slack core::Part holds.
struct Request {
  std::string team;
  ApiCall call;
};

/// render(message) as the dispatcher's parts, one Request each (the workspace of the message's
/// route), for Client::call.
std::vector<core::Part> parts_of(const core::Outbound& message);

/// Short ephemeral notes about a slash command or button press itself (not the journey's
/// answer, which goes to the DM), posted as the HTTP answer or to the request's response_url.
enum class Note {
  answer_in_dm,  ///< typed outside the DM: the answer is in the DM
  retrying,      ///< could not be saved yet: kept and retried, the outcome follows here
  saved_later,   ///< the retried request went through
  gave_up,       ///< it never went through
};
/// {"response_type":"ephemeral","replace_original":false,"text":...}
nlohmann::json render_note(Note note);

}  // namespace mc::slack
