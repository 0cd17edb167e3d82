// `microcourse check [dir]`: what an author runs before committing a course.

#include <ostream>

#include "bot/content/loader.hpp"
#include "bot/content/parsed_file.hpp"

namespace mc::content {

int check_command(const std::filesystem::path& dir, std::ostream& out, std::ostream& err) {
  LoadResult result = load_directory(dir);
  for (const Problem& p : result.problems) err << format(p) << '\n';
  for (const core::Course& c : result.catalog.courses()) {
    out << c.id << ": " << detail::count_of(c.lesson_count(), "lesson") << ", "
        << detail::count_of(c.question_count(), "question") << ", ~" << c.minutes << " min\n";
  }
  if (!result.ok()) {
    err << detail::count_of(static_cast<int>(result.problems.size()), "problem") << " in "
        << dir.string() << '\n';
    return 1;
  }
  out << "OK: " << detail::count_of(static_cast<int>(result.catalog.courses().size()), "course")
      << " in " << dir.string() << '\n';
  return 0;
}

}  // namespace mc::content
