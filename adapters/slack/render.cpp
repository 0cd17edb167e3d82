#include "adapters/slack/render.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "adapters/slack/parse.hpp"
#include "bot/core/layout.hpp"
#include "bot/core/text.hpp"

namespace mc::slack {
namespace {

using core::Block;
using core::Span;
using nlohmann::json;

using core::is_blank;
using core::is_space;
using core::Range;
using core::Runs;
using core::trim;

/// The longest prefix of `s` of at most `limit` UTF-16 units, cut between code points.
std::string_view utf16_prefix(std::string_view s, std::size_t limit) {
  return core::prefix_within(s, limit, core::Measure::utf16_units);
}

/// `s` cut to `limit` UTF-16 units with a trailing "…" when it was longer.
std::string shorten(std::string_view s, std::size_t limit) {
  if (utf16_length(s) <= limit) return std::string(s);
  std::string out(trim(utf16_prefix(s, limit - 1)));
  return out + "…";
}

/// A URL inside <url|text>: & < > as Slack's entities would still end the link early in some
/// clients, so they and '|' (the text separator) and spaces are percent-encoded.
std::string escape_url(std::string_view href) {
  std::string out;
  for (char c : href) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "%3C";
        break;
      case '>':
        out += "%3E";
        break;
      case '|':
        out += "%7C";
        break;
      case ' ':
        out += "%20";
        break;
      default:
        out += c;
    }
  }
  return out;
}

/// `text` between `marker`s (*bold*, _italic_). Slack only formats a marker pair that hugs
/// non-space text on one line, so surrounding whitespace stays outside and each line is wrapped
/// on its own. Text containing the marker itself is left unformatted rather than garbled.
std::string wrap(std::string_view text, char marker) {
  if (text.find(marker) != std::string_view::npos) return escape_mrkdwn(text);
  std::string out;
  std::size_t from = 0;
  while (from <= text.size()) {
    const auto nl = text.find('\n', from);
    std::string_view line =
        text.substr(from, nl == std::string_view::npos ? std::string_view::npos : nl - from);
    std::size_t lead = 0;
    while (lead < line.size() && is_space(line[lead])) ++lead;
    std::size_t tail = line.size();
    while (tail > lead && is_space(line[tail - 1])) --tail;
    out += line.substr(0, lead);
    if (tail > lead) {
      out += marker;
      out += escape_mrkdwn(line.substr(lead, tail - lead));
      out += marker;
    }
    out += line.substr(tail);
    if (nl == std::string_view::npos) break;
    out += '\n';
    from = nl + 1;
  }
  return out;
}

/// mrkdwn of (part of) one inline run. `bold_all`: the run is in a heading rendered as a bold
/// section.
void append_run(std::string& out, const Span& run, std::string_view text, bool bold_all) {
  switch (run.style) {
    case Span::Style::plain:
      out += bold_all ? wrap(text, '*') : escape_mrkdwn(text);
      return;
    case Span::Style::bold:
      out += wrap(text, '*');
      return;
    case Span::Style::italic:
      out += bold_all ? wrap(text, '*') : wrap(text, '_');
      return;
    case Span::Style::code:
      // A backtick can't be escaped inside `code`; such text stays plain.
      if (text.find('`') != std::string_view::npos || is_blank(text) ||
          text.find('\n') != std::string_view::npos) {
        out += escape_mrkdwn(text);
      } else {
        out += "`" + escape_mrkdwn(text) + "`";
      }
      return;
    case Span::Style::link:
      if (!core::link_allowed(run.href)) {
        out += escape_mrkdwn(text);  // javascript: and friends: the text survives, the link not
      } else if (text == run.href) {
        out += "<" + escape_url(run.href) + ">";
      } else {
        // Slack splits at the first '|': the URL has none left, so the text may contain one.
        out += "<" + escape_url(run.href) + "|" + escape_mrkdwn(text) + ">";
      }
      return;
  }
}

/// mrkdwn of the visible code points `range` of a block: every piece carries its own markup.
std::string render_range(const Runs& runs, Range range, bool bold_all) {
  if (runs.kind == Block::Kind::code) {
    return "```" + escape_mrkdwn(core::visible_text(runs, range)) + "```";
  }
  std::string body;
  core::for_each_slice(runs, range, [&](const Span& run, std::string_view text) {
    append_run(body, run, text, bold_all);
  });
  if (runs.kind != Block::Kind::quote) return body;
  // A quote is "> " at the start of every line (the raw '>' is markup here, not text).
  std::string quoted = "> ";
  for (char c : body) {
    quoted += c;
    if (c == '\n') quoted += "> ";
  }
  return quoted;
}

