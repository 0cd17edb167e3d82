// Every authoring rule: each bad input must produce its message at its line, and nothing more
// (so one mistake never buries the author in follow-up noise).

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "bot/content/loader.hpp"

namespace mc::content {
namespace {

// Lines 1-5.
constexpr std::string_view kHead = "---\nid: demo\ntitle: Demo\nsummary: A demo.\n---\n";
// Head without its closing line: a case adds a line 5 and the closing `---`.
constexpr std::string_view kOpenHead = "---\nid: demo\ntitle: Demo\nsummary: A demo.\n";
// Two lines.
constexpr std::string_view kLesson = "## Lesson: Intro\nSome text.\n";
// Four lines.
constexpr std::string_view kQuestion = "## Question: Pick one?\n- [ ] No\n- [x] Yes\n> Because.\n";

std::string course(std::string_view body) { return std::string(kHead) + std::string(body); }

/// A course whose front matter has `extra` as line 5.
std::string with_key(std::string_view extra) {
  return std::string(kOpenHead) + std::string(extra) + "\n---\n" + std::string(kLesson) +
         std::string(kQuestion);
}

std::string repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

struct Case {
  std::string name;
  std::string text;
  int line;
  std::string message;  ///< expected to be contained in the first problem at `line`
  std::size_t count = 1;
  std::string file = "demo.md";
};

std::vector<Case> cases() {
  const std::string lesson_question = std::string(kLesson) + std::string(kQuestion);
  return {
      // ---- front matter
      {"missing front matter", lesson_question, 1, "missing front matter"},
      {"empty file", "", 1, "missing front matter"},
      {"front matter after text", "Intro\n---\nid: demo\n---\n" + lesson_question, 1,
       "missing front matter"},
      {"unclosed front matter",
       "---\nid: demo\ntitle: Demo\nsummary: A demo.\n\n" + lesson_question, 1,
       "front matter that starts here is never closed"},
      {"unknown key", with_key("author: Ann"), 5, "unknown front-matter key `author`"},
      {"key without colon", with_key("draft"), 5, "expected `key: value` in the front matter"},
      {"duplicate key", with_key("title: Again"), 5, "`title` is given twice (first on line 3)"},
      {"missing id", "---\ntitle: Demo\nsummary: A demo.\n---\n" + lesson_question, 1,
       "the front matter has no `id:` line"},
      {"missing title", "---\nid: demo\nsummary: A demo.\n---\n" + lesson_question, 1,
       "the front matter has no `title:` line"},
      {"missing summary", "---\nid: demo\ntitle: Demo\n---\n" + lesson_question, 1,
       "the front matter has no `summary:` line"},
      {"empty title", "---\nid: demo\ntitle:\nsummary: A demo.\n---\n" + lesson_question, 3,
       "`title` is empty"},
      {"empty summary", "---\nid: demo\ntitle: Demo\nsummary:  \n---\n" + lesson_question, 4,
       "`summary` is empty"},
      {"empty id", "---\nid:\ntitle: Demo\nsummary: A demo.\n---\n" + lesson_question, 2,
       "`id` is empty"},
      {"title too long",
       "---\nid: demo\ntitle: " + std::string(81, 't') + "\nsummary: A demo.\n---\n" +
           lesson_question,
       3, "the title is 81 characters long; keep it to 80"},
      {"invalid id: capitals and underscore",
       "---\nid: Demo_Course\ntitle: Demo\nsummary: A demo.\n---\n" + lesson_question, 2,
       "course id `Demo_Course` is not valid"},
      {"invalid id: leading dash",
       "---\nid: -demo\ntitle: Demo\nsummary: A demo.\n---\n" + lesson_question, 2,
       "course id `-demo` is not valid"},
      {"invalid id: 41 characters",
       "---\nid: " + std::string(41, 'd') + "\ntitle: Demo\nsummary: A demo.\n---\n" +
           lesson_question,
       2, "is not valid"},
      {"id does not match file name", course(lesson_question), 2,
       "course id `demo` does not match the file name `other.md`", 1, "content/other.md"},
      {"minutes zero", with_key("minutes: 0"), 5, "`minutes` must be a whole number from 1 to 999"},
      {"minutes negative", with_key("minutes: -5"), 5, "`minutes` must be a whole number"},
      {"minutes a word", with_key("minutes: ten"), 5, "found `ten`"},
      {"minutes a fraction", with_key("minutes: 1.5"), 5, "`minutes` must be a whole number"},
      {"minutes too many", with_key("minutes: 1000"), 5, "`minutes` must be a whole number"},
      {"minutes empty", with_key("minutes:"), 5, "`minutes` must be a whole number"},
      {"pass_mark over 100", with_key("pass_mark: 101"), 5,
       "`pass_mark` must be a whole number from 0 to 100"},
      {"pass_mark negative", with_key("pass_mark: -1"), 5, "`pass_mark` must be a whole number"},
      {"pass_mark a word", with_key("pass_mark: seventy"), 5, "`pass_mark` must be a whole number"},
      {"pass_mark a fraction", with_key("pass_mark: 70.5"), 5,
       "`pass_mark` must be a whole number"},
      {"requires: empty item", with_key("requires: alpha,, beta"), 5,
       "`requires` has an empty item"},
      {"requires: trailing comma", with_key("requires: alpha,"), 5, "`requires` has an empty item"},
      {"requires: invalid id", with_key("requires: Alpha_Course"), 5,
       "`requires` lists `Alpha_Course`, which is not a valid course id"},
      {"requires: listed twice", with_key("requires: alpha, alpha"), 5,
       "`requires` lists `alpha` twice"},
      {"requires itself", with_key("requires: alpha, demo"), 5,
       "the course requires itself: remove `demo`"},

      // ---- layout of the body
      {"text before the first heading", course("Welcome!\n\n" + lesson_question), 6,
       "text before the first `## Lesson:` or `## Question:` heading"},
      {"course title as a # heading", course("# Demo\n" + lesson_question), 6,
       "text before the first"},
      {"unknown heading",
       course(std::string(kLesson) + "## Quiz: More\nstuff\n" + std::string(kQuestion)), 8,
       "unknown heading `## Quiz: More`"},
      {"heading without a kind", course(std::string(kLesson) + "## \n" + std::string(kQuestion)), 8,
       "unknown heading"},
      {"lesson heading without colon",
       course("## Lesson Intro\nSome text.\n" + std::string(kQuestion)), 6,
       "put a colon after `## Lesson`"},
      {"question heading without colon",
       course(std::string(kLesson) + "## Question Pick one?\n- [ ] No\n- [x] Yes\n> Because.\n"), 8,
       "put a colon after `## Question`"},
      {"no lessons or questions", course("\n\n"), 1, "the course has no lessons or questions"},
      {"no questions but a pass mark", course(kLesson), 1,
       "the course has no questions, so nobody could reach its pass mark of 70%"},
      {"no questions but an explicit pass mark",
       std::string(kOpenHead) + "pass_mark: 50\n---\n" + std::string(kLesson), 5,
       "pass mark of 50%: add questions or set `pass_mark: 0`"},
      {"unterminated code block", course(lesson_question + "## Lesson: Code\n```\ncode\n"), 13,
       "the code block that starts here is never closed"},
      {"unterminated code block swallows headings",
       course(std::string(kQuestion) + "## Lesson: Code\n```\n## Question: inside?\n"), 11,
       "the code block that starts here is never closed"},
      {"unclosed note", course(lesson_question + "<!-- to do\nlater\n"), 12,
       "the note that starts here with `<!--` is never closed"},

      // ---- lessons
      {"empty lesson", course("## Lesson: Empty\n\n" + lesson_question), 6,
       "the lesson `Empty` is empty"},
      {"lesson with only a note", course("## Lesson: Empty\n<!-- later -->\n" + lesson_question), 6,
       "the lesson `Empty` is empty"},
      {"lesson without title", course("## Lesson:\nSome text.\n" + std::string(kQuestion)), 6,
       "the lesson has no title"},
      {"lesson title too long",
       course("## Lesson: " + std::string(81, 'x') + "\nSome text.\n" + std::string(kQuestion)), 6,
       "the lesson title is 81 characters long; keep it to 80"},
      {"lesson too long for one message",
       course("## Lesson: Long\n" + repeat("word ", 760) + "a\n" + std::string(kQuestion)), 6,
       "the lesson `Long` is 3801 characters long, but one message holds at most 3800"},
      {"lesson with an id", course("## Lesson {#intro}: Intro\nText.\n" + std::string(kQuestion)),
       6, "only questions take an id; remove `{#intro}`"},
      {"explanation line in a lesson",
       course(std::string(kLesson) + "> A quote\n" + std::string(kQuestion)), 8,
       "`>` lines are the explanation of a question"},
      {"answer option in a lesson",
       course(std::string(kLesson) + "- [x] Yes\n" + std::string(kQuestion)), 8,
       "answer options (`- [ ]`, `- [x]`) belong to a question"},

      // ---- questions
      {"question without text",
       course(std::string(kLesson) + "## Question:\n- [ ] No\n- [x] Yes\n> Because.\n"), 8,
       "the question has no text"},
      {"no correct option",
       course(std::string(kLesson) + "## Question: Pick?\n- [ ] No\n- [ ] Yes\n> Because.\n"), 8,
       "no answer option is marked correct"},
      {"two correct options",
       course(std::string(kLesson) + "## Question: Pick?\n- [x] No\n- [X] Yes\n> Because.\n"), 10,
       "a second option is marked correct"},
      {"one option", course(std::string(kLesson) + "## Question: Pick?\n- [x] Yes\n> Because.\n"),
       8, "the question has 1 answer option; give 2 to 8"},
      {"nine options",
       course(std::string(kLesson) + "## Question: Pick?\n- [x] Yes\n" + repeat("- [ ] No\n", 1) +
              "- [ ] 3\n- [ ] 4\n- [ ] 5\n- [ ] 6\n- [ ] 7\n- [ ] 8\n- [ ] 9\n> Because.\n"),
       8, "the question has 9 answer options; give 2 to 8"},
      {"no options", course(std::string(kLesson) + "## Question: Pick?\n> Because.\n"), 8,
       "the question has 0 answer options", 2},
      {"option too long",
       course(std::string(kLesson) + "## Question: Pick?\n- [ ] " + repeat("é", 61) +
              "\n- [x] Yes\n> Because.\n"),
       9, "this answer option is 61 characters long; buttons hold at most 60"},
      {"empty option",
       course(std::string(kLesson) + "## Question: Pick?\n- [ ]\n- [x] Yes\n> Because.\n"), 9,
       "this answer option has no text"},
      {"same option twice",
       course(std::string(kLesson) + "## Question: Pick?\n- [ ] Yes\n- [x] Yes\n> Because.\n"), 10,
       "the option `Yes` is already given on line 9"},
      {"no explanation", course(std::string(kLesson) + "## Question: Pick?\n- [ ] No\n- [x] Yes\n"),
       8, "the question has no explanation"},
      {"explanation before the options",
       course(std::string(kLesson) + "## Question: Pick?\n> Because.\n- [ ] No\n- [x] Yes\n"), 9,
       "the explanation (`>` lines) goes after the answer options"},
      {"option after the explanation", course(lesson_question + "- [ ] Late\n"), 12,
       "answer options go before the explanation"},
      {"text between the options",
       course(std::string(kLesson) +
              "## Question: Pick?\n- [ ] No\nMore text\n- [x] Yes\n> Because.\n"),
       10, "after the answer options only more options"},
      {"text after the explanation", course(lesson_question + "Extra words.\n"), 12,
       "text after the explanation"},
      {"code block after the options",
       course(std::string(kLesson) + "## Question: Pick?\n- [ ] No\n- [x] Yes\n```\nx\n```\n"
                                     "> Because.\n"),
       11, "after the answer options only more options"},
      {"unterminated code block in the explanation",
       course(std::string(kLesson) + "## Question: Pick?\n- [ ] No\n- [x] Yes\n> See:\n> ```\n"
                                     "> code\n"),
       12, "the code block that starts here is never closed"},
      {"duplicate question ids",
       course(std::string(kLesson) + "## Question {#pick}: A?\n- [ ] No\n- [x] Yes\n> Because.\n" +
              "## Question {#pick}: B?\n- [ ] No\n- [x] Yes\n> Because.\n"),
       12, "question id `pick` is already used by the question on line 8"},
      {"explicit id equal to a numbered one",
       course(std::string(kLesson) + "## Question {#q2}: A?\n- [ ] No\n- [x] Yes\n> Because.\n" +
              "## Question: B?\n- [ ] No\n- [x] Yes\n> Because.\n"),
       12, "question id `q2` is already used by the question on line 8 (questions without"},
      {"invalid question id",
       course(std::string(kLesson) +
              "## Question {#Sender_Check}: Pick?\n- [ ] No\n- [x] Yes\n> Because.\n"),
       8, "question id `Sender_Check` is not valid"},
      {"question id without #",
       course(std::string(kLesson) +
              "## Question {sender}: Pick?\n- [ ] No\n- [x] Yes\n> Because.\n"),
       8, "a question id is written `{#some-id}`"},
      {"question id not closed",
       course(std::string(kLesson) + "## Question {#sender: Pick?\n- [ ] No\n- [x] Yes\n"
                                     "> Because.\n"),
       8, "a question id is written `{#some-id}`"},
      {"question too long for one message",
       course(std::string(kLesson) + "## Question: Pick?\n" + repeat("word ", 760) +
              "\n- [ ] No\n- [x] Yes\n> Because.\n"),
       8, "the question is 3806 characters long, but one message holds at most 3800"},
      {"explanation too long for one message",
       course(std::string(kLesson) + "## Question: Pick?\n- [ ] No\n- [x] Yes\n> " +
              repeat("word ", 761) + "\n"),
       8, "the explanation is 3804 characters long"},

      // ---- encoding
      {"invalid UTF-8: Latin-1 byte",
       course("## Lesson: Intro\nCaf\xE9 au lait.\n" + std::string(kQuestion)), 7,
       "invalid UTF-8 (byte 0xE9 in column 4): save the file with UTF-8 encoding"},
      {"invalid UTF-8: column counts characters",
       course("## Lesson: Intro\nÉté \xFF\n" + std::string(kQuestion)), 7,
       "invalid UTF-8 (byte 0xFF in column 5)"},
      {"invalid UTF-8: overlong slash",
       course("## Lesson: Intro\na\xC0\xAF\n" + std::string(kQuestion)), 7,
       "invalid UTF-8 (byte 0xC0 in column 2)"},
      {"invalid UTF-8: surrogate",
       course("## Lesson: Intro\n\xED\xA0\x80\n" + std::string(kQuestion)), 7,
       "invalid UTF-8 (byte 0xED in column 1)"},
      {"invalid UTF-8: above U+10FFFF",
       course("## Lesson: Intro\n\xF4\x90\x80\x80\n" + std::string(kQuestion)), 7,
       "invalid UTF-8 (byte 0xF4"},
      {"invalid UTF-8: lone continuation byte",
       course("## Lesson: Intro\nx\x80y\n" + std::string(kQuestion)), 7,
       "invalid UTF-8 (byte 0x80 in column 2)"},
      {"invalid UTF-8: truncated at end of file",
       course(std::string(kQuestion) + "## Lesson: End\nText \xE2\x82"), 11,
       "invalid UTF-8 (byte 0xE2"},
      {"invalid UTF-8 on several lines",
       course("## Lesson: Intro\n\xE9t\xE9\nd\xE9j\xE0\n" + std::string(kQuestion)), 7,
       "invalid UTF-8 (byte 0xE9 in column 1) and on 1 more line"},
  };
}

TEST(CourseProblems, EachRuleReportsItsMessageAndLine) {
  int checked = 0;
  for (const Case& c : cases()) {
    SCOPED_TRACE(c.name);
    CourseFile parsed = parse_course(c.text, c.file);
    EXPECT_FALSE(parsed.course.has_value());
    std::string all;
    for (const Problem& p : parsed.problems) all += format(p) + "\n";
    EXPECT_EQ(parsed.problems.size(), c.count) << all;
    const Problem* found = nullptr;
    for (const Problem& p : parsed.problems) {
      if (found == nullptr && p.message.find(c.message) != std::string::npos) found = &p;
    }
    if (found == nullptr) {
      ADD_FAILURE() << "expected \"" << c.message << "\" in:\n" << all;
      continue;
    }
    EXPECT_EQ(found->line, c.line) << all;
    EXPECT_EQ(found->file, c.file);
    ++checked;
  }
  EXPECT_GE(checked, 80);
}

TEST(CourseProblems, ProblemsComeInLineOrder) {
  std::string text =
      "---\nid: demo\ntitle: Demo\nsummary: A demo.\nminutes: 0\n---\n"
      "## Lesson: Empty\n## Question: Pick?\n- [ ] No\n- [ ] Yes\n";
  CourseFile parsed = parse_course(text, "demo.md");
  ASSERT_EQ(parsed.problems.size(), 4U);
  EXPECT_EQ(parsed.problems[0].line, 5);  // minutes
  EXPECT_EQ(parsed.problems[1].line, 7);  // empty lesson
  EXPECT_EQ(parsed.problems[2].line, 8);  // no correct option
  EXPECT_EQ(parsed.problems[3].line, 8);  // no explanation
}

TEST(CourseProblems, FormatNamesFileAndLine) {
  EXPECT_EQ(format(Problem{"content/demo.md", 12, "the lesson `X` is empty"}),
            "content/demo.md:12: the lesson `X` is empty");
  EXPECT_EQ(format(Problem{"content", 0, "no such directory"}), "content: no such directory");
}

}  // namespace
}  // namespace mc::content
