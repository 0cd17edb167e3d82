#include "adapters/slack/render.hpp"

#include <gtest/gtest.h>

#include <set>

#include "fixtures.hpp"
#include "tests/support/fake_slack.hpp"

namespace mc::slack {
namespace {

using core::Block;
using core::Span;
using nlohmann::json;

core::Outbound send_of(core::Doc body, core::Keyboard keyboard = {}) {
  core::Outbound m;
  m.kind = core::Outbound::Kind::send;
  m.learner = "slack:T0TEAM0001:U0LEARNER1";
  m.to = {"slack:T0TEAM0001", "D0DM000001"};
  m.body = std::move(body);
  m.keyboard = std::move(keyboard);
  m.key = "slack:T0TEAM0001:Ev1#0";
  return m;
}

/// Every call is checked against the trimmed Web API spec and Block Kit's limits.
void expect_conforms(const std::vector<ApiCall>& calls) {
  for (const ApiCall& call : calls) {
    for (const std::string& problem :
         test::check_slack_call(testing::web_api_spec(), call.method, call.params)) {
      ADD_FAILURE() << problem << "\n" << call.params.dump(1);
    }
  }
}

std::string section_text(const json& block) { return block.at("text").at("text"); }

TEST(SlackRender, EscapesSoTextCantMentionOrLink) {
  auto calls = render(send_of({core::paragraph("<@U123> <!channel> <!here> a & b <#C1> 1 < 2 > 0"),
                               core::paragraph({core::bold("<@U9>")})}));
  ASSERT_EQ(calls.size(), 1u);
  const json& blocks = calls[0].params["blocks"];
  ASSERT_EQ(blocks.size(), 1u);  // consecutive paragraphs share a section
  EXPECT_EQ(section_text(blocks[0]),
            "&lt;@U123&gt; &lt;!channel&gt; &lt;!here&gt; a &amp; b &lt;#C1&gt; 1 &lt; 2 &gt; 0"
            "\n\n*&lt;@U9&gt;*");
  const std::string text = calls[0].params["text"];
  EXPECT_EQ(text.find("<@"), std::string::npos) << text;
  EXPECT_NE(text.find("a &amp; b"), std::string::npos) << text;
  expect_conforms(calls);
  EXPECT_EQ(escape_mrkdwn("<&>"), "&lt;&amp;&gt;");
}

TEST(SlackRender, InlineMarkup) {
  struct Case {
    const char* name;
    std::vector<Span> spans;
    std::string want;
  };
  Span link{Span::Style::link, "the guide", "https://example.com/a?b=1&c=<2>|3"};
  Span bad_link{Span::Style::link, "click", "javascript:alert(1)"};
  Span mail{Span::Style::link, "", "mailto:security@example.com"};
  Span pipe_label{Span::Style::link, "a|b > c", "https://example.com"};
  const Case cases[] = {
      {"bold", {core::plain("a "), core::bold("strong"), core::plain(".")}, "a *strong*."},
      {"italic", {core::plain("a "), core::italic("soft")}, "a _soft_"},
      {"code", {core::code("x < y && z")}, "`x &lt; y &amp;&amp; z`"},
      {"code with a backtick stays plain", {core::code("a`b")}, "a`b"},
      {"spaces stay outside markers",
       {core::plain("x"), core::bold(" y "), core::plain("z")},
       "x *y* z"},
      {"a marker inside is left unformatted", {core::bold("2*3")}, "2*3"},
      {"bold over two lines", {core::bold("one\ntwo")}, "*one*\n*two*"},
      {"link", {link}, "<https://example.com/a?b=1&amp;c=%3C2%3E%7C3|the guide>"},
      {"javascript link keeps only its text", {bad_link}, "click"},
      {"link without text", {mail}, "<mailto:security@example.com>"},
      {"a '|' and '>' in the label", {pipe_label}, "<https://example.com|a|b &gt; c>"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto parts = render_parts({core::paragraph(c.spans)}, {});
    ASSERT_EQ(parts.size(), 1u);
    EXPECT_EQ(section_text(parts[0].blocks[0]), c.want);
  }
}

TEST(SlackRender, BlocksOfADocument) {
  core::Doc doc{
      core::paragraph("📘 Phishing basics · Lesson 1/3"),
      Block{Block::Kind::heading, {core::plain("Spot the <fake> sender")}, 0},
      core::paragraph("First paragraph."),
      Block{Block::Kind::bullet, {core::plain("one")}, 0},
      Block{Block::Kind::bullet, {core::plain("two")}, 0},
      Block{Block::Kind::numbered, {core::plain("first")}, 1},
      Block{Block::Kind::quote, {core::plain("quoted\nline")}, 0},
      Block{Block::Kind::code, {core::plain("if a < b:\n  go()")}, 0},
      core::paragraph({core::italic("3 lessons · ~5 min")}),
      core::paragraph("   "),  // blank: left out
  };
  auto parts = render_parts(doc, {});
  ASSERT_EQ(parts.size(), 1u);
  const json& b = parts[0].blocks;
  ASSERT_EQ(b.size(), 4u) << b.dump(1);
  EXPECT_EQ(section_text(b[0]), "📘 Phishing basics · Lesson 1/3");
  EXPECT_EQ(b[1]["type"], "header");
  EXPECT_EQ(b[1]["text"]["type"], "plain_text");
  EXPECT_EQ(b[1]["text"]["text"], "Spot the <fake> sender");  // plain_text is shown literally
  EXPECT_EQ(section_text(b[2]),
            "First paragraph.\n\n• one\n• two\n\n1. first\n\n> quoted\n> line\n\n"
            "```if a &lt; b:\n  go()```");
  EXPECT_EQ(b[3]["type"], "context");
  EXPECT_EQ(b[3]["elements"][0]["text"], "3 lessons · ~5 min");
  EXPECT_NE(parts[0].text.find("Spot the &lt;fake&gt; sender"), std::string::npos);
  expect_conforms(render(send_of(doc)));
}

TEST(SlackRender, LongHeadingBecomesABoldSection) {
  const std::string title(160, 'h');
  auto parts = render_parts({Block{Block::Kind::heading, {core::plain(title)}, 0}}, {});
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].blocks[0]["type"], "section");
  EXPECT_EQ(section_text(parts[0].blocks[0]), "*" + title + "*");
}

std::string words(std::size_t n, std::string_view word = "lorem") {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0) s += ' ';
    s += word;
  }
  return s;
}

