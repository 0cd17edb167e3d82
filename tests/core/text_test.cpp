#include "bot/core/text.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mc::core {
namespace {

TEST(Text, TrimTakesOnlyTheGivenBlanksFromBothEnds) {
  struct Case {
    const char* name;
    std::string input;
    std::string_view blanks;
    std::string want;
  };
  const Case cases[] = {
      {"empty", "", kSpace, ""},
      {"only blanks", " \t\r\n ", kSpace, ""},
      {"both ends", "\t hello world \r\n", kSpace, "hello world"},
      {"inner blanks stay", "a \t b", kSpace, "a \t b"},
      {"form feed is no space", "\fhelp\v", kSpace, "\fhelp\v"},
      {"ascii space takes form feed", "\f help\v", kAsciiSpace, "help"},
      {"blanks only", " \tkey\r", " \t", "key\r"},
      {"utf-8 untouched", " ü€ ", kSpace, "ü€"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(trim(c.input, c.blanks), c.want);
  }
  EXPECT_EQ(trim("  default is kSpace\n"), "default is kSpace");
}

TEST(Text, IsSpaceIsTheSpaceSet) {
  for (char c : std::string_view(" \t\n\r")) {
    SCOPED_TRACE(static_cast<int>(c));
    EXPECT_TRUE(is_space(c));
  }
  for (char c : std::string_view("a\v\f\0", 4)) {
    SCOPED_TRACE(static_cast<int>(c));
    EXPECT_FALSE(is_space(c));
  }
}

TEST(Text, LowerAndIequalsFoldOnlyAsciiLetters) {
  struct Case {
    std::string input;
    std::string want;
  };
  const Case cases[] = {
      {"", ""},         {"HELP", "help"}, {"Europe/Berlin_1", "europe/berlin_1"},
      {"ÜBER", "Über"},  // multi-byte letters are left alone
      {"@[`{", "@[`{"},  // neighbours of A-Z and a-z
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.input);
    EXPECT_EQ(lower(c.input), c.want);
    EXPECT_TRUE(iequals(c.input, c.want));
  }
  EXPECT_TRUE(iequals("README.md", "readme.MD"));
  EXPECT_FALSE(iequals("readme.md", "readme.m"));
  EXPECT_FALSE(iequals("@", "`"));
}

TEST(Utf8, CodePointOffsetsStepOverSequencesAndOneByteAtATimeOverInvalidOnes) {
  // "a", "ü" (2 bytes), "€" (3), "😀" (4).
  EXPECT_EQ(code_point_offsets("aü€😀"), (std::vector<std::size_t>{0, 1, 3, 6, 10}));
  // A truncated 3-byte sequence and a lone continuation byte advance one byte each.
  EXPECT_EQ(code_point_offsets("\xE2\x82x\x80"), (std::vector<std::size_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(code_point_offsets(""), (std::vector<std::size_t>{0}));
  EXPECT_EQ(utf8_sequence_length("😀", 0), 4u);
  EXPECT_EQ(utf8_sequence_length("\xF0\x9F", 0), 1u);  // cut short
}

TEST(Utf8, PrefixCountsCodePoints) {
  struct Case {
    std::string input;
    std::size_t max_chars;
    std::string want;
  };
  const Case cases[] = {
      {"", 3, ""},       {"abc", 3, "abc"}, {"abcd", 3, "abc"},
      {"aü€😀", 2, "aü"}, {"aü€😀", 0, ""},   {"aü€😀", 9, "aü€😀"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.input + " / " + std::to_string(c.max_chars));
    EXPECT_EQ(utf8_prefix(c.input, c.max_chars), c.want);
    EXPECT_LE(utf8_length(utf8_prefix(c.input, c.max_chars)), c.max_chars);
  }
}

TEST(Utf8, InvalidAtFindsTheFirstMalformedByte) {
  struct Case {
    const char* name;
    std::string input;
    std::size_t want;
  };
  constexpr std::size_t kNone = std::string_view::npos;
  const Case cases[] = {
      {"ascii", "hello", kNone},        {"multi-byte", "aü€😀", kNone},
      {"latin-1", "caf\xE9", 3},        {"lone continuation", "a\x80", 1},
      {"truncated", "ab\xE2\x82", 2},   {"overlong slash", "\xC0\xAF", 0},
      {"surrogate", "\xED\xA0\x80", 0}, {"above U+10FFFF", "x\xF4\x90\x80\x80", 1},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(invalid_utf8_at(c.input), c.want);
  }
}

}  // namespace
}  // namespace mc::core
