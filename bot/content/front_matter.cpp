// The front matter: the `---` block of `key: value` lines that names and describes a course.

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <set>

#include "bot/content/course_parser.hpp"
#include "bot/core/text.hpp"

namespace mc::content::detail {
namespace {

constexpr std::string_view kKnownKeys = "id, title, summary, minutes, pass_mark, requires";

}  // namespace

std::size_t CourseParser::read_front_matter() {
  std::size_t i = 0;
  while (i < lines_.size() && lines_[i].text.empty()) ++i;
  if (i == lines_.size() || lines_[i].text != "---") {
    int line = i == lines_.size() ? 1 : lines_[i].number;
    problem(line,
            "missing front matter: a course file starts with a `---` line, then `id:`, "
            "`title:` and `summary:` lines, then another `---` line");
    front_matter_missing_ = true;
    return i;
  }
  front_line_ = lines_[i].number;
  ++i;
  std::map<std::string, int> seen;
  for (; i < lines_.size(); ++i) {
    const Line& line = lines_[i];
    if (line.text == "---") {
      ++i;
      check_required(seen);
      return i;
    }
    if (is_step_heading(line.text)) break;  // the author forgot the closing `---`
    if (line.text.empty() || line.text.starts_with('#')) continue;
    read_key(line, seen);
  }
  problem(front_line_,
          "the front matter that starts here is never closed: add a `---` line after its "
          "`key: value` lines");
  check_required(seen);
  return i;
}

void CourseParser::read_key(const Line& line, std::map<std::string, int>& seen) {
  std::size_t colon = line.text.find(':');
  if (colon == std::string_view::npos) {
    problem(line.number,
            "expected `key: value` in the front matter, found " + ticked(excerpt(line.text)));
    return;
  }
  std::string key(core::trim(line.text.substr(0, colon), kBlanks));
  std::string_view value = core::trim(line.text.substr(colon + 1), kBlanks);
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
      value.back() == value.front()) {
    value = core::trim(value.substr(1, value.size() - 2), kBlanks);
  }
  static const std::set<std::string, std::less<>> kKeys = {"id",      "title",     "summary",
                                                           "minutes", "pass_mark", "requires"};
  if (!kKeys.contains(key)) {
    problem(line.number, "unknown front-matter key " + ticked(excerpt(key)) +
                             " (known keys: " + std::string(kKnownKeys) + ")");
    return;
  }
  if (auto [it, inserted] = seen.emplace(key, line.number); !inserted) {
    problem(line.number,
            ticked(key) + " is given twice (first on line " + std::to_string(it->second) + ")");
    return;
  }
  core::Course& c = out_.course;
  if (key == "id") {
    out_.id_line = line.number;
    read_id(line.number, value);
  } else if (key == "title") {
    c.title = std::string(value);
    if (value.empty()) problem(line.number, "`title` is empty");
    std::size_t chars = core::utf8_length(value);
    if (chars > kMaxTitleChars) {
      problem(line.number, "the title is " + std::to_string(chars) +
                               " characters long; keep it to " + std::to_string(kMaxTitleChars));
    }
  } else if (key == "summary") {
    c.summary = std::string(value);
    if (value.empty()) problem(line.number, "`summary` is empty");
  } else if (key == "minutes") {
    read_minutes(line.number, value);
  } else if (key == "pass_mark") {
    read_pass_mark(line.number, value);
  } else {
    out_.requires_line = line.number;
    read_requires(line.number, value);
  }
}

void CourseParser::check_required(const std::map<std::string, int>& seen) {
  for (std::string_view key : {"id", "title", "summary"}) {
    if (!seen.contains(std::string(key))) {
      problem(front_line_, "the front matter has no " + ticked(std::string(key) + ":") + " line");
    }
  }
}

void CourseParser::read_id(int line, std::string_view value) {
  out_.course.id = std::string(value);
  if (value.empty()) {
    problem(line, "`id` is empty");
    return;
  }
  if (!core::valid_course_id(value)) {
    problem(line, "course id " + ticked(excerpt(value)) +
                      " is not valid: use lowercase letters a-z, digits and '-' (not first), "
                      "at most 40 characters");
    return;
  }
  out_.has_id = true;
  std::filesystem::path path(out_.course.source);
  if (path.extension() == ".md" && path.stem().string() != value) {
    problem(line, "course id " + ticked(value) + " does not match the file name " +
                      ticked(path.filename().string()) + ": name the file " +
                      ticked(std::string(value) + ".md") + " or change the id");
  }
}

std::optional<int> CourseParser::whole_number(std::string_view value) {
  int n = 0;
  if (value.empty() || value.size() > 6) return std::nullopt;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc{} || end != value.data() + value.size()) return std::nullopt;
  return n;
}

void CourseParser::read_minutes(int line, std::string_view value) {
  std::optional<int> n = value.starts_with('-') ? std::nullopt : whole_number(value);
  if (!n || *n < 1 || *n > kMaxMinutes) {
    problem(line, "`minutes` must be a whole number from 1 to " + std::to_string(kMaxMinutes) +
                      ", like `minutes: 15`; found " + ticked(excerpt(value)));
    return;
  }
  out_.course.minutes = *n;
  minutes_given_ = true;
}

void CourseParser::read_pass_mark(int line, std::string_view value) {
  pass_mark_line_ = line;
  std::string_view digits = value;
  if (digits.ends_with('%')) digits = core::trim(digits.substr(0, digits.size() - 1), kBlanks);
  std::optional<int> n = digits.starts_with('-') ? std::nullopt : whole_number(digits);
  if (!n || *n > 100) {
    problem(line,
            "`pass_mark` must be a whole number from 0 to 100 (percent), like "
            "`pass_mark: 70`; found " +
                ticked(excerpt(value)));
    return;
  }
  out_.course.pass_mark = *n;
}

void CourseParser::read_requires(int line, std::string_view value) {
  if (value.empty()) return;
  std::size_t pos = 0;
  while (pos <= value.size()) {
    std::size_t comma = value.find(',', pos);
    if (comma == std::string_view::npos) comma = value.size();
    std::string_view item = core::trim(value.substr(pos, comma - pos), kBlanks);
    pos = comma + 1;
    auto& list = out_.course.requires_courses;
    if (item.empty()) {
      problem(line, "`requires` has an empty item: separate course ids with single commas");
    } else if (!core::valid_course_id(item)) {
      problem(line, "`requires` lists " + ticked(excerpt(item)) +
                        ", which is not a valid course id (lowercase letters, digits, '-')");
    } else if (std::find(list.begin(), list.end(), item) != list.end()) {
      problem(line, "`requires` lists " + ticked(item) + " twice");
    } else {
      list.emplace_back(item);
    }
  }
}

}  // namespace mc::content::detail
