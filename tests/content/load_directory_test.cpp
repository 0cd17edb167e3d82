// A directory of course files: which files count, catalogue order by prerequisites, and the
// rules that need every course at once.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "bot/content/loader.hpp"
#include "temp_dir.hpp"

namespace mc::content {
namespace {

using test::TempDir;

/// A valid course file; `needs` becomes the `requires:` line 5 when given.
std::string course_file(const std::string& id, const std::string& needs = "") {
  std::string text = "---\nid: " + id + "\ntitle: Course " + id + "\nsummary: About " + id + "\n";
  if (!needs.empty()) text += "requires: " + needs + "\n";
  return text + "---\n## Lesson: Start\nText.\n## Question: Q?\n- [x] A\n- [ ] B\n> E.\n";
}

std::vector<std::string> ids(const core::Catalog& catalog) {
  std::vector<std::string> out;
  for (const core::Course& c : catalog.courses()) out.push_back(c.id);
  return out;
}

std::string dump(const LoadResult& result) {
  std::string all;
  for (const Problem& p : result.problems) all += format(p) + "\n";
  return all;
}

TEST(LoadDirectory, PrerequisitesComeFirstThenFileNameOrder) {
  TempDir dir;
  dir.write("a-intro.md", course_file("a-intro", "z-base"));
  dir.write("b-free.md", course_file("b-free"));
  dir.write("m-mid.md", course_file("m-mid", "a-intro, b-free"));
  dir.write("z-base.md", course_file("z-base"));
  dir.write("c-last.md", course_file("c-last", "m-mid"));
  LoadResult result = load_directory(dir.path());
  EXPECT_TRUE(result.ok()) << dump(result);
  EXPECT_EQ(ids(result.catalog),
            (std::vector<std::string>{"b-free", "z-base", "a-intro", "m-mid", "c-last"}));
  ASSERT_NE(result.catalog.find("m-mid"), nullptr);
  EXPECT_EQ(result.catalog.find("m-mid")->source, (dir.path() / "m-mid.md").string());
}

TEST(LoadDirectory, OnlyCourseFilesAreRead) {
  TempDir dir;
  dir.write("one.md", course_file("one"));
  dir.write("README.md", "# Not a course\n");
  dir.write("readme.md", "# Not a course either\n");
  dir.write("_draft.md", "half-written\n");
  dir.write(".editor-backup.md", "junk\n");
  dir.write("notes.txt", "not markdown\n");
  dir.write("nested/two.md", course_file("two"));
  LoadResult result = load_directory(dir.path());
  EXPECT_TRUE(result.ok()) << dump(result);
  EXPECT_EQ(ids(result.catalog), (std::vector<std::string>{"one"}));
}

TEST(LoadDirectory, DuplicateIdsAcrossFiles) {
  TempDir dir;
  dir.write("alpha.md", course_file("alpha"));
  dir.write("beta.md", course_file("alpha"));
  LoadResult result = load_directory(dir.path());
  std::string beta = (dir.path() / "beta.md").string();
  std::string alpha = (dir.path() / "alpha.md").string();
  EXPECT_EQ(result.problems,
            (std::vector<Problem>{
                {beta, 2,
                 "course id `alpha` does not match the file name `beta.md`: name the "
                 "file `alpha.md` or change the id"},
                {beta, 2, "course id `alpha` is already used by " + alpha},
            }));
  EXPECT_EQ(ids(result.catalog), (std::vector<std::string>{"alpha"}));
}

TEST(LoadDirectory, UnknownPrerequisite) {
  TempDir dir;
  dir.write("alpha.md", course_file("alpha", "phishing-basic"));
  LoadResult result = load_directory(dir.path());
  ASSERT_EQ(result.problems.size(), 1U) << dump(result);
  EXPECT_EQ(result.problems[0],
            (Problem{(dir.path() / "alpha.md").string(), 5,
                     "requires `phishing-basic`, but no course in this directory has that id"}));
  EXPECT_TRUE(result.catalog.empty());
}

TEST(LoadDirectory, PrerequisiteCycleIsReportedOnceAndKeptOutOfTheCatalogue) {
  TempDir dir;
  dir.write("a.md", course_file("a", "b"));
  dir.write("b.md", course_file("b", "c"));
  dir.write("c.md", course_file("c", "a, free"));
  dir.write("d.md", course_file("d", "a"));
  dir.write("free.md", course_file("free"));
  LoadResult result = load_directory(dir.path());
  ASSERT_EQ(result.problems.size(), 1U) << dump(result);
  EXPECT_EQ(result.problems[0],
            (Problem{(dir.path() / "a.md").string(), 5,
                     "prerequisites form a cycle, so none of these courses could ever be "
                     "started: `a` → `b` → `c` → `a`"}));
  // d requires a course in the cycle, so it can't be offered either.
  EXPECT_EQ(ids(result.catalog), (std::vector<std::string>{"free"}));
}

TEST(LoadDirectory, TwoCourseCycle) {
  TempDir dir;
  dir.write("x.md", course_file("x", "y"));
  dir.write("y.md", course_file("y", "x"));
  LoadResult result = load_directory(dir.path());
  ASSERT_EQ(result.problems.size(), 1U) << dump(result);
  EXPECT_EQ(result.problems[0].line, 5);
  EXPECT_NE(result.problems[0].message.find("`x` → `y` → `x`"), std::string::npos);
}

TEST(LoadDirectory, SelfRequirementIsNotAlsoACycle) {
  TempDir dir;
  dir.write("self.md", course_file("self", "self"));
  LoadResult result = load_directory(dir.path());
  ASSERT_EQ(result.problems.size(), 1U) << dump(result);
  EXPECT_EQ(result.problems[0].line, 5);
  EXPECT_NE(result.problems[0].message.find("requires itself"), std::string::npos);
}

TEST(LoadDirectory, BrokenPrerequisiteIsNotReportedAsUnknown) {
  TempDir dir;
  dir.write("base.md", course_file("base") + "## Lesson: Empty\n");
  dir.write("next.md", course_file("next", "base"));
  LoadResult result = load_directory(dir.path());
  ASSERT_EQ(result.problems.size(), 1U) << dump(result);
  EXPECT_EQ(result.problems[0].file, (dir.path() / "base.md").string());
  EXPECT_NE(result.problems[0].message.find("is empty"), std::string::npos);
  EXPECT_TRUE(result.catalog.empty());  // next needs base, which can't be offered
}

TEST(LoadDirectory, ProblemsAreSortedByFileThenLine) {
  TempDir dir;
  dir.write("b.md", "---\nid: b\ntitle: B\nsummary: S\nminutes: 0\n---\n## Lesson: Empty\n");
  dir.write("a.md",
            "---\nid: a\ntitle: A\nsummary: S\nfoo: bar\n---\n## Lesson: L\nText.\n"
            "## Question: Q?\n- [x] A\n- [ ] B\n");
  LoadResult result = load_directory(dir.path());
  std::vector<std::pair<std::string, int>> where;
  for (const Problem& p : result.problems) {
    where.emplace_back(std::filesystem::path(p.file).filename().string(), p.line);
  }
  EXPECT_EQ(where, (std::vector<std::pair<std::string, int>>{
                       {"a.md", 5}, {"a.md", 9}, {"b.md", 1}, {"b.md", 5}, {"b.md", 7}}))
      << dump(result);
}

TEST(LoadDirectory, MissingEmptyAndNonDirectory) {
  TempDir dir;
  LoadResult empty = load_directory(dir.path());
  ASSERT_EQ(empty.problems.size(), 1U);
  EXPECT_EQ(empty.problems[0].line, 0);
  EXPECT_EQ(empty.problems[0].file, dir.path().string());
  EXPECT_NE(empty.problems[0].message.find("no course files"), std::string::npos);
  EXPECT_FALSE(empty.ok());

  LoadResult missing = load_directory(dir.path() / "nope");
  ASSERT_EQ(missing.problems.size(), 1U);
  EXPECT_EQ(format(missing.problems[0]), (dir.path() / "nope").string() + ": no such directory");

  std::filesystem::path file = dir.write("file.md", course_file("file"));
  LoadResult not_dir = load_directory(file);
  ASSERT_EQ(not_dir.problems.size(), 1U);
  EXPECT_EQ(not_dir.problems[0].message, "not a directory");
}

}  // namespace
}  // namespace mc::content