TEST(SlackRender, SplitsLongTextAt3000CharactersAtWordBoundaries) {
  const std::string text = words(1500);  // 8999 characters
  auto parts = render_parts({core::paragraph({core::plain("Intro: "), core::bold(text)})}, {});
  ASSERT_EQ(parts.size(), 1u);
  const json& blocks = parts[0].blocks;
  ASSERT_GE(blocks.size(), 4u);
  std::string joined;
  for (const json& block : blocks) {
    const std::string t = section_text(block);
    EXPECT_LE(utf16_length(t), kMaxSectionChars);
    if (&block != &blocks.back()) {
      EXPECT_GE(utf16_length(t), kMaxSectionChars - 10) << "pieces are filled";
    }
    // Every piece of the bold run opens and closes its own markers.
    EXPECT_EQ(std::count(t.begin(), t.end(), '*') % 2, 0) << t;
    EXPECT_FALSE(t.starts_with(' ') || t.ends_with(' '));
    if (!joined.empty()) joined += ' ';
    joined += t;
  }
  std::erase(joined, '*');
  EXPECT_EQ(joined, "Intro: " + text);  // nothing lost, cut only at spaces
  expect_conforms(render(send_of({core::paragraph(text)})));
}

TEST(SlackRender, SplitCountsUtf16AndEscapes) {
  // 2000 emoji are 4000 UTF-16 units; 1000 '&' are 5000 characters once escaped.
  std::string emoji;
  for (int i = 0; i < 2000; ++i) emoji += "😀";
  auto parts = render_parts({core::paragraph(emoji), core::paragraph(std::string(1000, '&'))}, {});
  ASSERT_EQ(parts.size(), 1u);
  std::size_t amps = 0;
  for (const json& block : parts[0].blocks) {
    const std::string t = section_text(block);
    EXPECT_LE(utf16_length(t), kMaxSectionChars);
    for (std::size_t at = t.find("&amp;"); at != std::string::npos; at = t.find("&amp;", at + 1)) {
      ++amps;
    }
  }
  EXPECT_EQ(amps, 1000u);
  expect_conforms(
      render(send_of({core::paragraph(emoji), core::paragraph(std::string(1000, '&'))})));
}

