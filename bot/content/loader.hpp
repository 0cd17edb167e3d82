#pragma once

// Course files: one Markdown file per course (content/<course-id>.md), read into core types and
// checked with messages an author can act on. The format is documented for authors in
// content/README.md; this header is its contract for code.

#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/core/course.hpp"

namespace mc::content {

/// One authoring error. `line` is 1-based; 0 means the whole file or directory.
struct Problem {
  std::string file;
  int line = 0;
  std::string message;

  friend bool operator==(const Problem&, const Problem&) = default;
};

/// "file:line: message", or "file: message" when line is 0.
std::string format(const Problem& problem);

struct CourseFile {
  /// Set only when the file has no problems of its own.
  std::optional<core::Course> course;
  /// In line order.
  std::vector<Problem> problems;
};

/// Parses one course file. `file` names it in problems and becomes Course::source; when it ends
/// in ".md" the course id must equal its stem. Cross-course rules (unknown prerequisites, cycles,
/// duplicate ids) need the whole directory: see load_directory.
CourseFile parse_course(std::string_view text, std::string file);

struct LoadResult {
  /// The courses that have no problems and whose prerequisites are all in it, prerequisites
  /// first. Complete only when ok().
  core::Catalog catalog;
  /// Sorted by file, then line.
  std::vector<Problem> problems;

  bool ok() const { return problems.empty(); }
};

/// Loads every course file in `dir` (not its subdirectories): each *.md file except README.md
/// and names starting with '_' or '.'. Catalogue order: a course comes after the courses it
/// requires, otherwise file-name order. A missing directory or one with no course file is a
/// problem too, so ok() means "there is something valid to serve".
LoadResult load_directory(const std::filesystem::path& dir);

/// What an author should look at although the course is valid: today, a right answer that is
/// systematically the longest option (in at least 3 questions and more than half of them), which
/// lets a learner pass by picking the longest. "file: warning: ..." lines for check.
std::vector<Problem> advice(const core::Course& course);

/// `microcourse check [dir]`: prints every problem ("file:line: message") and a count to `err`,
/// a one-line summary per course to `out` ("phishing-basics: 6 lessons, 5 questions, ~20 min"),
/// and each valid course's advice() to `err` as warnings. Returns 0 when the directory is valid
/// (warnings or not), 1 otherwise.
int check_command(const std::filesystem::path& dir, std::ostream& out, std::ostream& err);

/// Limits of the format (content/README.md explains each to authors).
inline constexpr int kMinOptions = 2;
inline constexpr int kMaxOptions = 8;
inline constexpr std::size_t kMaxOptionChars = 60;     ///< they are shown on buttons
inline constexpr std::size_t kMaxTitleChars = 80;      ///< course and lesson titles
inline constexpr std::size_t kMaxMessageChars = 3800;  ///< Telegram's 4096 minus a header
inline constexpr int kMaxMinutes = 999;

}  // namespace mc::content
