// Reads one course file: front matter, then `## Lesson:` / `## Question:` sections (see
// course_parser.hpp for which file reads what). This file holds the entry points, the line
// reader, the problem list and the checks on the course as a whole.

#include <algorithm>
#include <cmath>

#include "bot/content/course_parser.hpp"
#include "bot/content/loader.hpp"
#include "bot/core/text.hpp"

namespace mc::content {
namespace detail {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr double kWordsPerMinute = 180.0;
constexpr double kMinutesPerQuestion = 0.5;

std::string hex_byte(unsigned char c) {
  constexpr std::string_view kDigits = "0123456789ABCDEF";
  return std::string("0x") + kDigits[c >> 4U] + kDigits[c & 0xFU];
}

std::vector<Line> split_lines(std::string_view text) {
  std::vector<Line> lines;
  std::size_t pos = 0;
  int number = 1;
  while (true) {
    std::size_t eol = text.find('\n', pos);
    bool last = eol == std::string_view::npos;
    std::string_view raw = text.substr(pos, last ? std::string_view::npos : eol - pos);
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    lines.push_back(Line{number++, raw, core::trim(raw, kBlanks)});
    if (last) break;
    pos = eol + 1;
  }
  if (!lines.empty() && lines.front().raw.starts_with(kBom)) {
    lines.front().raw.remove_prefix(kBom.size());
    lines.front().text = core::trim(lines.front().raw, kBlanks);
  }
  return lines;
}

}  // namespace

std::string ticked(std::string_view s) { return "`" + std::string(s) + "`"; }

std::string excerpt(std::string_view s, std::size_t max_chars) {
  if (core::utf8_length(s) <= max_chars) return std::string(s);
  return std::string(core::utf8_prefix(s, max_chars)) + "…";
}

std::size_t count_words(std::string_view s) {
  std::size_t words = 0;
  bool in_word = false;
  for (char c : s) {
    bool space = c == ' ' || c == '\n' || c == '\t';
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return words;
}

ParsedFile CourseParser::run() {
  check_utf8();
  std::size_t body_start = read_front_matter();
  read_body(body_start);
  finish_course();
  std::stable_sort(out_.problems.begin(), out_.problems.end(),
                   [](const Problem& a, const Problem& b) { return a.line < b.line; });
  return std::move(out_);
}

void CourseParser::problem(int line, std::string message) {
  out_.problems.push_back(Problem{out_.course.source, line, std::move(message)});
}

void CourseParser::check_utf8() {
  lines_ = split_lines(text_);
  int first_line = 0;
  int more = 0;
  for (const Line& line : lines_) {
    std::size_t at = core::invalid_utf8_at(line.raw);
    if (at == std::string_view::npos) continue;
    if (first_line == 0) {
      first_line = line.number;
      first_byte_ = static_cast<unsigned char>(line.raw[at]);
      first_column_ = core::utf8_length(line.raw.substr(0, at)) + 1;
    } else {
      ++more;
    }
  }
  if (first_line == 0) return;
  std::string message = "invalid UTF-8 (byte " + hex_byte(first_byte_) + " in column " +
                        std::to_string(first_column_) + ")";
  if (more > 0) message += " and on " + count_of(more, "more line");
  message += ": save the file with UTF-8 encoding";
  problem(first_line, std::move(message));
}

void CourseParser::check_message_length(int line, const core::Doc& doc, std::string_view what) {
  std::size_t chars = core::visible_length(doc);
  if (chars > kMaxMessageChars) {
    problem(line, std::string(what) + " is " + std::to_string(chars) +
                      " characters long, but one message holds at most " +
                      std::to_string(kMaxMessageChars) + ": split it");
  }
}

void CourseParser::finish_course() {
  core::Course& c = out_.course;
  const auto& needs = c.requires_courses;
  if (out_.has_id && std::find(needs.begin(), needs.end(), c.id) != needs.end()) {
    problem(out_.requires_line,
            "the course requires itself: remove " + ticked(c.id) + " from `requires`");
  }
  int questions = c.question_count();
  if (c.steps.empty()) {
    if (!front_matter_missing_) {
      problem(front_line_,
              "the course has no lessons or questions: add a `## Lesson: <title>` "
              "section below the front matter");
    }
  } else if (questions == 0 && c.pass_mark > 0) {
    problem(pass_mark_line_ > 0 ? pass_mark_line_ : front_line_,
            "the course has no questions, so nobody could reach its pass mark of " +
                std::to_string(c.pass_mark) + "%: add questions or set `pass_mark: 0`");
  }
  if (!minutes_given_) {
    double estimate =
        static_cast<double>(words_) / kWordsPerMinute + questions * kMinutesPerQuestion;
    c.minutes = std::max(1, static_cast<int>(std::ceil(estimate)));
  }
}

ParsedFile parse_file(std::string_view text, std::string file) {
  return CourseParser(text, std::move(file)).run();
}

std::string count_of(int n, std::string_view singular) {
  return std::to_string(n) + " " + std::string(singular) + (n == 1 ? "" : "s");
}

}  // namespace detail

std::string format(const Problem& problem) {
  if (problem.line <= 0) return problem.file + ": " + problem.message;
  return problem.file + ":" + std::to_string(problem.line) + ": " + problem.message;
}

CourseFile parse_course(std::string_view text, std::string file) {
  detail::ParsedFile parsed = detail::parse_file(text, std::move(file));
  CourseFile result;
  if (parsed.problems.empty()) result.course = std::move(parsed.course);
  result.problems = std::move(parsed.problems);
  return result;
}

}  // namespace mc::content
