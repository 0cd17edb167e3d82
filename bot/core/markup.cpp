#include "bot/core/markup.hpp"

#include <cctype>

#include "bot/core/text.hpp"

namespace mc::core {
namespace {

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

void append_plain(std::vector<Span>& spans, std::string_view text) {
  if (text.empty()) return;
  if (!spans.empty() && spans.back().style == Span::Style::plain) {
    spans.back().text += text;
  } else {
    spans.push_back(Span{Span::Style::plain, std::string(text), {}});
  }
}

// Finds the closing `marker` for an emphasis opened at `from`; npos when unclosed. The content
// must be non-empty and not start or end with a space, so "2 * 3 * 4" stays literal.
std::size_t find_closing(std::string_view s, std::size_t from, std::string_view marker) {
  if (from >= s.size() || s[from] == ' ') return std::string_view::npos;
  std::size_t pos = from;
  while (true) {
    pos = s.find(marker, pos);
    if (pos == std::string_view::npos) return pos;
    if (pos > from && s[pos - 1] != ' ' && s[pos - 1] != '\\') {
      // `_` closes only at a word boundary so snake_case_names survive.
      if (marker == "_" && pos + 1 < s.size() && is_word_char(s[pos + 1])) {
        pos += 1;
        continue;
      }
      return pos;
    }
    pos += marker.size();
  }
}

std::vector<Span> parse_inline(std::string_view s) {
  std::vector<Span> spans;
  std::string pending;
  auto flush = [&] {
    append_plain(spans, pending);
    pending.clear();
  };
  std::size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == '\\' && i + 1 < s.size() && std::ispunct(static_cast<unsigned char>(s[i + 1]))) {
      pending += s[i + 1];
      i += 2;
      continue;
    }
    if (c == '`') {
      std::size_t end = s.find('`', i + 1);
      if (end != std::string_view::npos && end > i + 1) {
        flush();
        spans.push_back(Span{Span::Style::code, std::string(s.substr(i + 1, end - i - 1)), {}});
        i = end + 1;
        continue;
      }
    }
    if (c == '*' && i + 1 < s.size() && s[i + 1] == '*') {
      std::size_t end = find_closing(s, i + 2, "**");
      if (end != std::string_view::npos) {
        flush();
        // Nested markup inside bold is flattened to its text: platforms disagree on nesting.
        std::string inner;
        for (const auto& span : parse_inline(s.substr(i + 2, end - i - 2))) inner += span.text;
        spans.push_back(Span{Span::Style::bold, std::move(inner), {}});
        i = end + 2;
        continue;
      }
    }
    if ((c == '*' || c == '_') && (i == 0 || !is_word_char(s[i - 1]) || c == '*')) {
      std::string_view marker = c == '*' ? "*" : "_";
      std::size_t end = find_closing(s, i + 1, marker);
      if (end != std::string_view::npos) {
        flush();
        std::string inner;
        for (const auto& span : parse_inline(s.substr(i + 1, end - i - 1))) inner += span.text;
        spans.push_back(Span{Span::Style::italic, std::move(inner), {}});
        i = end + 1;
        continue;
      }
    }
    if (c == '[') {
      std::size_t close = s.find(']', i + 1);
      if (close != std::string_view::npos && close + 1 < s.size() && s[close + 1] == '(') {
        std::size_t end = s.find(')', close + 2);
        std::string_view href = end == std::string_view::npos
                                    ? std::string_view{}
                                    : s.substr(close + 2, end - close - 2);
        if (href.starts_with("https://") || href.starts_with("http://") ||
            href.starts_with("mailto:")) {
          flush();
          spans.push_back(Span{Span::Style::link, std::string(s.substr(i + 1, close - i - 1)),
                               std::string(href)});
          i = end + 1;
          continue;
        }
      }
    }
    pending += c;
    ++i;
  }
  flush();
  return spans;
}

// "3. text" -> 3 and the text position; -1 when not a numbered item.
int numbered_prefix(std::string_view line, std::size_t& text_at) {
  std::size_t i = 0;
  int n = 0;
  while (i < line.size() && i < 4 && std::isdigit(static_cast<unsigned char>(line[i]))) {
    n = n * 10 + (line[i] - '0');
    ++i;
  }
  if (i == 0 || i + 1 >= line.size() || line[i] != '.' || line[i + 1] != ' ') return -1;
  text_at = i + 2;
  return n;
}

}  // namespace

