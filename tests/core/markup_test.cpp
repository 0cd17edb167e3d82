#include "bot/core/markup.hpp"

#include <gtest/gtest.h>

#include "bot/core/text.hpp"

namespace mc::core {
namespace {

using K = Block::Kind;
using S = Span::Style;

TEST(Markup, ParsesBlocks) {
  Doc doc = parse_markdown(
      "# Title\n\nFirst line\ncontinues here.\n\n- one\n- two\n\n1. first\n2. second\n\n> quoted\n"
      "> more\n\n```\ncode <here>\n  indented\n```\n");
  ASSERT_EQ(doc.size(), 8u);
  EXPECT_EQ(doc[0].kind, K::heading);
  EXPECT_EQ(doc[0].spans[0].text, "Title");
  EXPECT_EQ(doc[1].kind, K::paragraph);
  EXPECT_EQ(doc[1].spans[0].text, "First line continues here.");
  EXPECT_EQ(doc[2].kind, K::bullet);
  EXPECT_EQ(doc[3].spans[0].text, "two");
  EXPECT_EQ(doc[4].kind, K::numbered);
  EXPECT_EQ(doc[5].number, 2);
  EXPECT_EQ(doc[6].kind, K::quote);
  EXPECT_EQ(doc[6].spans[0].text, "quoted more");
  EXPECT_EQ(doc[7].kind, K::code);
  EXPECT_EQ(doc[7].spans[0].text, "code <here>\n  indented");
}

TEST(Markup, InlineStyles) {
  struct Case {
    const char* name;
    const char* input;
    std::vector<Span> want;
  };
  const Case cases[] = {
      {"bold", "a **b** c", {{S::plain, "a ", {}}, {S::bold, "b", {}}, {S::plain, " c", {}}}},
      {"italic star", "*it*", {{S::italic, "it", {}}}},
      {"italic underscore", "_it_ x", {{S::italic, "it", {}}, {S::plain, " x", {}}}},
      {"code keeps markers", "`a*b_c`", {{S::code, "a*b_c", {}}}},
      {"link",
       "see [docs](https://x.org/a_b)",
       {{S::plain, "see ", {}}, {S::link, "docs", "https://x.org/a_b"}}},
      {"lone star is literal", "2 * 3 = 6", {{S::plain, "2 * 3 = 6", {}}}},
      {"spaced stars are literal", "2 * 3 * 4", {{S::plain, "2 * 3 * 4", {}}}},
      {"snake_case is literal",
       "use snake_case_names here",
       {{S::plain, "use snake_case_names here", {}}}},
      {"angle and amp are literal", "a < b && c > d", {{S::plain, "a < b && c > d", {}}}},
      {"escaped star", "\\*not italic\\*", {{S::plain, "*not italic*", {}}}},
      {"unclosed bold", "**open", {{S::plain, "**open", {}}}},
      {"javascript link is text",
       "[x](javascript:alert(1))",
       {{S::plain, "[x](javascript:alert(1))", {}}}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Doc doc = parse_markdown(c.input);
    ASSERT_EQ(doc.size(), 1u);
    EXPECT_EQ(doc[0].spans, c.want);
  }
}

TEST(Markup, PlainTextAndLength) {
  Doc doc = parse_markdown("Héllo **wörld**\n\n- a\n- b");
  EXPECT_EQ(plain_text(doc), "Héllo wörld\n\n• a\n• b");
  EXPECT_EQ(visible_length(doc), 20u);
  EXPECT_EQ(utf8_length("ü€😀"), 3u);
}

TEST(Markup, LinkAllowedOnlyForWebAndMailSchemesAndTheExtrasGiven) {
  struct Case {
    const char* href;
    bool allowed;
    bool allowed_with_tg;
  };
  const Case cases[] = {
      {"https://example.com", true, true}, {"HTTP://example.com", true, true},
      {"mailto:a@b.org", true, true},      {"MailTo:a@b.org", true, true},
      {"tg://user?id=1", false, true},     {"javascript:alert(1)", false, false},
      {"data:text/html,x", false, false},  {"http:example.com", false, false},
      {"example.com", false, false},       {"", false, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.href);
    EXPECT_EQ(link_allowed(c.href), c.allowed);
    EXPECT_EQ(link_allowed(c.href, {"tg"}), c.allowed_with_tg);
  }
}

TEST(Markup, UnterminatedFenceKeepsText) {
  Doc doc = parse_markdown("```\nstill here");
  ASSERT_EQ(doc.size(), 1u);
  EXPECT_EQ(doc[0].kind, K::code);
  EXPECT_EQ(doc[0].spans[0].text, "still here");
}

}  // namespace
}  // namespace mc::core
