#pragma once

// Internal to bot/content: a course file read as far as possible, with the line numbers that the
// cross-course checks of load_directory need to point at.

#include <string>
#include <string_view>
#include <vector>

#include "bot/content/loader.hpp"
#include "bot/core/course.hpp"

namespace mc::content::detail {

struct ParsedFile {
  core::Course course;  ///< whatever could be read, even when there are problems
  bool has_id = false;  ///< course.id was given and is a valid id
  int id_line = 0;
  int requires_line = 0;          ///< 0 when the file has no `requires:` line
  std::vector<Problem> problems;  ///< the file's own problems, in line order
};

ParsedFile parse_file(std::string_view text, std::string file);

/// "1 lesson" / "2 lessons".
std::string count_of(int n, std::string_view singular);

}  // namespace mc::content::detail
