#include "bot/core/action.hpp"

#include <charconv>
#include <vector>

#include "bot/core/course.hpp"

namespace mc::core {
namespace {

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t at = s.find(sep, start);
    parts.push_back(s.substr(start, at == std::string_view::npos ? at : at - start));
    if (at == std::string_view::npos) return parts;
    start = at + 1;
  }
}

std::optional<int> small_int(std::string_view s) {
  int v = 0;
  if (s.empty() || s.size() > 4) return std::nullopt;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

}  // namespace

// Format: "mc1|<k>|<course>|<step>|<option>" with k one letter; the "mc1" prefix versions the
// encoding and keeps foreign callback data (games, other bots' buttons) from being misread.
std::string encode(const Action& a) {
  switch (a.kind) {
    case Action::Kind::enrol:
      return "mc1|e|" + a.course;
    case Action::Kind::next:
      return "mc1|n|" + a.course + "|" + std::to_string(a.step);
    case Action::Kind::answer:
      return "mc1|a|" + a.course + "|" + std::to_string(a.step) + "|" + std::to_string(a.option);
    case Action::Kind::catalog:
      return "mc1|c";
    case Action::Kind::progress:
      return "mc1|p";
  }
  return "mc1|c";
}

std::optional<Action> decode_action(std::string_view data) {
  if (data.size() > kMaxActionBytes) return std::nullopt;
  auto parts = split(data, '|');
  if (parts.size() < 2 || parts[0] != "mc1" || parts[1].size() != 1) return std::nullopt;
  Action a;
  switch (parts[1][0]) {
    case 'c':
      if (parts.size() != 2) return std::nullopt;
      a.kind = Action::Kind::catalog;
      return a;
    case 'p':
      if (parts.size() != 2) return std::nullopt;
      a.kind = Action::Kind::progress;
      return a;
    case 'e':
      if (parts.size() != 3 || !valid_course_id(parts[2])) return std::nullopt;
      a.kind = Action::Kind::enrol;
      a.course = parts[2];
      return a;
    case 'n': {
      if (parts.size() != 4 || !valid_course_id(parts[2])) return std::nullopt;
      auto step = small_int(parts[3]);
      if (!step) return std::nullopt;
      a.kind = Action::Kind::next;
      a.course = parts[2];
      a.step = *step;
      return a;
    }
    case 'a': {
      if (parts.size() != 5 || !valid_course_id(parts[2])) return std::nullopt;
      auto step = small_int(parts[3]);
      auto option = small_int(parts[4]);
      if (!step || !option) return std::nullopt;
      a.kind = Action::Kind::answer;
      a.course = parts[2];
      a.step = *step;
      a.option = *option;
      return a;
    }
    default:
      return std::nullopt;
  }
}

}  // namespace mc::core