/// One piece of a block: its mrkdwn and its visible text (for the fallback).
struct Piece {
  std::string mrkdwn;
  std::string plain;
};

/// The block in pieces of at most `limit` UTF-16 units of mrkdwn (see core::cut).
std::vector<Piece> pieces_of(const Runs& runs, std::size_t limit, bool bold_all) {
  std::vector<Piece> pieces;
  const auto cost = [&](Range r) { return utf16_length(render_range(runs, r, bold_all)); };
  for (const Range range : core::cut(runs, limit, cost)) {
    pieces.push_back({render_range(runs, range, bold_all), core::visible_text(runs, range)});
  }
  return pieces;
}

/// A paragraph whose text is all italic: a note, shown as a context block.
bool is_note(const Block& block) {
  if (block.kind != Block::Kind::paragraph) return false;
  bool any = false;
  for (const Span& s : block.spans) {
    if (is_blank(s.text)) continue;
    if (s.style != Span::Style::italic) return false;
    any = true;
  }
  return any;
}

json section(std::string text) {
  return {{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", std::move(text)}}}};
}

json plain_text(std::string text) {
  return {{"type", "plain_text"}, {"text", std::move(text)}, {"emoji", true}};
}

/// Text blocks with their fallback text, and the actions blocks.
struct Built {
  std::vector<json> blocks;
  std::vector<std::string> plains;  ///< escaped visible text of each block, for the fallback
  std::vector<json> actions;
  std::vector<std::string> labels;  ///< escaped button labels, a fallback of last resort
};

class Builder {
 public:
  explicit Builder(std::size_t limit) : limit_(std::max<std::size_t>(limit, 16)) {}

  void add(const Block& block) {
    // A link without text shows its address; a list item with nothing after its marker is blank.
    const Runs runs = core::flatten(block, {.show_bare_links = true});
    if (runs.content_blank) return;
    if (block.kind == Block::Kind::heading) {
      std::string title(trim(core::visible_text(runs, core::whole(runs))));
      if (utf16_length(title) <= kMaxHeaderChars && title.find('\n') == std::string::npos) {
        flush();
        built_.plains.push_back(escape_mrkdwn(title));
        built_.blocks.push_back({{"type", "header"}, {"text", plain_text(std::move(title))}});
        previous_ = nullptr;
        return;
      }
      append_pieces(block, runs, /*bold_all=*/true);
      return;
    }
    if (is_note(block)) {
      std::string text = escape_mrkdwn(trim(core::visible_text(runs, core::whole(runs))));
      if (utf16_length(text) <= limit_) {
        flush();
        built_.plains.push_back(text);
        built_.blocks.push_back(
            {{"type", "context"},
             {"elements", json::array({{{"type", "mrkdwn"}, {"text", std::move(text)}}})}});
        previous_ = nullptr;
        return;
      }
    }
    append_pieces(block, runs, /*bold_all=*/false);
  }

  void add_keyboard(const core::Keyboard& keyboard) {
    for (const auto& row : keyboard) {
      json elements = json::array();
      for (const core::Button& button : row) {
        if (button.data.empty() || button.data.size() > kMaxButtonValueChars) {
          spdlog::warn("slack: dropping button '{}': value is {} bytes (1-{} allowed)",
                       button.label, button.data.size(), kMaxButtonValueChars);
          continue;
        }
        std::string label(trim(button.label));
        if (label.empty()) {
          spdlog::warn("slack: dropping a button without a label (value '{}')", button.data);
          continue;
        }
        label = shorten(label, kMaxButtonChars);
        built_.labels.push_back(escape_mrkdwn(label));
        elements.push_back({{"type", "button"},
                            {"text", plain_text(std::move(label))},
                            {"value", button.data},
                            {"action_id", "mc-" + std::to_string(next_action_++)}});
        if (elements.size() == kMaxActionElements) {
          built_.actions.push_back({{"type", "actions"}, {"elements", std::move(elements)}});
          elements = json::array();
        }
      }
      if (!elements.empty()) {
        built_.actions.push_back({{"type", "actions"}, {"elements", std::move(elements)}});
      }
    }
  }

  Built finish() && {
    flush();
    return std::move(built_);
  }

 private:
  void append_pieces(const Block& block, const Runs& runs, bool bold_all) {
    const bool list_continues = core::continues_list(previous_, block);
    const std::string separator = list_continues ? "\n" : "\n\n";
    previous_ = &block;
    bool first = true;
    for (Piece& piece : pieces_of(runs, limit_, bold_all)) {
      const std::string& sep = first ? separator : std::string("\n");
      first = false;
      if (!text_.empty() &&
          utf16_length(text_) + utf16_length(sep) + utf16_length(piece.mrkdwn) <= limit_) {
        text_ += sep + piece.mrkdwn;
        plain_ += sep + escape_mrkdwn(piece.plain);
        continue;
      }
      flush();
      text_ = std::move(piece.mrkdwn);
      plain_ = escape_mrkdwn(piece.plain);
    }
  }

  void flush() {
    if (text_.empty()) return;
    built_.blocks.push_back(section(std::move(text_)));
    built_.plains.push_back(std::move(plain_));
    text_.clear();
    plain_.clear();
  }

  std::size_t limit_;
  Built built_;
  std::string text_;   ///< the section being filled
  std::string plain_;  ///< its fallback text
  const Block* previous_ = nullptr;
  int next_action_ = 0;
};

Built build(const core::Doc& doc, const core::Keyboard& keyboard, std::size_t limit) {
  Builder builder(limit);
  for (const Block& block : doc) builder.add(block);
  builder.add_keyboard(keyboard);
  return std::move(builder).finish();
}

/// The notification text of some blocks: their text joined, cut to kMaxFallbackChars without
/// splitting an entity such as "&amp;".
std::string fallback_of(const std::vector<std::string>& plains, std::size_t from, std::size_t to,
                        const std::vector<std::string>& labels) {
  std::string text;
  for (std::size_t i = from; i < to; ++i) {
    if (!text.empty()) text += "\n\n";
    text += plains[i];
  }
  if (text.empty()) {
    for (const std::string& label : labels) {
      if (!text.empty()) text += " · ";
      text += label;
    }
  }
  if (text.empty()) return "…";
  if (utf16_length(text) <= kMaxFallbackChars) return text;
  std::string cut(utf16_prefix(text, kMaxFallbackChars - 1));
  const auto amp = cut.rfind('&');
  if (amp != std::string::npos && cut.find(';', amp) == std::string::npos) cut.resize(amp);
  return cut + "…";
}

Part make_part(const Built& built, std::size_t from, std::size_t to, bool with_actions) {
  Part part;
  for (std::size_t i = from; i < to; ++i) part.blocks.push_back(built.blocks[i]);
  if (with_actions) {
    for (const json& a : built.actions) part.blocks.push_back(a);
  }
  part.text =
      fallback_of(built.plains, from, to, with_actions ? built.labels : std::vector<std::string>{});
  return part;
}

bool is_message_ts(std::string_view ts) {
  const auto dot = ts.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == ts.size()) return false;
  return std::all_of(ts.begin(), ts.end(),
                     [](char c) { return (c >= '0' && c <= '9') || c == '.'; }) &&
         ts.find('.', dot + 1) == std::string_view::npos;
}

json post_message(const std::string& channel, Part part) {
  return {{"channel", channel},
          {"text", std::move(part.text)},
          {"blocks", std::move(part.blocks)},
          {"unfurl_links", false},
          {"unfurl_media", false}};
}

std::vector<ApiCall> render_home(const core::Outbound& message) {
  const std::string user = user_of_learner(message.learner);
  if (user.empty()) {
    spdlog::warn("slack: home view for '{}', not a Slack learner; nothing published",
                 message.learner);
    return {};
  }
  Built built = build(message.body, message.keyboard, kMaxSectionChars);
  // The buttons matter more than the tail of the text: cut text blocks first.
  const std::size_t actions = std::min(built.actions.size(), kMaxHomeBlocks);
  std::size_t room = kMaxHomeBlocks - actions;
  json blocks = json::array();
  const bool cut = built.blocks.size() > room;
  if (cut && room > 0) room -= 1;  // for the note saying so
  for (std::size_t i = 0; i < std::min(room, built.blocks.size()); ++i) {
    blocks.push_back(built.blocks[i]);
  }
  if (cut && blocks.size() < kMaxHomeBlocks) {
    blocks.push_back({{"type", "context"},
                      {"elements", json::array({{{"type", "mrkdwn"},
                                                 {"text", "… more in our direct messages"}}})}});
  }
  for (std::size_t i = 0; i < actions; ++i) blocks.push_back(built.actions[i]);
  return {{"views.publish",
           {{"user_id", user}, {"view", {{"type", "home"}, {"blocks", std::move(blocks)}}}}}};
}

}  // namespace