TEST(SlackRender, MoreThan50BlocksGoInSeveralMessagesButtonsOnTheLast) {
  core::Doc doc;
  for (int i = 0; i < 120; ++i) {
    doc.push_back(Block{Block::Kind::heading, {core::plain("Heading " + std::to_string(i))}, 0});
  }
  core::Keyboard keyboard{{{"Continue ▸", "mc1|n|phishing-basics|0"}}, {{"All courses", "mc1|c"}}};
  auto calls = render(send_of(doc, keyboard));
  ASSERT_EQ(calls.size(), 3u);
  std::size_t headers = 0;
  for (std::size_t i = 0; i < calls.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(calls[i].method, "chat.postMessage");
    EXPECT_EQ(calls[i].params["channel"], "D0DM000001");
    const json& blocks = calls[i].params["blocks"];
    EXPECT_LE(blocks.size(), kMaxMessageBlocks);
    for (const json& b : blocks) {
      if (b["type"] == "header") ++headers;
      EXPECT_TRUE(b["type"] != "actions" || i + 1 == calls.size()) << "buttons before the end";
    }
    EXPECT_FALSE(calls[i].params["text"].get<std::string>().empty());
  }
  EXPECT_EQ(headers, 120u);
  const json& last = calls.back().params["blocks"];
  EXPECT_EQ(last[last.size() - 1]["type"], "actions");
  EXPECT_EQ(last[last.size() - 2]["type"], "actions");
  expect_conforms(calls);
}

TEST(SlackRender, Buttons) {
  core::Keyboard keyboard;
  keyboard.push_back({{"Continue " + std::string(90, 'x'), "mc1|e|long"}});
  keyboard.push_back({{"Dropped: no data", ""}, {"  ", "mc1|c"}, {"Kept", "mc1|p"}});
  std::vector<core::Button> wide;
  for (int i = 0; i < 30; ++i) wide.push_back({"B" + std::to_string(i), "v" + std::to_string(i)});
  keyboard.push_back(wide);
  auto parts = render_parts({core::paragraph("Pick one")}, keyboard);
  ASSERT_EQ(parts.size(), 1u);
  const json& blocks = parts[0].blocks;
  ASSERT_EQ(blocks.size(), 5u) << blocks.dump(1);  // text, row 1, row 2, 25 + 5
  std::set<std::string> action_ids;
  std::size_t buttons = 0;
  for (std::size_t i = 1; i < blocks.size(); ++i) {
    EXPECT_EQ(blocks[i]["type"], "actions");
    EXPECT_LE(blocks[i]["elements"].size(), kMaxActionElements);
    for (const json& e : blocks[i]["elements"]) {
      ++buttons;
      action_ids.insert(e["action_id"].get<std::string>());
      EXPECT_LE(utf16_length(e["text"]["text"].get<std::string>()), kMaxButtonChars);
    }
  }
  EXPECT_EQ(buttons, 32u);
  EXPECT_EQ(action_ids.size(), buttons);
  const json& first = blocks[1]["elements"][0];
  EXPECT_EQ(first["value"], "mc1|e|long");
  EXPECT_EQ(utf16_length(first["text"]["text"].get<std::string>()), kMaxButtonChars);
  EXPECT_TRUE(first["text"]["text"].get<std::string>().ends_with("…"));
  EXPECT_EQ(blocks[2]["elements"].size(), 1u);
  EXPECT_EQ(blocks[2]["elements"][0]["value"], "mc1|p");
  EXPECT_EQ(blocks[3]["elements"].size(), 25u);
  EXPECT_EQ(blocks[4]["elements"].size(), 5u);
  expect_conforms(render(send_of({core::paragraph("Pick one")}, keyboard)));
}

