#include "bot/core/layout.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mc::core {
namespace {

using K = Block::Kind;
using S = Span::Style;

// "é" is 2 bytes, one code point; "😀" is 4 bytes, one code point, two UTF-16 units.
TEST(Layout, Measures) {
  struct Case {
    const char* name;
    std::string text;
    std::size_t code_points;
    std::size_t utf16_units;
  };
  const Case cases[] = {
      {"empty", "", 0, 0},
      {"ascii", "abc", 3, 3},
      {"two-byte", "caf\xC3\xA9", 4, 4},
      {"astral", "a\xF0\x9F\x98\x80", 2, 3},
      {"invalid byte counts one",
       "a\xFF"
       "b",
       3, 3},
      {"truncated sequence counts its bytes", "\xF0\x9F", 2, 2},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(measure(c.text, Measure::code_points), c.code_points);
    EXPECT_EQ(measure(c.text, Measure::utf16_units), c.utf16_units);
  }
}

TEST(Layout, PrefixWithin) {
  struct Case {
    const char* name;
    std::string text;
    std::size_t limit;
    Measure measure;
    std::string want;
  };
  const Case cases[] = {
      {"fits", "abc", 5, Measure::code_points, "abc"},
      {"cut", "abcdef", 4, Measure::code_points, "abcd"},
      {"zero", "abc", 0, Measure::code_points, ""},
      {"between code points", "\xC3\xA9\xC3\xA9", 1, Measure::code_points, "\xC3\xA9"},
      {"astral fits as one code point", "\xF0\x9F\x98\x80x", 1, Measure::code_points,
       "\xF0\x9F\x98\x80"},
      {"astral needs two units", "a\xF0\x9F\x98\x80", 2, Measure::utf16_units, "a"},
      {"astral within three units", "a\xF0\x9F\x98\x80", 3, Measure::utf16_units,
       "a\xF0\x9F\x98\x80"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(prefix_within(c.text, c.limit, c.measure), c.want);
  }
}

Block block(K kind, std::vector<Span> spans, int number = 0) {
  return Block{kind, std::move(spans), number};
}

TEST(Layout, Flatten) {
  struct Case {
    const char* name;
    Block block;
    FlattenOptions options;
    std::vector<std::string> texts;
    std::size_t marker;
    bool blank;
    bool content_blank;
  };
  const Case cases[] = {
      {"paragraph",
       block(K::paragraph, {plain("a "), bold("b")}),
       {},
       {"a ", "b"},
       0,
       false,
       false},
      {"empty spans are left out",
       block(K::paragraph, {plain(""), plain("x")}),
       {},
       {"x"},
       0,
       false,
       false},
      {"whitespace only", block(K::paragraph, {plain(" \n")}), {}, {" \n"}, 0, true, true},
      {"bullet marker first", block(K::bullet, {plain("one")}), {}, {"• ", "one"}, 2, false, false},
      {"numbered marker", block(K::numbered, {plain("x")}, 12), {}, {"12. ", "x"}, 4, false, false},
      {"empty item: the marker is not blank, the content is",
       block(K::bullet, {plain(" ")}),
       {},
       {"• ", " "},
       2,
       false,
       true},
      {"bare link dropped",
       block(K::paragraph, {{S::link, "", "https://x.org"}}),
       {},
       {},
       0,
       true,
       true},
      {"bare link shows its address",
       block(K::paragraph, {{S::link, " ", "https://x.org"}}),
       {.show_bare_links = true},
       {"https://x.org"},
       0,
       false,
       false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const Runs runs = flatten(c.block, c.options);
    std::vector<std::string> texts;
    for (const Span& run : runs.runs) texts.push_back(run.text);
    EXPECT_EQ(texts, c.texts);
    EXPECT_EQ(runs.marker, c.marker);
    EXPECT_EQ(runs.blank, c.blank);
    EXPECT_EQ(runs.content_blank, c.content_blank);
    EXPECT_EQ(runs.length, measure(visible_text(runs, whole(runs)), Measure::code_points));
  }
}

TEST(Layout, ACodeBlockIsPlainText) {
  const Runs runs = flatten(block(K::code, {bold("x <y>")}));
  ASSERT_EQ(runs.runs.size(), 1u);
  EXPECT_EQ(runs.runs[0].style, S::plain);
  EXPECT_EQ(runs.kind, K::code);
}

TEST(Layout, SlicesFollowTheRuns) {
  // "ab" bold, "cé" italic, "d" plain: visible "abcéd".
  const Runs runs = flatten(block(K::paragraph, {bold("ab"), italic("c\xC3\xA9"), plain("d")}));
  struct Case {
    const char* name;
    Range range;
    std::vector<std::pair<S, std::string>> want;
  };
  const Case cases[] = {
      {"all", {0, 5}, {{S::bold, "ab"}, {S::italic, "c\xC3\xA9"}, {S::plain, "d"}}},
      {"inside one run", {1, 2}, {{S::bold, "b"}}},
      {"across runs", {1, 4}, {{S::bold, "b"}, {S::italic, "c\xC3\xA9"}}},
      {"a multi-byte code point", {3, 4}, {{S::italic, "\xC3\xA9"}}},
      {"empty", {2, 2}, {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::vector<std::pair<S, std::string>> got;
    for_each_slice(runs, c.range, [&](const Span& run, std::string_view text) {
      got.emplace_back(run.style, text);
    });
    EXPECT_EQ(got, c.want);
  }
  EXPECT_EQ(visible_text(runs, {1, 4}), "bc\xC3\xA9");
}

TEST(Layout, ListContinues) {
  const Block bullet = block(K::bullet, {plain("a")});
  const Block numbered = block(K::numbered, {plain("a")}, 1);
  const Block para = block(K::paragraph, {plain("a")});
  EXPECT_FALSE(continues_list(nullptr, bullet));
  EXPECT_TRUE(continues_list(&bullet, bullet));
  EXPECT_FALSE(continues_list(&numbered, bullet));
  EXPECT_FALSE(continues_list(&para, para));
}

std::vector<std::string> pieces(const Runs& runs, const std::vector<Range>& ranges) {
  std::vector<std::string> out;
  for (const Range r : ranges) out.push_back(visible_text(runs, r));
  return out;
}

TEST(Layout, CutsByVisibleLength) {
  const RangeCost code_points = [](Range r) { return r.to - r.from; };
  struct Case {
    const char* name;
    Block block;
    std::size_t limit;
    std::vector<std::string> want;
  };
  const Case cases[] = {
      {"fits whole", block(K::paragraph, {plain("one two")}), 7, {"one two"}},
      {"at the last space", block(K::paragraph, {plain("one two three")}), 9, {"one two", "three"}},
      {"a line break before a space",
       block(K::paragraph, {plain("one\ntwo three")}),
       10,
       {"one", "two three"}},
      {"hard without whitespace",
       block(K::paragraph, {plain("abcdefgh")}),
       3,
       {"abc", "def", "gh"}},
      {"hard between code points",
       block(K::paragraph, {plain("\xC3\xA9\xC3\xA9\xC3\xA9")}),
       2,
       {"\xC3\xA9\xC3\xA9", "\xC3\xA9"}},
      {"whitespace at a cut is dropped", block(K::paragraph, {plain("ab   cd")}), 2, {"ab", "cd"}},
      {"whitespace-only pieces are left out",
       block(K::code, {plain("ab\n  \ncd")}),
       2,
       {"ab", "cd"}},
      {"never right after a list marker", block(K::bullet, {plain("abcdef")}), 4, {"• ab", "cdef"}},
      {"a code block keeps its indentation",
       block(K::code, {plain("ab\n  cd")}),
       4,
       {"ab", "  cd"}},
      {"empty", block(K::paragraph, {}), 5, {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const Runs runs = flatten(c.block);
    EXPECT_EQ(pieces(runs, cut(runs, c.limit, code_points)), c.want);
  }
}

// A cost that is not the visible length: every piece pays 4 units of markup, as "*" + text +
// "*" would, and an astral code point counts two.
TEST(Layout, CutsByAPlatformsCost) {
  struct Case {
    const char* name;
    std::string text;
    std::size_t limit;
    std::vector<std::string> want;
  };
  const Case cases[] = {
      {"markup counts", "aaa bbb", 7, {"aaa", "bbb"}},
      {"the longest piece that fits", "aaaaaaaa", 6, {"aa", "aa", "aa", "aa"}},
      {"utf16: astral counts two",
       "\xF0\x9F\x98\x80\xF0\x9F\x98\x80",
       6,
       {"\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80"}},
      {"a code point that can't fit stands alone", "ab", 4, {"a", "b"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const Runs runs = flatten(block(K::paragraph, {bold(c.text)}));
    const RangeCost cost = [&](Range r) {
      return 4 + measure(visible_text(runs, r), Measure::utf16_units);
    };
    EXPECT_EQ(pieces(runs, cut(runs, c.limit, cost)), c.want);
  }
}

}  // namespace
}  // namespace mc::core
