#pragma once

// Internal to bot/content: the reader of one course file, split by concern over
// parse_course.cpp (lines, problems and the course as a whole), front_matter.cpp, sections.cpp
// (the `##` sections of the body), lesson.cpp and question.cpp. Every rule an author can break
// is reported with its line; content/README.md is the author-facing description of the same
// rules, so keep the two in step.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/content/parsed_file.hpp"
#include "bot/core/course.hpp"
#include "bot/core/markup.hpp"

namespace mc::content::detail {

inline constexpr std::string_view kFence = "```";
/// What course lines are trimmed of: spaces and tabs only, so a stray carriage return or form
/// feed stays text that the checks see.
inline constexpr std::string_view kBlanks = " \t";

struct Line {
  int number = 0;
  std::string_view raw;   ///< without the line break
  std::string_view text;  ///< trimmed of kBlanks
};

/// `s` in backticks, as messages quote what the author wrote.
std::string ticked(std::string_view s);

/// Keeps messages readable when an author pasted a whole paragraph somewhere odd.
std::string excerpt(std::string_view s, std::size_t max_chars = 40);

std::size_t count_words(std::string_view s);

/// `## ...` but not `### ...`: a line that starts a section.
bool is_step_heading(std::string_view text);

/// `- [ ] label`, `- [x] label` (also `*` bullets, `[X]` and `[]`).
bool parse_option(std::string_view text, bool& correct, std::string_view& label);

struct Option {
  std::string text;
  bool correct = false;
  int line = 0;
};

/// A `##` section while it is being read.
struct Section {
  enum class Kind { lesson, question, unknown };
  enum class Phase { prompt, options, explanation };
  Kind kind = Kind::unknown;
  int line = 0;
  std::string heading;  ///< lesson title or question text
  std::string id;       ///< explicit question id, empty when none
  std::string body;     ///< lesson text, or the question text under its heading
  std::vector<Option> options;
  std::vector<Line> explanation;  ///< the text after `>`
  Phase phase = Phase::prompt;
  bool stray_reported = false;
};

class CourseParser {
 public:
  CourseParser(std::string_view text, std::string file) : text_(text) {
    out_.course.source = std::move(file);
  }

  ParsedFile run();

 private:
  // parse_course.cpp: lines, problems, the course as a whole
  void problem(int line, std::string message);
  void check_utf8();
  void check_message_length(int line, const core::Doc& doc, std::string_view what);
  void finish_course();

  // front_matter.cpp
  /// Returns the index of the first body line.
  std::size_t read_front_matter();
  void read_key(const Line& line, std::map<std::string, int>& seen);
  void check_required(const std::map<std::string, int>& seen);
  void read_id(int line, std::string_view value);
  static std::optional<int> whole_number(std::string_view value);
  void read_minutes(int line, std::string_view value);
  void read_pass_mark(int line, std::string_view value);
  void read_requires(int line, std::string_view value);

  // sections.cpp
  void read_body(std::size_t i);
  void start_section(const Line& line);
  /// A line that belongs to the current section's markdown (lesson body or question text).
  void add_text(const Line& line);
  void report_stray(Section& s, const Line& line);
  void add_line(const Line& line);
  void finish_section();

  // lesson.cpp
  void finish_lesson(Section& s);

  // question.cpp
  void finish_question(Section& s);
  void read_options(const Section& s, core::Question& q);

  std::string_view text_;
  std::vector<Line> lines_;
  ParsedFile out_;
  unsigned char first_byte_ = 0;
  std::size_t first_column_ = 0;
  bool front_matter_missing_ = false;
  int front_line_ = 1;
  int pass_mark_line_ = 0;
  bool minutes_given_ = false;
  std::optional<Section> section_;
  int question_number_ = 0;
  std::map<std::string, int> question_ids_;
  std::size_t words_ = 0;
};

}  // namespace mc::content::detail
