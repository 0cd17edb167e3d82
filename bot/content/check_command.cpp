// `microcourse check [dir]`: what an author runs before committing a course.

#include <ostream>
#include <string>
#include <variant>

#include "bot/content/loader.hpp"
#include "bot/content/parsed_file.hpp"
#include "bot/core/text.hpp"

namespace mc::content {

std::vector<Problem> advice(const core::Course& course) {
  int questions = 0;
  int longest_right = 0;
  for (const core::Step& step : course.steps) {
    const auto* q = std::get_if<core::Question>(&step);
    if (q == nullptr) continue;
    ++questions;
    const std::size_t right = core::utf8_length(q->options[static_cast<std::size_t>(q->correct)]);
    bool longest = true;
    for (std::size_t i = 0; i < q->options.size(); ++i) {
      if (static_cast<int>(i) != q->correct && core::utf8_length(q->options[i]) >= right) {
        longest = false;
      }
    }
    if (longest) ++longest_right;
  }
  std::vector<Problem> out;
  if (longest_right >= 3 && longest_right * 2 > questions) {
    out.push_back(Problem{course.source, 0,
                          "warning: the right answer is the longest option in " +
                              std::to_string(longest_right) + " of " + std::to_string(questions) +
                              " questions; a learner can pass by picking the longest (make "
                              "some wrong options as long and as specific as the right one)"});
  }
  return out;
}

int check_command(const std::filesystem::path& dir, std::ostream& out, std::ostream& err) {
  LoadResult result = load_directory(dir);
  for (const Problem& p : result.problems) err << format(p) << '\n';
  for (const core::Course& c : result.catalog.courses()) {
    for (const Problem& p : advice(c)) err << format(p) << '\n';
  }
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
