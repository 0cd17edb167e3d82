#pragma once

// The neutral rich-text model. Lessons are written in a small Markdown subset; the core and
// every adapter speak this tree, and each adapter renders it with its own escaping rules.

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace mc::core {

struct Span {
  enum class Style { plain, bold, italic, code, link };
  Style style = Style::plain;
  std::string text;  ///< literal text, never escaped: renderers escape it for their platform
  std::string href;  ///< only for Style::link

  friend bool operator==(const Span&, const Span&) = default;
};

struct Block {
  enum class Kind { paragraph, heading, bullet, numbered, code, quote };
  Kind kind = Kind::paragraph;
  std::vector<Span> spans;  ///< inline content; for Kind::code a single plain span
  int number = 0;           ///< the item number of a Kind::numbered block

  friend bool operator==(const Block&, const Block&) = default;
};

/// A document: blocks in reading order. Consecutive bullet/numbered blocks form one list.
using Doc = std::vector<Block>;

/// Parses the Markdown subset authors use: paragraphs separated by blank lines, `#` headings,
/// `-`/`*` bullets, `1.` numbered items, `>` quotes, fenced code blocks, and inline `**bold**`,
/// `*italic*`/`_italic_`, `` `code` `` and `[text](https://url)`. A marker that is not closed is
/// kept as literal text, so `2 * 3` or `snake_case` survive intact. Never fails.
Doc parse_markdown(std::string_view text);

/// Convenience builders for messages the core writes itself.
Block paragraph(std::string text);
Block paragraph(std::vector<Span> spans);
Span plain(std::string text);
Span bold(std::string text);
Span italic(std::string text);
Span code(std::string text);

/// The text without markup, blocks separated by blank lines: for notifications, logs and tests.
std::string plain_text(const Doc& doc);

/// Number of user-visible characters (UTF-8 code points) of the plain text.
std::size_t visible_length(const Doc& doc);

/// Whether a renderer may make `href` a link: its scheme (case-insensitive) is http, https,
/// mailto or one of `extra_schemes` (e.g. "tg"). Anything else (javascript:, data:) shows as
/// text only.
bool link_allowed(std::string_view href,
                  std::initializer_list<std::string_view> extra_schemes = {});

}  // namespace mc::core