TEST(SlackRender, FallbackTextOnEveryMessage) {
  // Buttons alone still get a text (their labels); a long body's text is cut.
  auto only_buttons = render(send_of({}, {{{"Start <now>", "mc1|c"}}}));
  ASSERT_EQ(only_buttons.size(), 1u);
  EXPECT_EQ(only_buttons[0].params["text"], "Start &lt;now&gt;");
  auto long_body = render(send_of({core::paragraph(words(2000, "a&b"))}));
  for (const ApiCall& call : long_body) {
    const std::string text = call.params["text"];
    EXPECT_LE(utf16_length(text), kMaxFallbackChars);
    EXPECT_TRUE(text.ends_with("…"));
    EXPECT_TRUE(text.find("&am…") == std::string::npos && text.find("&a…") == std::string::npos);
  }
  expect_conforms(long_body);
  EXPECT_TRUE(render(send_of({})).empty());  // nothing to say: nothing sent
}

TEST(SlackRender, EditUpdatesTheMessageAndRemovesItsButtons) {
  core::Outbound edit = send_of(
      {core::paragraph("Question"),
       core::paragraph({core::plain("Your answer: "), core::bold("B"), core::plain(" ✅")})});
  edit.kind = core::Outbound::Kind::edit;
  edit.ref = "1700000000.000100";
  auto calls = render(edit);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].method, "chat.update");
  EXPECT_EQ(calls[0].params["channel"], "D0DM000001");
  EXPECT_EQ(calls[0].params["ts"], "1700000000.000100");
  EXPECT_FALSE(calls[0].params["text"].get<std::string>().empty());
  for (const json& b : calls[0].params["blocks"]) EXPECT_NE(b["type"], "actions");
  expect_conforms(calls);

  edit.ref = "not-a-ts";
  calls = render(edit);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].method, "chat.postMessage");
}

TEST(SlackRender, AckRendersNothing) {
  core::Outbound ack = send_of({core::paragraph("✅ Correct")});
  ack.kind = core::Outbound::Kind::ack;
  ack.ref = "";
  EXPECT_TRUE(render(ack).empty());
}

TEST(SlackRender, HomeViewIsPublishedForTheLearner) {
  core::Doc doc{Block{Block::Kind::heading, {core::plain("Your learning")}, 0}};
  core::Keyboard keyboard;
  for (int i = 0; i < 150; ++i) {
    doc.push_back(Block{Block::Kind::heading, {core::plain("Course " + std::to_string(i))}, 0});
  }
  for (int i = 0; i < 5; ++i)
    keyboard.push_back({{"Start " + std::to_string(i), "mc1|e|c" + std::to_string(i)}});
  core::Outbound home = send_of(doc, keyboard);
  home.kind = core::Outbound::Kind::home;
  home.to.chat = "D0DM000001";
  auto calls = render(home);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].method, "views.publish");
  EXPECT_EQ(calls[0].params["user_id"], "U0LEARNER1");
  const json& view = calls[0].params["view"];
  EXPECT_EQ(view["type"], "home");
  ASSERT_EQ(view["blocks"].size(), kMaxHomeBlocks);
  // The text was cut, the buttons were not.
  int actions = 0;
  for (const json& b : view["blocks"]) actions += b["type"] == "actions" ? 1 : 0;
  EXPECT_EQ(actions, 5);
  expect_conforms(calls);

  home.learner = "telegram:1:2";
  EXPECT_TRUE(render(home).empty());
}

TEST(SlackRender, NoChannelNothingSent) {
  core::Outbound m = send_of({core::paragraph("hi")});
  m.to.chat.clear();
  EXPECT_TRUE(render(m).empty());
}

}  // namespace
}  // namespace mc::slack
