// `microcourse check [dir]`: output streams and exit codes.

#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "bot/content/loader.hpp"
#include "temp_dir.hpp"

namespace mc::content {
namespace {

using test::TempDir;

struct CheckRun {
  int code = -1;
  std::string out;
  std::string err;
};

CheckRun run(const std::filesystem::path& dir) {
  std::ostringstream out;
  std::ostringstream err;
  CheckRun r;
  r.code = check_command(dir, out, err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

TEST(CheckCommand, ShippedContentPasses) {
  std::filesystem::path dir = std::filesystem::path(MC_SOURCE_DIR) / "content";
  CheckRun r = run(dir);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_NE(r.out.find("phishing-basics: 6 lessons, 7 questions, ~12 min\n"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("account-security: "), std::string::npos) << r.out;
  EXPECT_LT(r.out.find("phishing-basics: "), r.out.find("account-security: "));
  EXPECT_NE(r.out.find("OK: 2 courses in " + dir.string() + "\n"), std::string::npos) << r.out;
}

TEST(CheckCommand, WarnsWhenTheRightAnswerIsSystematicallyTheLongest) {
  TempDir dir;
  std::string text = "---\nid: long\ntitle: Long\nsummary: S\n---\n## Lesson: L\nText.\n";
  for (int i = 1; i <= 4; ++i) {
    const std::string n = std::to_string(i);
    // The right answer is the longest in questions 1-3; in question 4 a wrong one is longer.
    text += "## Question: Q" + n + "?\n- [ ] No\n- [x] " +
            (i < 4 ? "Yes, because of the reason" : "Yes") + "\n- [ ] Maybe\n> E.\n";
  }
  dir.write("long.md", text);
  CheckRun r = run(dir.path());
  EXPECT_EQ(r.code, 0) << r.err;  // a warning, not a problem
  EXPECT_NE(r.err.find("long.md: warning: the right answer is the longest option in 3 of 4 "
                       "questions"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.out.find("OK: 1 course"), std::string::npos) << r.out;
}

TEST(CheckCommand, SummaryUsesSingularsAndEstimatedMinutes) {
  TempDir dir;
  dir.write("one.md",
            "---\nid: one\ntitle: One\nsummary: S\n---\n## Lesson: L\nText.\n"
            "## Question: Q?\n- [x] A\n- [ ] B\n> E.\n");
  CheckRun r = run(dir.path());
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "one: 1 lesson, 1 question, ~1 min\nOK: 1 course in " + dir.path().string() + "\n");
}

TEST(CheckCommand, ProblemsGoToErrWithFileAndLine) {
  TempDir dir;
  dir.write("good.md",
            "---\nid: good\ntitle: Good\nsummary: S\n---\n## Lesson: L\nText.\n"
            "## Question: Q?\n- [x] A\n- [ ] B\n> E.\n");
  dir.write("bad.md",
            "---\nid: bad\ntitle: Bad\nsummary: S\n---\n## Lesson: L\nText.\n"
            "## Question: Q?\n- [ ] A\n- [ ] B\n> E.\n");
  CheckRun r = run(dir.path());
  EXPECT_EQ(r.code, 1);
  std::string bad = (dir.path() / "bad.md").string();
  EXPECT_EQ(r.err, bad +
                       ":8: no answer option is marked correct: mark the right one `- [x]`\n"
                       "1 problem in " +
                       dir.path().string() + "\n");
  // The valid course is still summarised; nothing claims success.
  EXPECT_EQ(r.out, "good: 1 lesson, 1 question, ~1 min\n");
}

TEST(CheckCommand, MissingOrEmptyDirectoryFails) {
  TempDir dir;
  CheckRun empty = run(dir.path());
  EXPECT_EQ(empty.code, 1);
  EXPECT_NE(empty.err.find("no course files"), std::string::npos);
  EXPECT_EQ(empty.out, "");

  CheckRun missing = run(dir.path() / "missing");
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find((dir.path() / "missing").string() + ": no such directory"),
            std::string::npos);
  EXPECT_EQ(missing.out, "");
}

}  // namespace
}  // namespace mc::content
