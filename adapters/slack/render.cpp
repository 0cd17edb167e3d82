#include "adapters/slack/render.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "adapters/slack/parse.hpp"
#include "bot/core/text.hpp"

namespace mc::slack {
namespace {

using core::Block;
using core::Span;
using nlohmann::json;

using core::code_point_offsets;

using core::is_space;
using core::trim;

bool is_blank(std::string_view s) { return std::all_of(s.begin(), s.end(), is_space); }

/// The longest prefix of `s` of at most `limit` UTF-16 units, cut between code points.
std::string_view utf16_prefix(std::string_view s, std::size_t limit) {
  std::size_t units = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t n = core::utf8_sequence_length(s, i);
    const std::size_t u = n == 4 ? 2 : 1;
    if (units + u > limit) break;
    units += u;
    i += n;
  }
  return s.substr(0, i);
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

bool is_list(Block::Kind k) { return k == Block::Kind::bullet || k == Block::Kind::numbered; }

/// A block flattened to runs of visible text; a list marker is the first run.
struct Runs {
  std::vector<Span> runs;
  std::vector<std::size_t> lengths;  ///< code points of each run
  std::size_t length = 0;
  bool blank = true;
};

Runs runs_of(const Block& block) {
  Runs r;
  if (block.kind == Block::Kind::bullet) r.runs.push_back(core::plain("• "));
  if (block.kind == Block::Kind::numbered) {
    r.runs.push_back(core::plain(std::to_string(block.number) + ". "));
  }
  for (const Span& span : block.spans) {
    if (span.style == Span::Style::link && is_blank(span.text) && !span.href.empty()) {
      Span shown = span;  // a link without text shows its address
      shown.text = span.href;
      r.runs.push_back(std::move(shown));
      continue;
    }
    if (span.text.empty()) continue;
    r.runs.push_back(block.kind == Block::Kind::code ? core::plain(span.text) : span);
  }
  for (const Span& run : r.runs) {
    const std::size_t n = code_point_offsets(run.text).size() - 1;
    r.lengths.push_back(n);
    r.length += n;
    r.blank = r.blank && is_blank(run.text);
  }
  // A list item with nothing after its marker is blank too.
  if (is_list(block.kind)) {
    r.blank = std::all_of(r.runs.begin() + 1, r.runs.end(),
                          [](const Span& s) { return is_blank(s.text); });
  }
  return r;
}

/// The visible text [from, to) (code points) of a block.
std::string visible_range(const Runs& runs, std::size_t from, std::size_t to) {
  std::string out;
  std::size_t at = 0;
  for (std::size_t i = 0; i < runs.runs.size(); ++i) {
    const std::size_t n = runs.lengths[i];
    const std::size_t lo = std::max(from, at);
    const std::size_t hi = std::min(to, at + n);
    if (lo < hi) {
      const auto offsets = code_point_offsets(runs.runs[i].text);
      out += std::string_view(runs.runs[i].text)
                 .substr(offsets[lo - at], offsets[hi - at] - offsets[lo - at]);
    }
    at += n;
  }
  return out;
}

/// mrkdwn of the visible code points [from, to) of a block: every piece carries its own markup.
std::string render_range(const Block& block, const Runs& runs, std::size_t from, std::size_t to,
                         bool bold_all) {
  if (block.kind == Block::Kind::code) {
    return "```" + escape_mrkdwn(visible_range(runs, from, to)) + "```";
  }
  std::string body;
  std::size_t at = 0;
  for (std::size_t i = 0; i < runs.runs.size(); ++i) {
    const std::size_t n = runs.lengths[i];
    const std::size_t lo = std::max(from, at);
    const std::size_t hi = std::min(to, at + n);
    if (lo < hi) {
      const Span& run = runs.runs[i];
      const auto offsets = code_point_offsets(run.text);
      std::string_view text =
          std::string_view(run.text).substr(offsets[lo - at], offsets[hi - at] - offsets[lo - at]);
      append_run(body, run, text, bold_all);
    }
    at += n;
  }
  if (block.kind != Block::Kind::quote) return body;
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

/// The block in pieces of at most `limit` UTF-16 units of mrkdwn: cut at the last line break or
/// space that keeps a piece within the limit, else hard between code points. The whitespace at
/// a cut is dropped (a code block keeps its indentation); blank pieces are left out.
std::vector<Piece> pieces_of(const Block& block, const Runs& runs, std::size_t limit,
                             bool bold_all) {
  auto cost = [&](std::size_t a, std::size_t e) {
    return utf16_length(render_range(block, runs, a, e, bold_all));
  };
  const std::string visible = visible_range(runs, 0, runs.length);
  const auto offsets = code_point_offsets(visible);
  auto char_at = [&](std::size_t cp) { return visible[offsets[cp]]; };
  const std::size_t marker = is_list(block.kind) ? runs.lengths.front() : 0;
  const std::size_t n = runs.length;

  std::vector<std::pair<std::size_t, std::size_t>> ranges;
  std::size_t a = 0;
  while (a < n) {
    if (cost(a, n) <= limit) {
      ranges.emplace_back(a, n);
      break;
    }
    // The longest piece from a within the limit (the cost grows with the piece).
    std::size_t lo = a + 1;
    std::size_t hi = n;
    if (cost(a, lo) > limit) {
      hi = lo;  // one code point of markup-heavy text (a link with a huge URL): alone
    }
    while (lo < hi) {
      const std::size_t mid = lo + (hi - lo + 1) / 2;
      if (cost(a, mid) <= limit) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    std::size_t end = lo;
    std::size_t cut = 0;  // a whitespace position in (a, end]: the piece ends before it
    for (const char wanted : {'\n', ' '}) {
      for (std::size_t p = end; p > std::max(a, marker) && cut == 0; --p) {
        if (p < n && char_at(p) == wanted) cut = p;
      }
      if (cut != 0) break;
    }
    if (cut != 0) {
      ranges.emplace_back(a, cut);
      a = cut + 1;
    } else {
      ranges.emplace_back(a, end);
      a = end;
    }
    if (block.kind != Block::Kind::code) {
      while (a < n && is_space(char_at(a))) ++a;
    }
  }

  std::vector<Piece> pieces;
  for (const auto& [from, to] : ranges) {
    std::string plain = visible_range(runs, from, to);
    if (is_blank(plain)) continue;
    pieces.push_back({render_range(block, runs, from, to, bold_all), std::move(plain)});
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
    const Runs runs = runs_of(block);
    if (runs.blank) return;
    if (block.kind == Block::Kind::heading) {
      std::string title(trim(visible_range(runs, 0, runs.length)));
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
      std::string text = escape_mrkdwn(trim(visible_range(runs, 0, runs.length)));
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
    const bool list_continues =
        previous_ != nullptr && is_list(block.kind) && previous_->kind == block.kind;
    const std::string separator = list_continues ? "\n" : "\n\n";
    previous_ = &block;
    bool first = true;
    for (Piece& piece : pieces_of(block, runs, limit_, bold_all)) {
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
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t len = core::utf8_sequence_length(s, i);
    n += len == 4 ? 2 : 1;  // a 4-byte sequence is a surrogate pair in UTF-16
    i += len;
  }
  return n;
}

std::string escape_mrkdwn(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

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

}  // namespace mc::slack
