#include "bot/core/commands.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace mc::core {
namespace {

TEST(Commands, EveryWordAndAliasResolves) {
  struct Case {
    std::string_view word;
    Command want;
  };
  const Case cases[] = {
      {"start", Command::start},       {"learn", Command::start},
      {"enrol", Command::start},       {"enroll", Command::start},
      {"courses", Command::courses},   {"catalog", Command::courses},
      {"catalogue", Command::courses}, {"list", Command::courses},
      {"progress", Command::progress}, {"status", Command::progress},
      {"help", Command::help},         {"continue", Command::next},
      {"next", Command::next},         {"resume", Command::resume},
      {"pause", Command::pause},       {"stop", Command::stop},
      {"time", Command::time},         {"timezone", Command::time_zone},
      {"tz", Command::time_zone},      {"weekdays", Command::weekdays},
      {"schedule", Command::schedule},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.word);
    auto found = find_command(c.word);
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(*found, c.want);
  }
}

TEST(Commands, EveryTableWordResolvesToItsOwnRowAndAppearsOnce) {
  std::set<std::string_view> seen;
  for (const CommandSpec& spec : commands()) {
    ASSERT_FALSE(spec.words[0].empty()) << "a command without a word";
    for (std::string_view word : spec.words) {
      if (word.empty()) continue;
      SCOPED_TRACE(word);
      EXPECT_TRUE(seen.insert(word).second) << "word used twice";
      EXPECT_EQ(find_command(word), spec.command);
    }
    EXPECT_EQ(spec.usage.empty(), spec.help.empty());
  }
}

TEST(Commands, UnknownWordsDoNotResolve) {
  // Matching is exact: the journey lower-cases and strips the '/' before asking.
  const std::string_view words[] = {"",       " ",    "/start", "START", "star",
                                    "starts", "quiz", "halp",   "tz ",   "time zone"};
  for (std::string_view word : words) {
    SCOPED_TRACE(word);
    EXPECT_FALSE(find_command(word).has_value());
  }
}

}  // namespace
}  // namespace mc::core