std::size_t utf16_length(std::string_view s) {
  return core::measure(s, core::Measure::utf16_units);
}

std::string escape_mrkdwn(std::string_view text) { return core::escape_entities(text); }

std::vector<Part> render_parts(const core::Doc& doc, const core::Keyboard& keyboard,
                               std::size_t max_blocks, std::size_t section_limit) {
  max_blocks = std::max<std::size_t>(max_blocks, 1);
  Built built = build(doc, keyboard, section_limit);
  const std::size_t texts = built.blocks.size();
  std::size_t actions = built.actions.size();
  if (actions > max_blocks) {
    spdlog::warn("slack: {} rows of buttons, only {} fit in a message", actions, max_blocks);
    built.actions.resize(max_blocks);
    actions = max_blocks;
  }
  std::vector<Part> parts;
  if (texts == 0 && actions == 0) return parts;
  // Text blocks fill parts in order; the last part holds the buttons, with as much of the text
  // before them as fits.
  const std::size_t last_text_room = max_blocks - actions;
  std::size_t from = 0;
  while (texts - from > last_text_room) {
    const std::size_t take = std::min(max_blocks, texts - from - last_text_room);
    parts.push_back(make_part(built, from, from + take, false));
    from += take;
  }
  parts.push_back(make_part(built, from, texts, true));
  return parts;
}

