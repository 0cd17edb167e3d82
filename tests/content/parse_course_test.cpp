// A valid course file becomes the right core::Course: steps in order, options, the correct
// index, explanations, ids, prerequisites, and the small conveniences the format allows.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <variant>

#include "bot/content/loader.hpp"
#include "bot/core/markup.hpp"

namespace mc::content {
namespace {

using core::Block;
using core::Span;

constexpr std::string_view kCourse = R"(---
# a comment in the front matter
id: sample
title: "A sample course"
summary: Everything the format can do.
minutes: 15
pass_mark: 80%
requires: basics,  other-course
---

<!-- A note for authors:
     never shown to learners. -->

## Lesson: First things
Text with **bold**, _italic_ and `code_name` & <angle>.

### A sub-heading
- one
- two

```
## not a heading
> not an explanation
- [x] not an option
```

## Question {#first-check}: Which is right?
Look at `a < b`.

- [ ] Wrong one
- [x] Right one
* [ ] Also wrong

> Because it is **right**.
>
> Second paragraph.

## Lesson: Second
More text.
<!-- a one-line note -->

## question: Unnumbered?
- [X] Yes
- [] No
> Explained.
)";

template <typename T>
const T& step_as(const core::Course& c, std::size_t i) {
  EXPECT_LT(i, c.steps.size());
  EXPECT_TRUE(std::holds_alternative<T>(c.steps.at(i))) << "step " << i;
  return std::get<T>(c.steps.at(i));
}

TEST(ParseCourse, ValidCourseBecomesCourse) {
  CourseFile parsed = parse_course(kCourse, "content/sample.md");
  for (const Problem& p : parsed.problems) ADD_FAILURE() << format(p);
  ASSERT_TRUE(parsed.course.has_value());
  const core::Course& c = *parsed.course;

  EXPECT_EQ(c.id, "sample");
  EXPECT_EQ(c.title, "A sample course");
  EXPECT_EQ(c.summary, "Everything the format can do.");
  EXPECT_EQ(c.minutes, 15);
  EXPECT_EQ(c.pass_mark, 80);
  EXPECT_EQ(c.requires_courses, (std::vector<std::string>{"basics", "other-course"}));
  EXPECT_EQ(c.source, "content/sample.md");
  ASSERT_EQ(c.steps.size(), 4U);
  EXPECT_EQ(c.lesson_count(), 2);
  EXPECT_EQ(c.question_count(), 2);

  const auto& first = step_as<core::Lesson>(c, 0);
  EXPECT_EQ(first.title, "First things");
  EXPECT_EQ(first.line, 14);
  ASSERT_EQ(first.body.size(), 5U);
  EXPECT_EQ(first.body[0], (Block{Block::Kind::paragraph,
                                  {core::plain("Text with "), core::bold("bold"), core::plain(", "),
                                   core::italic("italic"), core::plain(" and "),
                                   core::code("code_name"), core::plain(" & <angle>.")},
                                  0}));
  EXPECT_EQ(first.body[1].kind, Block::Kind::heading);
  EXPECT_EQ(first.body[2].kind, Block::Kind::bullet);
  EXPECT_EQ(first.body[3].kind, Block::Kind::bullet);
  EXPECT_EQ(first.body[4],
            (Block{Block::Kind::code,
                   {core::plain("## not a heading\n> not an explanation\n- [x] not an option")},
                   0}));

  const auto& q1 = step_as<core::Question>(c, 1);
  EXPECT_EQ(q1.id, "first-check");
  EXPECT_EQ(q1.line, 27);
  EXPECT_EQ(core::plain_text(q1.prompt), "Which is right?\n\nLook at a < b.");
  EXPECT_EQ(q1.options, (std::vector<std::string>{"Wrong one", "Right one", "Also wrong"}));
  EXPECT_EQ(q1.correct, 1);
  ASSERT_EQ(q1.explanation.size(), 2U);
  EXPECT_EQ(q1.explanation[0],
            (Block{Block::Kind::paragraph,
                   {core::plain("Because it is "), core::bold("right"), core::plain(".")},
                   0}));
  EXPECT_EQ(core::plain_text({q1.explanation[1]}), "Second paragraph.");

  const auto& second = step_as<core::Lesson>(c, 2);
  EXPECT_EQ(second.title, "Second");
  EXPECT_EQ(core::plain_text(second.body), "More text.");

  const auto& q2 = step_as<core::Question>(c, 3);
  EXPECT_EQ(q2.id, "q2");  // numbered by its position among the questions
  EXPECT_EQ(q2.options, (std::vector<std::string>{"Yes", "No"}));
  EXPECT_EQ(q2.correct, 0);
  EXPECT_EQ(core::plain_text(q2.explanation), "Explained.");
}

TEST(ParseCourse, WindowsLineEndingsAndByteOrderMarkReadTheSame) {
  std::string crlf = "\xEF\xBB\xBF";
  for (char ch : kCourse) {
    if (ch == '\n') crlf += '\r';
    crlf += ch;
  }
  CourseFile unix_file = parse_course(kCourse, "sample.md");
  CourseFile windows_file = parse_course(crlf, "sample.md");
  for (const Problem& p : windows_file.problems) ADD_FAILURE() << format(p);
  ASSERT_TRUE(unix_file.course && windows_file.course);
  EXPECT_EQ(windows_file.course->title, unix_file.course->title);
  ASSERT_EQ(windows_file.course->steps.size(), unix_file.course->steps.size());
  const auto& a = std::get<core::Question>(unix_file.course->steps[1]);
  const auto& b = std::get<core::Question>(windows_file.course->steps[1]);
  EXPECT_EQ(a.options, b.options);
  EXPECT_EQ(a.explanation, b.explanation);
  EXPECT_EQ(std::get<core::Lesson>(unix_file.course->steps[0]).body,
            std::get<core::Lesson>(windows_file.course->steps[0]).body);
}

TEST(ParseCourse, DefaultsWhenOptionalKeysAreMissing) {
  std::string words;
  for (int i = 0; i < 540; ++i) words += "word ";
  std::string text = "---\nid: d\ntitle: D\nsummary: S\n---\n## Lesson: L\n" + words +
                     "\n## Question: Q?\n- [x] A\n- [ ] B\n> E.\n";
  CourseFile parsed = parse_course(text, "d.md");
  for (const Problem& p : parsed.problems) ADD_FAILURE() << format(p);
  ASSERT_TRUE(parsed.course);
  EXPECT_EQ(parsed.course->pass_mark, 70);
  EXPECT_TRUE(parsed.course->requires_courses.empty());
  // 544 words at 180 per minute plus half a minute per question, rounded up.
  EXPECT_EQ(parsed.course->minutes, 4);
}

TEST(ParseCourse, PassMarkZeroAllowsACourseWithoutQuestions) {
  CourseFile parsed = parse_course(
      "---\nid: r\ntitle: R\nsummary: S\npass_mark: 0\n---\n## Lesson: L\nText.\n", "r.md");
  EXPECT_TRUE(parsed.problems.empty());
  ASSERT_TRUE(parsed.course);
  EXPECT_EQ(parsed.course->question_count(), 0);
  EXPECT_EQ(parsed.course->minutes, 1);
}

TEST(ParseCourse, LimitsAreInclusive) {
  std::string title(80, 't');
  std::string option;
  for (int i = 0; i < 60; ++i) option += "é";
  std::string body(3800, 'a');
  std::string text = "---\nid: edge\ntitle: " + title + "\nsummary: S\nminutes: 999\n" +
                     "pass_mark: 100\n---\n## Lesson: " + title + "\n" + body +
                     "\n## Question: Q?\n- [x] " + option + "\n";
  for (int i = 2; i <= 8; ++i) text += "- [ ] option " + std::to_string(i) + "\n";
  text += "> E.\n";
  CourseFile parsed = parse_course(text, "edge.md");
  for (const Problem& p : parsed.problems) ADD_FAILURE() << format(p);
  ASSERT_TRUE(parsed.course);
  const auto& q = std::get<core::Question>(parsed.course->steps[1]);
  EXPECT_EQ(q.options.size(), 8U);
  EXPECT_EQ(q.options[0], option);
  EXPECT_EQ(parsed.course->minutes, 999);
  EXPECT_EQ(parsed.course->pass_mark, 100);
}

TEST(ParseCourse, FileNameIsCheckedOnlyForMarkdownFiles) {
  std::string text =
      "---\nid: demo\ntitle: D\nsummary: S\n---\n## Question: Q?\n- [x] A\n"
      "- [ ] B\n> E.\n";
  EXPECT_TRUE(parse_course(text, "<stdin>").problems.empty());
  EXPECT_TRUE(parse_course(text, "/some/where/demo.md").problems.empty());
  EXPECT_EQ(parse_course(text, "/some/where/demo2.md").problems.size(), 1U);
}

TEST(ParseCourse, NoCourseWhenThereIsAnyProblem) {
  CourseFile parsed = parse_course("---\nid: x\ntitle: X\nsummary: S\n---\n## Lesson: L\n", "x.md");
  EXPECT_FALSE(parsed.course.has_value());
  EXPECT_FALSE(parsed.problems.empty());
}

TEST(ParseCourse, ExampleInTheAuthorGuideIsValid) {
  std::ifstream in(std::filesystem::path(MC_SOURCE_DIR) / "content" / "README.md");
  std::string guide((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::size_t start = guide.find("```markdown\n");
  ASSERT_NE(start, std::string::npos);
  start += std::string("```markdown\n").size();
  std::size_t end = guide.find("\n```\n", start);
  ASSERT_NE(end, std::string::npos);
  CourseFile parsed = parse_course(guide.substr(start, end - start + 1), "password-basics.md");
  for (const Problem& p : parsed.problems) ADD_FAILURE() << format(p);
  ASSERT_TRUE(parsed.course);
  EXPECT_EQ(parsed.course->lesson_count(), 1);
  EXPECT_EQ(parsed.course->question_count(), 1);
  EXPECT_EQ(std::get<core::Question>(parsed.course->steps[1]).id, "longest");
}

}  // namespace
}  // namespace mc::content