Doc parse_markdown(std::string_view text) {
  Doc doc;
  std::string para;  // the paragraph being collected (lines joined by spaces)
  Block::Kind para_kind = Block::Kind::paragraph;
  int para_number = 0;
  auto flush = [&] {
    if (!para.empty()) {
      doc.push_back(Block{para_kind, parse_inline(para), para_number});
    }
    para.clear();
    para_kind = Block::Kind::paragraph;
    para_number = 0;
  };

  bool in_code = false;
  std::string code_text;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view raw = text.substr(pos, eol - pos);
    pos = eol + 1;
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    std::string_view line = trim(raw);

    if (line.starts_with("```")) {
      if (in_code) {
        doc.push_back(Block{Block::Kind::code, {Span{Span::Style::plain, code_text, {}}}, 0});
        code_text.clear();
        in_code = false;
      } else {
        flush();
        in_code = true;
      }
      continue;
    }
    if (in_code) {
      if (!code_text.empty()) code_text += '\n';
      code_text += raw;
      continue;
    }
    if (line.empty()) {
      flush();
      continue;
    }
    std::size_t text_at = 0;
    if (line.starts_with("#")) {
      std::size_t hashes = line.find_first_not_of('#');
      if (hashes <= 6 && line[hashes] == ' ') {  // npos (all '#') is > 6
        flush();
        doc.push_back(Block{Block::Kind::heading, parse_inline(trim(line.substr(hashes))), 0});
        continue;
      }
    }
    if (line.starts_with("- ") || line.starts_with("* ") || line.starts_with("• ")) {
      flush();
      para_kind = Block::Kind::bullet;
      para = std::string(trim(line.substr(line.find(' ') + 1)));
      continue;
    }
    if (int n = numbered_prefix(line, text_at); n >= 0) {
      flush();
      para_kind = Block::Kind::numbered;
      para_number = n;
      para = std::string(trim(line.substr(text_at)));
      continue;
    }
    if (line.starts_with(">")) {
      std::string_view quoted = trim(line.substr(1));
      if (para_kind != Block::Kind::quote) flush();
      para_kind = Block::Kind::quote;
      if (!para.empty()) para += ' ';
      para += quoted;
      continue;
    }
    if (para_kind == Block::Kind::quote) flush();
    if (!para.empty()) para += ' ';
    para += line;
  }
  if (in_code) {
    // An unterminated fence keeps its text rather than losing it.
    doc.push_back(Block{Block::Kind::code, {Span{Span::Style::plain, code_text, {}}}, 0});
  }
  flush();
  return doc;
}

Span plain(std::string text) { return Span{Span::Style::plain, std::move(text), {}}; }
Span bold(std::string text) { return Span{Span::Style::bold, std::move(text), {}}; }
Span italic(std::string text) { return Span{Span::Style::italic, std::move(text), {}}; }
Span code(std::string text) { return Span{Span::Style::code, std::move(text), {}}; }
Block paragraph(std::string text) {
  return Block{Block::Kind::paragraph, {plain(std::move(text))}, 0};
}
Block paragraph(std::vector<Span> spans) {
  return Block{Block::Kind::paragraph, std::move(spans), 0};
}

std::string plain_text(const Doc& doc) {
  std::string out;
  for (std::size_t i = 0; i < doc.size(); ++i) {
    const Block& b = doc[i];
    if (i > 0) {
      bool list_continues = (b.kind == Block::Kind::bullet || b.kind == Block::Kind::numbered) &&
                            doc[i - 1].kind == b.kind;
      out += list_continues ? "\n" : "\n\n";
    }
    if (b.kind == Block::Kind::bullet) out += "• ";
    if (b.kind == Block::Kind::numbered) out += std::to_string(b.number) + ". ";
    for (const Span& s : b.spans) out += s.text;
  }
  return out;
}

bool link_allowed(std::string_view href, std::initializer_list<std::string_view> extra_schemes) {
  const std::size_t colon = href.find(':');
  if (colon == std::string_view::npos) return false;
  std::string scheme(href.substr(0, colon));
  for (char& c : scheme) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  const std::string_view rest = href.substr(colon);
  if (scheme == "http" || scheme == "https") return rest.starts_with("://");
  if (scheme == "mailto") return true;
  for (std::string_view extra : extra_schemes) {
    if (scheme == extra) return rest.starts_with("://");
  }
  return false;
}

std::size_t visible_length(const Doc& doc) { return utf8_length(plain_text(doc)); }

}  // namespace mc::core
