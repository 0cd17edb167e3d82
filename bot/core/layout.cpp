#include "bot/core/layout.hpp"

#include <algorithm>

namespace mc::core {
namespace {

std::size_t units_of(std::size_t sequence_bytes, Measure measure) {
  // A 4-byte sequence is a code point above U+FFFF: a surrogate pair in UTF-16.
  return measure == Measure::utf16_units && sequence_bytes == 4 ? 2 : 1;
}

}  // namespace

std::size_t measure(std::string_view s, Measure measure) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t bytes = utf8_sequence_length(s, i);
    n += units_of(bytes, measure);
    i += bytes;
  }
  return n;
}

std::string_view prefix_within(std::string_view s, std::size_t limit, Measure measure) {
  std::size_t units = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t bytes = utf8_sequence_length(s, i);
    const std::size_t u = units_of(bytes, measure);
    if (units + u > limit) break;
    units += u;
    i += bytes;
  }
  return s.substr(0, i);
}

std::string escape_entities(std::string_view text) {
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

bool is_list(Block::Kind kind) {
  return kind == Block::Kind::bullet || kind == Block::Kind::numbered;
}

bool continues_list(const Block* previous, const Block& block) {
  return previous != nullptr && is_list(block.kind) && previous->kind == block.kind;
}

Runs flatten(const Block& block, const FlattenOptions& options) {
  Runs r;
  r.kind = block.kind;
  if (block.kind == Block::Kind::bullet) r.runs.push_back(plain("• "));
  if (block.kind == Block::Kind::numbered)
    r.runs.push_back(plain(std::to_string(block.number) + ". "));
  const std::size_t markers = r.runs.size();
  for (const Span& span : block.spans) {
    if (options.show_bare_links && span.style == Span::Style::link && is_blank(span.text) &&
        !span.href.empty()) {
      Span shown = span;
      shown.text = span.href;
      r.runs.push_back(std::move(shown));
      continue;
    }
    if (span.text.empty()) continue;
    // A code block shows its text verbatim.
    r.runs.push_back(block.kind == Block::Kind::code ? plain(span.text) : span);
  }
  for (std::size_t i = 0; i < r.runs.size(); ++i) {
    r.offsets.push_back(code_point_offsets(r.runs[i].text));
    r.length += r.length_of(i);
    const bool blank = is_blank(r.runs[i].text);
    r.blank = r.blank && blank;
    if (i >= markers) r.content_blank = r.content_blank && blank;
    if (i < markers) r.marker += r.length_of(i);
  }
  return r;
}

void for_each_slice(const Runs& runs, Range range,
                    const std::function<void(const Span& run, std::string_view text)>& fn) {
  std::size_t at = 0;  // code point offset of run i
  for (std::size_t i = 0; i < runs.runs.size() && at < range.to; ++i) {
    const std::size_t n = runs.length_of(i);
    const std::size_t lo = std::max(range.from, at);
    const std::size_t hi = std::min(range.to, at + n);
    if (lo < hi) {
      const auto& offsets = runs.offsets[i];
      fn(runs.runs[i], std::string_view(runs.runs[i].text)
                           .substr(offsets[lo - at], offsets[hi - at] - offsets[lo - at]));
    }
    at += n;
  }
}

std::string visible_text(const Runs& runs, Range range) {
  std::string out;
  for_each_slice(runs, range, [&](const Span&, std::string_view text) { out += text; });
  return out;
}

std::vector<Range> cut(const Runs& runs, std::size_t limit, const RangeCost& cost) {
  const std::string visible = visible_text(runs, whole(runs));
  const auto offsets = code_point_offsets(visible);
  auto char_at = [&](std::size_t cp) { return visible[offsets[cp]]; };
  const std::size_t n = runs.length;

  std::vector<Range> ranges;
  std::size_t a = 0;
  while (a < n) {
    if (cost({a, n}) <= limit) {
      ranges.push_back({a, n});
      break;
    }
    // The longest piece from a within the limit (the cost grows with the piece).
    std::size_t lo = a + 1;
    std::size_t hi = n;
    if (cost({a, lo}) > limit) hi = lo;
    while (lo < hi) {
      const std::size_t mid = lo + (hi - lo + 1) / 2;
      if (cost({a, mid}) <= limit) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    const std::size_t end = lo;
    std::size_t at = 0;  // a whitespace position in (a, end]: the piece ends before it
    for (const char wanted : {'\n', ' '}) {
      for (std::size_t p = end; p > std::max(a, runs.marker) && at == 0; --p) {
        if (p < n && char_at(p) == wanted) at = p;
      }
      if (at != 0) break;
    }
    if (at != 0) {
      ranges.push_back({a, at});
      a = at + 1;
    } else {
      ranges.push_back({a, end});
      a = end;
    }
    if (runs.kind != Block::Kind::code) {
      while (a < n && is_space(char_at(a))) ++a;
    }
  }
  std::erase_if(ranges, [&](Range r) {
    for (std::size_t p = r.from; p < r.to; ++p) {
      if (!is_space(char_at(p))) return false;
    }
    return true;
  });
  return ranges;
}

}  // namespace mc::core
