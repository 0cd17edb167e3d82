// A finished `## Lesson:` section -> core::Lesson.

#include "bot/content/course_parser.hpp"
#include "bot/core/text.hpp"

namespace mc::content::detail {

void CourseParser::finish_lesson(Section& s) {
  core::Lesson lesson;
  lesson.line = s.line;
  lesson.title = s.heading;
  if (s.heading.empty()) {
    problem(s.line, "the lesson has no title: write `## Lesson: <title>`");
  }
  std::size_t title_chars = core::utf8_length(s.heading);
  if (title_chars > kMaxTitleChars) {
    problem(s.line, "the lesson title is " + std::to_string(title_chars) +
                        " characters long; keep it to " + std::to_string(kMaxTitleChars));
  }
  lesson.body = core::parse_markdown(s.body);
  if (lesson.body.empty()) {
    problem(s.line, "the lesson " + ticked(excerpt(s.heading)) +
                        " is empty: write its text below the heading");
  }
  check_message_length(s.line, lesson.body, "the lesson " + ticked(excerpt(s.heading)));
  words_ += count_words(core::plain_text(lesson.body));
  out_.course.steps.emplace_back(std::move(lesson));
}

}  // namespace mc::content::detail
