// The courses we ship in content/ load cleanly and keep the product's promises: at least two
// real courses, each with five or more short lessons and five or more questions, the second
// building on the first, and text that exercises every renderer's escaping.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <variant>

#include "bot/content/loader.hpp"
#include "bot/core/markup.hpp"
#include "bot/core/shuffle.hpp"

namespace mc::content {
namespace {

const std::filesystem::path kContent = std::filesystem::path(MC_SOURCE_DIR) / "content";

std::size_t words(const core::Doc& doc) {
  std::string text = core::plain_text(doc);
  std::size_t n = 0;
  bool in_word = false;
  for (char c : text) {
    bool space = c == ' ' || c == '\n';
    if (!space && !in_word) ++n;
    in_word = !space;
  }
  return n;
}

/// Everything a learner reads in the course, markup removed.
std::string all_text(const core::Course& course) {
  std::string out;
  for (const core::Step& step : course.steps) {
    if (const auto* lesson = std::get_if<core::Lesson>(&step)) {
      out += core::plain_text(lesson->body);
    } else {
      const auto& q = std::get<core::Question>(step);
      out += core::plain_text(q.prompt) + core::plain_text(q.explanation);
      for (const std::string& option : q.options) out += option;
    }
  }
  return out;
}

class ShippedContent : public ::testing::Test {
 protected:
  void SetUp() override {
    result_ = load_directory(kContent);
    for (const Problem& p : result_.problems) ADD_FAILURE() << format(p);
  }
  LoadResult result_;
};

TEST_F(ShippedContent, PressingTheSamePositionEveryTimeLandsNearChance) {
  // Before options were shuffled, the right answer sat in position 2 or 3 of every sample
  // question, and pressing the third button passed both courses (71%).
  constexpr int kLearners = 1'000;
  for (const core::Course& course : result_.catalog.courses()) {
    int questions = 0;
    std::size_t fewest_options = 8;
    for (const core::Step& step : course.steps) {
      if (const auto* q = std::get_if<core::Question>(&step)) {
        ++questions;
        fewest_options = std::min(fewest_options, q->options.size());
      }
    }
    ASSERT_GT(questions, 0) << course.id;
    for (std::size_t position = 0; position < fewest_options; ++position) {
      SCOPED_TRACE(course.id + ", always position " + std::to_string(position + 1));
      long total = 0;
      int passed = 0;
      for (int i = 0; i < kLearners; ++i) {
        const std::string learner = "telegram:1:" + std::to_string(i);
        int right = 0;
        for (const core::Step& step : course.steps) {
          const auto* q = std::get_if<core::Question>(&step);
          if (q == nullptr) continue;
          const auto order =
              core::option_order(learner, course.id, 1, q->id, static_cast<int>(q->options.size()));
          if (order[position] == q->correct) ++right;
        }
        const int score = right * 100 / questions;
        total += score;
        if (score >= course.pass_mark) ++passed;
      }
      const double mean = static_cast<double>(total) / kLearners;
      // Chance is 1 / options (25-33% for the samples); the pass mark is 70%.
      EXPECT_LT(mean, 40.0);
      EXPECT_LT(passed, kLearners / 10);
    }
  }
}

TEST_F(ShippedContent, LoadsWithoutProblems) {
  EXPECT_TRUE(result_.ok());
  EXPECT_GE(result_.catalog.courses().size(), 2U);
}

TEST_F(ShippedContent, EveryCourseHasFiveLessonsAndFiveQuestions) {
  for (const core::Course& c : result_.catalog.courses()) {
    SCOPED_TRACE(c.id);
    EXPECT_GE(c.lesson_count(), 5);
    EXPECT_GE(c.question_count(), 5);
    EXPECT_FALSE(c.title.empty());
    EXPECT_FALSE(c.summary.empty());
    EXPECT_GT(c.pass_mark, 0);
  }
}

TEST_F(ShippedContent, LessonsAreShortSnippetsAndCoursesAreMicro) {
  for (const core::Course& c : result_.catalog.courses()) {
    std::size_t course_words = 0;
    for (const core::Step& step : c.steps) {
      if (const auto* lesson = std::get_if<core::Lesson>(&step)) {
        SCOPED_TRACE(c.id + ": " + lesson->title);
        std::size_t n = words(lesson->body);
        EXPECT_GE(n, 80U);
        EXPECT_LE(n, 300U);
        course_words += n;
      }
    }
    // 2 to 10 minutes of reading at about 200 words a minute.
    SCOPED_TRACE(c.id);
    EXPECT_GE(course_words, 2U * 200U);
    EXPECT_LE(course_words, 10U * 200U);
  }
}

TEST_F(ShippedContent, QuestionsHaveStableIdsAndThreeDistractors) {
  for (const core::Course& c : result_.catalog.courses()) {
    for (const core::Step& step : c.steps) {
      const auto* q = std::get_if<core::Question>(&step);
      if (q == nullptr) continue;
      SCOPED_TRACE(c.id + "#" + q->id);
      // Shipped questions name their id, so editing a course never renumbers learners' history.
      EXPECT_FALSE(q->id.size() >= 2 && q->id[0] == 'q' &&
                   std::all_of(q->id.begin() + 1, q->id.end(), ::isdigit));
      EXPECT_GE(q->options.size(), 4U);
      EXPECT_GE(words(q->explanation), 15U);
    }
  }
}

TEST_F(ShippedContent, AccountSecurityBuildsOnPhishingBasics) {
  const core::Course* phishing = result_.catalog.find("phishing-basics");
  const core::Course* accounts = result_.catalog.find("account-security");
  ASSERT_NE(phishing, nullptr);
  ASSERT_NE(accounts, nullptr);
  EXPECT_TRUE(phishing->requires_courses.empty());
  EXPECT_EQ(accounts->requires_courses, std::vector<std::string>{"phishing-basics"});
  EXPECT_LT(phishing, accounts);  // catalogue order: prerequisites first
}

TEST_F(ShippedContent, TextNeedsEscapingOnEveryPlatform) {
  std::string text;
  bool has_code = false;
  bool has_bold = false;
  bool has_italic = false;
  for (const core::Course& c : result_.catalog.courses()) {
    text += all_text(c);
    for (const core::Step& step : c.steps) {
      const auto* lesson = std::get_if<core::Lesson>(&step);
      if (lesson == nullptr) continue;
      for (const core::Block& b : lesson->body) {
        has_code = has_code || b.kind == core::Block::Kind::code;
        for (const core::Span& s : b.spans) {
          has_bold = has_bold || s.style == core::Span::Style::bold;
          has_italic = has_italic || s.style == core::Span::Style::italic;
        }
      }
    }
  }
  for (char c : std::string("<>&*_[]()#.!-")) {
    EXPECT_NE(text.find(c), std::string::npos) << "no '" << c << "' in the shipped text";
  }
  EXPECT_TRUE(has_code);
  EXPECT_TRUE(has_bold);
  EXPECT_TRUE(has_italic);
}

}  // namespace
}  // namespace mc::content
