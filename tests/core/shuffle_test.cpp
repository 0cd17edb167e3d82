#include "bot/core/shuffle.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <numeric>
#include <set>
#include <string>
#include <vector>

namespace mc::core {
namespace {

bool is_permutation_of_n(const std::vector<int>& order, int n) {
  std::vector<int> sorted = order;
  std::sort(sorted.begin(), sorted.end());
  std::vector<int> expected(static_cast<std::size_t>(n));
  std::iota(expected.begin(), expected.end(), 0);
  return sorted == expected;
}

TEST(Shuffle, IsAPermutationAndTheSameEveryTime) {
  for (int n : {0, 1, 2, 3, 4, 8}) {
    SCOPED_TRACE(n);
    const auto order = option_order("telegram:1:42", "phishing-basics", 1, "sender-check", n);
    EXPECT_TRUE(is_permutation_of_n(order, n));
    EXPECT_EQ(order, option_order("telegram:1:42", "phishing-basics", 1, "sender-check", n));
  }
}

TEST(Shuffle, ChangesWithTheAttemptTheLearnerAndTheQuestion) {
  std::set<std::vector<int>> by_attempt, by_learner, by_question;
  for (int i = 0; i < 40; ++i) {
    by_attempt.insert(option_order("slack:T1:U1", "c", i + 1, "q", 4));
    by_learner.insert(option_order("slack:T1:U" + std::to_string(i), "c", 1, "q", 4));
    by_question.insert(option_order("slack:T1:U1", "c", 1, "q" + std::to_string(i), 4));
  }
  // 24 orders of 4 options: 40 draws each must show many of them, not one.
  EXPECT_GE(by_attempt.size(), 10u);
  EXPECT_GE(by_learner.size(), 10u);
  EXPECT_GE(by_question.size(), 10u);
}

TEST(Shuffle, EveryOptionLandsInEveryPositionAboutEquallyOften) {
  constexpr int kLearners = 24'000;
  std::array<std::array<int, 4>, 4> seen{};  // [option][position]
  for (int i = 0; i < kLearners; ++i) {
    const auto order = option_order("telegram:7:" + std::to_string(i), "c", 1, "q", 4);
    for (int position = 0; position < 4; ++position) {
      ++seen[static_cast<std::size_t>(order[static_cast<std::size_t>(position)])]
            [static_cast<std::size_t>(position)];
    }
  }
  for (int option = 0; option < 4; ++option) {
    for (int position = 0; position < 4; ++position) {
      SCOPED_TRACE("option " + std::to_string(option) + " at " + std::to_string(position));
      // 6,000 expected; a fair draw stays within ±5% (about 4 standard deviations).
      EXPECT_NEAR(seen[static_cast<std::size_t>(option)][static_cast<std::size_t>(position)],
                  kLearners / 4, kLearners / 4 / 20);
    }
  }
}

}  // namespace
}  // namespace mc::core