std::vector<ApiCall> render(const core::Outbound& message) {
  if (message.kind == core::Outbound::Kind::ack) return {};  // the HTTP 200 was the ack
  if (message.kind == core::Outbound::Kind::home) return render_home(message);
  const std::string& channel = message.to.chat;
  if (channel.empty()) {
    spdlog::warn("slack: message '{}' has no channel; nothing sent", message.key);
    return {};
  }
  std::vector<Part> parts = render_parts(message.body, message.keyboard);
  std::vector<ApiCall> calls;
  std::size_t first_send = 0;
  if (message.kind == core::Outbound::Kind::edit) {
    if (!is_message_ts(message.ref)) {
      spdlog::warn("slack: edit of '{}' which is not a message ts; sending instead", message.ref);
    } else if (parts.empty()) {
      spdlog::warn("slack: edit of {} with nothing to show; left as it is", message.ref);
    } else {
      Part& first = parts.front();
      calls.push_back({"chat.update",
                       {{"channel", channel},
                        {"ts", message.ref},
                        {"text", std::move(first.text)},
                        {"blocks", std::move(first.blocks)}}});
      first_send = 1;
    }
  } else if (parts.empty()) {
    spdlog::warn("slack: message '{}' has no text; nothing sent", message.key);
  }
  for (std::size_t i = first_send; i < parts.size(); ++i) {
    calls.push_back({"chat.postMessage", post_message(channel, std::move(parts[i]))});
  }
  return calls;
}

nlohmann::json render_note(Note note) {
  std::string_view text;
  switch (note) {
    case Note::answer_in_dm:
      text = "📬 I've answered in our direct messages: open the app from the sidebar to read it.";
      break;
    case Note::retrying:
      text =
          "⚠️ I couldn't save that just now. I'm retrying for a minute and will tell you here "
          "how "
          "it went; you don't need to do anything.";
      break;
    case Note::saved_later:
      text = "✅ Done: that went through after all. The answer is in our direct messages.";
      break;
    case Note::gave_up:
      text = "😞 Sorry, I still couldn't save that. Please try again in a few minutes.";
      break;
  }
  return {{"response_type", "ephemeral"}, {"replace_original", false}, {"text", text}};
}

std::vector<core::Part> parts_of(const core::Outbound& message) {
  const std::string team = team_of_route(message.to.route);
  std::vector<core::Part> parts;
  for (ApiCall& call : render(message)) parts.push_back({Request{team, std::move(call)}});
  return parts;
}

}  // namespace mc::slack
