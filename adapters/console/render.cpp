#include "adapters/console/render.hpp"

namespace mc::console {
namespace {

// Control characters other than newline and tab are dropped, so course text can't move the
// cursor or recolour the terminal.
std::string sanitize(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 || c == '\n' || c == '\t') out += c;
  }
  return out;
}

std::string styled(const core::Span& span, const RenderOptions& o) {
  std::string text = sanitize(span.text);
  using S = core::Span::Style;
  switch (span.style) {
    case S::bold:
      return o.ansi ? "\x1b[1m" + text + "\x1b[0m" : text;
    case S::italic:
      return o.ansi ? "\x1b[3m" + text + "\x1b[0m" : text;
    case S::code:
      return o.ansi ? "\x1b[36m" + text + "\x1b[0m" : "`" + text + "`";
    case S::link:
      return text + " <" + sanitize(span.href) + ">";
    case S::plain:
      break;
  }
  return text;
}

}  // namespace

std::string render(const core::Outbound& message, const RenderOptions& options) {
  if (message.kind != core::Outbound::Kind::send) return {};
  std::string out;
  const core::Doc& doc = message.body;
  for (std::size_t i = 0; i < doc.size(); ++i) {
    const core::Block& b = doc[i];
    using K = core::Block::Kind;
    if (i > 0) {
      bool list_continues =
          (b.kind == K::bullet || b.kind == K::numbered) && doc[i - 1].kind == b.kind;
      out += list_continues ? "\n" : "\n\n";
    }
    std::string line;
    for (const auto& span : b.spans) line += styled(span, options);
    switch (b.kind) {
      case K::heading:
        out += options.ansi ? "\x1b[1m" + line + "\x1b[0m" : line;
        break;
      case K::bullet:
        out += "  • " + line;
        break;
      case K::numbered:
        out += "  " + std::to_string(b.number) + ". " + line;
        break;
      case K::quote:
        out += "  │ " + line;
        break;
      case K::code: {
        std::string indented = "    ";
        for (char c : line) {
          indented += c;
          if (c == '\n') indented += "    ";
        }
        out += indented;
        break;
      }
      case K::paragraph:
        out += line;
        break;
    }
  }
  int n = 0;
  for (const auto& row : message.keyboard) {
    for (const auto& button : row) {
      out += (n == 0 ? "\n\n" : "\n");
      out += "  [" + std::to_string(++n) + "] " + sanitize(button.label);
    }
  }
  return out;
}

}  // namespace mc::console
