#include "adapters/telegram/render.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "bot/core/markup.hpp"
#include "bot/core/text.hpp"
#include "bot_api_spec.hpp"

namespace mc::telegram {
namespace {

using core::Block;
using core::Doc;
using core::Span;
using nlohmann::json;
using testing::BotApiSpec;

// ---- helpers: read our own HTML back the way Telegram does ----

/// The text Telegram shows for `html`: tags removed, the four entities we emit decoded. Fails the
/// test on any other entity (we must never emit or split one).
std::string visible_text(std::string_view html) {
  std::string out;
  for (std::size_t i = 0; i < html.size();) {
    if (html[i] == '<') {
      i = html.find('>', i) + 1;
      continue;
    }
    if (html[i] == '&') {
      const std::size_t end = html.find(';', i);
      const std::string_view entity = html.substr(i, end - i + 1);
      if (entity == "&lt;") {
        out += '<';
      } else if (entity == "&gt;") {
        out += '>';
      } else if (entity == "&amp;") {
        out += '&';
      } else if (entity == "&quot;") {
        out += '"';
      } else {
        ADD_FAILURE() << "unexpected entity " << entity;
      }
      i = end + 1;
      continue;
    }
    out += html[i++];
  }
  return out;
}

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80           ? 1
                    : (c >> 5) == 0x6  ? 2
                    : (c >> 4) == 0xE  ? 3
                    : (c >> 3) == 0x1E ? 4
                                       : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

/// Tags open and close in nested order, and only the tags Telegram's HTML mode knows.
::testing::AssertionResult well_formed(std::string_view html) {
  std::vector<std::string> open;
  for (std::size_t i = html.find('<'); i != std::string_view::npos; i = html.find('<', i + 1)) {
    const std::size_t end = html.find('>', i);
    if (end == std::string_view::npos) return ::testing::AssertionFailure() << "unclosed <";
    std::string tag(html.substr(i + 1, end - i - 1));
    const bool closing = tag.starts_with('/');
    if (closing) tag.erase(0, 1);
    tag = tag.substr(0, tag.find(' '));
    if (tag != "b" && tag != "i" && tag != "code" && tag != "pre" && tag != "a" &&
        tag != "blockquote") {
      return ::testing::AssertionFailure() << "unknown tag " << tag << " in " << html;
    }
    if (!closing) {
      open.push_back(tag);
    } else if (open.empty() || open.back() != tag) {
      return ::testing::AssertionFailure() << "misnested </" << tag << "> in " << html;
    } else {
      open.pop_back();
    }
  }
  if (!open.empty()) return ::testing::AssertionFailure() << "<" << open.back() << "> left open";
  return ::testing::AssertionSuccess();
}

std::string without_whitespace(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c != ' ' && c != '\n') out += c;
  }
  return out;
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += separator;
    out += parts[i];
  }
  return out;
}

std::vector<std::string> visible_texts(const std::vector<std::string>& chunks) {
  std::vector<std::string> out;
  for (const auto& chunk : chunks) out.push_back(visible_text(chunk));
  return out;
}

/// Every chunk: within the limit, well-formed, valid UTF-8, not blank.
void expect_sound_chunks(const std::vector<std::string>& chunks, std::size_t limit) {
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    SCOPED_TRACE("chunk " + std::to_string(i));
    EXPECT_LE(html_visible_length(chunks[i]), limit);
    EXPECT_LE(core::utf8_length(visible_text(chunks[i])), limit);
    EXPECT_FALSE(without_whitespace(visible_text(chunks[i])).empty());  // Telegram: "text is empty"
    EXPECT_TRUE(well_formed(chunks[i]));
    EXPECT_TRUE(valid_utf8(chunks[i]));
  }
}

void expect_conforms(const std::vector<ApiCall>& calls) {
  for (const ApiCall& call : calls) {
    SCOPED_TRACE(call.method + " " + call.params.dump());
    const auto problems = BotApiSpec::instance().problems(call);
    EXPECT_TRUE(problems.empty()) << join(problems, "\n");
    if (call.params.contains("text") && call.method != "answerCallbackQuery") {
      const std::string text = call.params["text"];
      EXPECT_GE(html_visible_length(text), 1U);
      EXPECT_LE(html_visible_length(text), kMaxMessageChars);
      EXPECT_TRUE(well_formed(text));
    }
  }
}

core::Outbound outbound(core::Outbound::Kind kind, Doc body, core::Keyboard keyboard = {},
                        std::string ref = {}) {
  core::Outbound m;
  m.kind = kind;
  m.learner = "telegram:777000111:5551234";
  m.to = {"telegram:777000111", "5551234"};
  m.body = std::move(body);
  m.keyboard = std::move(keyboard);
  m.ref = std::move(ref);
  m.key = "telegram:777000111:1#0";
  return m;
}

/// `count` paragraphs of `size` visible characters each ("p<n> xxxx...").
Doc paragraphs(int count, std::size_t size) {
  Doc doc;
  for (int i = 0; i < count; ++i) {
    std::string text = "p" + std::to_string(i) + " ";
    while (text.size() < size) text += (text.size() % 7 == 6) ? ' ' : 'x';
    doc.push_back(core::paragraph(text.substr(0, size)));
  }
  return doc;
}

// ---- escaping and markup ----

TEST(TelegramRender, EscapeHtml) {
  EXPECT_EQ(escape_html("a < b && c > d"), "a &lt; b &amp;&amp; c &gt; d");
  EXPECT_EQ(escape_html("&lt;"), "&amp;lt;");
  EXPECT_EQ(escape_html("\"quotes\" and 'apostrophes' stay"), "\"quotes\" and 'apostrophes' stay");
  EXPECT_EQ(escape_html("Привет 👋"), "Привет 👋");
  EXPECT_EQ(escape_html(""), "");
}

TEST(TelegramRender, LessonWithSpecialCharactersArrivesIntact) {
  const Doc doc = core::parse_markdown(
      "If a < b && b > c then 2 * 3 * 4 = 24, snake_case_name stays, <script> too.\n"
      "\n"
      "Use `x < y && *p` and **bold & proud** or _maybe_.");
  const std::string html = to_html(doc);
  EXPECT_EQ(html,
            "If a &lt; b &amp;&amp; b &gt; c then 2 * 3 * 4 = 24, snake_case_name stays, "
            "&lt;script&gt; too.\n\n"
            "Use <code>x &lt; y &amp;&amp; *p</code> and <b>bold &amp; proud</b> or <i>maybe</i>.");
  EXPECT_EQ(visible_text(html), core::plain_text(doc));
  EXPECT_EQ(html_visible_length(html), core::visible_length(doc));
}

struct MarkupCase {
  const char* name;
  Doc doc;
  std::string html;
};

TEST(TelegramRender, MarkupMapping) {
  const MarkupCase cases[] = {
      {"bold, italic, code",
       {core::paragraph({core::bold("b"), core::plain(" "), core::italic("i"), core::plain(" "),
                         core::code("c")})},
       "<b>b</b> <i>i</i> <code>c</code>"},
      {"link",
       {core::paragraph({Span{Span::Style::link, "docs", "https://example.org/a?b=1&c=2"}})},
       "<a href=\"https://example.org/a?b=1&amp;c=2\">docs</a>"},
      {"link href with quotes and brackets",
       {core::paragraph({Span{Span::Style::link, "x", "https://e.org/\"><b>"}})},
       "<a href=\"https://e.org/&quot;&gt;&lt;b&gt;\">x</a>"},
      {"mailto and tg links",
       {core::paragraph({Span{Span::Style::link, "mail", "mailto:a@b.org"}, core::plain(" "),
                         Span{Span::Style::link, "me", "tg://user?id=1"}})},
       "<a href=\"mailto:a@b.org\">mail</a> <a href=\"tg://user?id=1\">me</a>"},
      {"other schemes keep only their text",
       {core::paragraph({Span{Span::Style::link, "click", "javascript:alert(1)"}, core::plain(" "),
                         Span{Span::Style::link, "f", "file:///etc/passwd"}})},
       "click f"},
      {"heading is bold",
       {Block{Block::Kind::heading, {core::plain("Lesson 1")}, 0}},
       "<b>Lesson 1</b>"},
      {"heading with bold, italic and code",
       {Block{Block::Kind::heading,
              {core::plain("Using "), core::code("std::vector"), core::plain(" is "),
               core::bold("fast"), core::plain(" & "), core::italic("easy")},
              0}},
       "<b>Using </b><code>std::vector</code><b> is fast &amp; <i>easy</i></b>"},
      {"bullets, one per line",
       {Block{Block::Kind::bullet, {core::plain("one")}, 0},
        Block{Block::Kind::bullet, {core::plain("two")}, 0}},
       "• one\n• two"},
      {"numbered keeps its numbers",
       {Block{Block::Kind::numbered, {core::plain("first")}, 3},
        Block{Block::Kind::numbered, {core::bold("second")}, 4}},
       "3. first\n4. <b>second</b>"},
      {"quote",
       {Block{Block::Kind::quote, {core::plain("Simple > complex")}, 0}},
       "<blockquote>Simple &gt; complex</blockquote>"},
      {"code block",
       {Block{Block::Kind::code, {core::plain("if (a < b)\n  return &x;")}, 0}},
       "<pre>if (a &lt; b)\n  return &amp;x;</pre>"},
      {"blocks separated by a blank line, a list by line breaks",
       core::parse_markdown("# Title\n\nIntro.\n\n- a\n- b\n\n1. x\n2. y\n\n> q\n\nEnd."),
       "<b>Title</b>\n\nIntro.\n\n• a\n• b\n\n1. x\n2. y\n\n<blockquote>q</blockquote>\n\nEnd."},
      {"empty blocks are left out",
       {core::paragraph(""), core::paragraph("a"), Block{Block::Kind::code, {}, 0}},
       "a"},
      {"empty doc", {}, ""},
  };
  for (const MarkupCase& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string html = to_html(c.doc);
    EXPECT_EQ(html, c.html);
    EXPECT_TRUE(well_formed(html));
  }
}

TEST(TelegramRender, VisibleLengthCountsCodePointsAndEntities) {
  EXPECT_EQ(html_visible_length("<b>ab</b>"), 2U);
  EXPECT_EQ(html_visible_length("&lt;&amp;&gt;&quot;"), 4U);
  EXPECT_EQ(html_visible_length("<a href=\"https://x.org/?a=1&amp;b\">x</a>"), 1U);
  EXPECT_EQ(html_visible_length("Привет👋\n"), 8U);
  EXPECT_EQ(html_visible_length(""), 0U);
}

// ---- splitting ----

TEST(TelegramRender, ShortDocIsOneChunk) {
  const Doc doc = paragraphs(3, 100);
  const auto chunks = split_html(doc);
  ASSERT_EQ(chunks.size(), 1U);
  EXPECT_EQ(chunks.front(), to_html(doc));
}

TEST(TelegramRender, LongLessonSplitsAtParagraphBoundaries) {
  const Doc doc = paragraphs(30, 500);  // 30 * 500 + 29 * 2 visible characters
  ASSERT_GT(core::visible_length(doc), kMaxMessageChars);
  const auto chunks = split_html(doc);
  ASSERT_GE(chunks.size(), 4U);
  expect_sound_chunks(chunks, kMaxMessageChars);
  // Nothing lost, nothing duplicated: the parts, joined where they were cut, are the lesson.
  EXPECT_EQ(join(visible_texts(chunks), "\n\n"), core::plain_text(doc));
  // Each part is whole paragraphs, as many as fit (8 * 500 + 7 * 2 = 4014 <= 4096).
  for (std::size_t i = 0; i + 1 < chunks.size(); ++i) {
    EXPECT_EQ(html_visible_length(chunks[i]), 8U * 500 + 7 * 2) << i;
  }
}

TEST(TelegramRender, SplitsExactlyAtTheLimit) {
  const Doc doc = paragraphs(2, 2047);  // 2047 + 2 + 2047 = 4096: fits
  EXPECT_EQ(split_html(doc).size(), 1U);
  const Doc over = paragraphs(2, 2048);  // 4098: two messages
  const auto chunks = split_html(over);
  ASSERT_EQ(chunks.size(), 2U);
  EXPECT_EQ(join(visible_texts(chunks), "\n\n"), core::plain_text(over));
}

TEST(TelegramRender, ListsSplitBetweenItems) {
  Doc doc;
  for (int i = 1; i <= 40; ++i) {
    doc.push_back(Block{Block::Kind::numbered, {core::plain(std::string(200, 'a' + i % 26))}, i});
  }
  const auto chunks = split_html(doc);
  ASSERT_GE(chunks.size(), 2U);
  expect_sound_chunks(chunks, kMaxMessageChars);
  EXPECT_EQ(join(visible_texts(chunks), "\n"), core::plain_text(doc));
  EXPECT_TRUE(visible_text(chunks[1]).starts_with(
      std::to_string(std::count(chunks[0].begin(), chunks[0].end(), '\n') + 2) + ". "));
}

TEST(TelegramRender, OverlongParagraphSplitsAtWords) {
  std::string text;
  for (int i = 0; text.size() < 10'000; ++i) text += "word" + std::to_string(i) + " ";
  text.pop_back();
  const Doc doc{core::paragraph(text)};
  const auto chunks = split_html(doc);
  ASSERT_GE(chunks.size(), 3U);
  expect_sound_chunks(chunks, kMaxMessageChars);
  EXPECT_EQ(join(visible_texts(chunks), " "), text);  // no word cut in two
}

TEST(TelegramRender, OverlongCodeBlockSplitsAtLinesAndKeepsIndentation) {
  std::string code;
  for (int i = 0; i < 400; ++i) code += "  line_" + std::to_string(i) + " = a < b;\n";
  code.pop_back();
  const Doc doc{Block{Block::Kind::code, {core::plain(code)}, 0}};
  const auto chunks = split_html(doc);
  ASSERT_GE(chunks.size(), 2U);
  expect_sound_chunks(chunks, kMaxMessageChars);
  for (const auto& chunk : chunks) {
    EXPECT_TRUE(chunk.starts_with("<pre>  line_")) << chunk.substr(0, 30);
    EXPECT_TRUE(chunk.ends_with(";</pre>"));
  }
  EXPECT_EQ(join(visible_texts(chunks), "\n"), code);
}

TEST(TelegramRender, StyledTextCutMidSpanClosesAndReopensTags) {
  std::string words;
  for (int i = 0; i < 40; ++i) words += "bold" + std::to_string(i) + " ";
  words.pop_back();
  const Doc doc{
      core::paragraph({core::plain("start "), core::bold(words),
                       Span{Span::Style::link, words, "https://example.org/?q=1&r=2"}}),
      Block{Block::Kind::heading, {core::plain(words), core::code("a<b"), core::italic(words)}, 0},
      Block{Block::Kind::quote, {core::italic(words)}, 0},
  };
  const std::size_t limit = 37;
  const auto chunks = split_html(doc, limit);
  ASSERT_GT(chunks.size(), 10U);
  expect_sound_chunks(chunks, limit);
  EXPECT_EQ(without_whitespace(join(visible_texts(chunks), "")),
            without_whitespace(core::plain_text(doc)));
  for (const auto& chunk : chunks) {
    if (chunk.find("<a ") != std::string::npos) {
      EXPECT_NE(chunk.find("href=\"https://example.org/?q=1&amp;r=2\""), std::string::npos);
    }
  }
}

TEST(TelegramRender, HardSplitNeverCutsACharacterOrAnEntity) {
  // No space, no line break: only a hard cut is possible. Mixed 1-4 byte characters and
  // characters that become entities.
  std::string text;
  for (int i = 0; i < 3000; ++i)
    text += (i % 5 == 0) ? "<" : (i % 5 == 1) ? "я" : (i % 5 == 2) ? "€" : (i % 5 == 3) ? "👋" : "&";
  const Doc doc{core::paragraph(text)};
  for (std::size_t limit : {1U, 2U, 3U, 7U, 100U, 4096U}) {
    SCOPED_TRACE(limit);
    const auto chunks = split_html(doc, limit);
    EXPECT_EQ(chunks.size(), (3000 + limit - 1) / limit);
    expect_sound_chunks(chunks, limit);
    EXPECT_EQ(join(visible_texts(chunks), ""), text);
  }
}

TEST(TelegramRender, AnyLimitKeepsEveryCharacterOnce) {
  const Doc doc = core::parse_markdown(
      "# A *small* lesson about `std::map<K, V>`\n\n"
      "Maps keep keys **sorted & unique**; see [the docs](https://en.cppreference.com/w/cpp/"
      "container/map?a=1&b=2).\n\n"
      "- insert is O(log n)\n- find is O(log n)\n\n"
      "1. declare\n2. fill\n\n"
      "> Premature optimisation is the root of all evil <sic>\n\n"
      "```\nstd::map<int, int> m;\nm[1] = 2;\n```\n\n"
      "Ünïcödé ✓ and emoji 🎓🎓🎓 at the end.");
  for (std::size_t limit = 1; limit <= 120; ++limit) {
    SCOPED_TRACE(limit);
    const auto chunks = split_html(doc, limit);
    expect_sound_chunks(chunks, limit);
    EXPECT_EQ(without_whitespace(join(visible_texts(chunks), "")),
              without_whitespace(core::plain_text(doc)));
  }
  EXPECT_EQ(split_html(doc, 0), split_html(doc, 1));
}

TEST(TelegramRender, EmptyDocHasNoChunks) {
  EXPECT_TRUE(split_html({}).empty());
  EXPECT_TRUE(split_html({core::paragraph("")}).empty());
}

// ---- calls ----

TEST(TelegramRender, SendIsOneSendMessageWithHtmlAndNoLinkPreview) {
  const auto m = outbound(core::Outbound::Kind::send, core::parse_markdown("**Hi** <you>"),
                          {{{"Start", "e|intro"}}});
  const auto calls = render(m);
  ASSERT_EQ(calls.size(), 1U);
  EXPECT_EQ(calls[0].method, "sendMessage");
  EXPECT_EQ(calls[0].params, json::parse(R"({
      "chat_id": 5551234, "text": "<b>Hi</b> &lt;you&gt;", "parse_mode": "HTML",
      "link_preview_options": {"is_disabled": true},
      "reply_markup": {"inline_keyboard": [[{"text": "Start", "callback_data": "e|intro"}]]}})"));
  expect_conforms(calls);
}

TEST(TelegramRender, ChatIdIsAnIntegerWhenItIsOne) {
  auto m = outbound(core::Outbound::Kind::send, {core::paragraph("x")});
  m.to.chat = "-1001234567890";
  EXPECT_EQ(render(m)[0].params["chat_id"], json(-1001234567890));
  m.to.chat = "@channelname";
  EXPECT_EQ(render(m)[0].params["chat_id"], json("@channelname"));
}

TEST(TelegramRender, KeyboardOnlyOnTheLastPart) {
  const auto m = outbound(core::Outbound::Kind::send, paragraphs(20, 1000),
                          {{{"Next", "n|intro|1"}}, {{"A", "a|intro|2|0"}, {"B", "a|intro|2|1"}}});
  const auto calls = render(m);
  ASSERT_GE(calls.size(), 5U);
  for (std::size_t i = 0; i < calls.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(calls[i].method, "sendMessage");
    EXPECT_EQ(calls[i].params.contains("reply_markup"), i + 1 == calls.size());
  }
  EXPECT_EQ(calls.back().params["reply_markup"]["inline_keyboard"].size(), 2U);
  EXPECT_EQ(calls.back().params["reply_markup"]["inline_keyboard"][1].size(), 2U);
  std::vector<std::string> texts;
  for (const auto& call : calls)
    texts.push_back(visible_text(call.params["text"].get<std::string>()));
  EXPECT_EQ(join(texts, "\n\n"), core::plain_text(m.body));
  expect_conforms(calls);
}

TEST(TelegramRender, ButtonDataOver64BytesIsDroppedNeverTruncated) {
  const std::string data64(64, 'd');
  const std::string data65(65, 'e');
  // 32 two-byte characters = 64 bytes; 33 = 66 bytes although only 33 characters.
  std::string cyrillic64;
  for (int i = 0; i < 32; ++i) cyrillic64 += "д";
  const std::string cyrillic66 = cyrillic64 + "д";
  const auto m = outbound(core::Outbound::Kind::send, {core::paragraph("Pick")},
                          {{{"ok64", data64}, {"too long", data65}},
                           {{"only bad", data65}},
                           {{"cyr64", cyrillic64}, {"cyr66", cyrillic66}, {"empty", ""}},
                           {{"", "no-label"}}});
  const auto calls = render(m);
  ASSERT_EQ(calls.size(), 1U);
  EXPECT_EQ(calls[0].params["reply_markup"], json::parse(R"({"inline_keyboard": [
      [{"text": "ok64", "callback_data": ")" + data64 + R"("}],
      [{"text": "cyr64", "callback_data": ")" + cyrillic64 +
                                                         R"("}]]})"));
  expect_conforms(calls);

  const auto all_bad =
      outbound(core::Outbound::Kind::send, {core::paragraph("Pick")}, {{{"too long", data65}}});
  EXPECT_FALSE(render(all_bad)[0].params.contains("reply_markup"));
}

TEST(TelegramRender, EditReplacesTextAndButtons) {
  const auto m = outbound(core::Outbound::Kind::edit, {core::paragraph("Correct! ✓")},
                          {{{"Next", "n|intro|3"}}}, "77");
  const auto calls = render(m);
  ASSERT_EQ(calls.size(), 1U);
  EXPECT_EQ(calls[0].method, "editMessageText");
  EXPECT_EQ(calls[0].params, json::parse(R"({
      "chat_id": 5551234, "message_id": 77, "text": "Correct! ✓", "parse_mode": "HTML",
      "link_preview_options": {"is_disabled": true},
      "reply_markup": {"inline_keyboard": [[{"text": "Next", "callback_data": "n|intro|3"}]]}})"));
  expect_conforms(calls);
}

TEST(TelegramRender, EditWithoutKeyboardRemovesTheButtons) {
  const auto calls =
      render(outbound(core::Outbound::Kind::edit, {core::paragraph("Answered: B")}, {}, "78"));
  ASSERT_EQ(calls.size(), 1U);
  EXPECT_EQ(calls[0].params["reply_markup"], json::parse(R"({"inline_keyboard": []})"));
  EXPECT_EQ(calls[0].params["message_id"], json(78));
  expect_conforms(calls);
}

TEST(TelegramRender, LongEditEditsTheFirstPartAndSendsTheRest) {
  const auto m =
      outbound(core::Outbound::Kind::edit, paragraphs(12, 1000), {{{"Next", "n|intro|3"}}}, "79");
  const auto calls = render(m);
  ASSERT_GE(calls.size(), 3U);
  EXPECT_EQ(calls[0].method, "editMessageText");
  EXPECT_EQ(calls[0].params["reply_markup"], json::parse(R"({"inline_keyboard": []})"));
  for (std::size_t i = 1; i < calls.size(); ++i) EXPECT_EQ(calls[i].method, "sendMessage");
  EXPECT_FALSE(calls[1].params.contains("reply_markup"));
  EXPECT_EQ(calls.back().params["reply_markup"]["inline_keyboard"][0][0]["callback_data"],
            "n|intro|3");
  std::vector<std::string> texts;
  for (const auto& call : calls)
    texts.push_back(visible_text(call.params["text"].get<std::string>()));
  EXPECT_EQ(join(texts, "\n\n"), core::plain_text(m.body));
  expect_conforms(calls);
}

TEST(TelegramRender, EditEdgeCases) {
  // No text: only the buttons change.
  const auto buttons_only = render(outbound(core::Outbound::Kind::edit, {}, {}, "80"));
  ASSERT_EQ(buttons_only.size(), 1U);
  EXPECT_EQ(buttons_only[0].method, "editMessageReplyMarkup");
  EXPECT_EQ(buttons_only[0].params, json::parse(R"({
      "chat_id": 5551234, "message_id": 80, "reply_markup": {"inline_keyboard": []}})"));
  expect_conforms(buttons_only);
  // A ref that is no message id can't be edited: the text is sent instead of being lost.
  const auto fallback =
      render(outbound(core::Outbound::Kind::edit, {core::paragraph("x")}, {}, "not-a-number"));
  ASSERT_EQ(fallback.size(), 1U);
  EXPECT_EQ(fallback[0].method, "sendMessage");
  expect_conforms(fallback);
}

TEST(TelegramRender, AckAnswersTheCallbackQuery) {
  const auto silent = render(outbound(core::Outbound::Kind::ack, {}, {}, "4382bfdwdsb323b2d9"));
  ASSERT_EQ(silent.size(), 1U);
  EXPECT_EQ(silent[0].method, "answerCallbackQuery");
  EXPECT_EQ(silent[0].params, json::parse(R"({"callback_query_id": "4382bfdwdsb323b2d9"})"));

  const auto toast =
      render(outbound(core::Outbound::Kind::ack,
                      {core::paragraph({core::bold("Saved"), core::plain(" <3")})}, {}, "q1"));
  ASSERT_EQ(toast.size(), 1U);
  EXPECT_EQ(toast[0].params, json::parse(R"({"callback_query_id": "q1", "text": "Saved <3"})"));

  std::string long_text;
  for (int i = 0; i < 300; ++i) long_text += "ж";
  const auto long_toast =
      render(outbound(core::Outbound::Kind::ack, {core::paragraph(long_text)}, {}, "q2"));
  const std::string text = long_toast[0].params["text"];
  EXPECT_EQ(core::utf8_length(text), 200U);
  EXPECT_TRUE(text.ends_with("…"));
  EXPECT_TRUE(valid_utf8(text));
  expect_conforms(silent);
  expect_conforms(toast);
  expect_conforms(long_toast);

  EXPECT_TRUE(render(outbound(core::Outbound::Kind::ack, {core::paragraph("x")}, {}, "")).empty());
}

TEST(TelegramRender, HomeAndEmptySendRenderNothing) {
  EXPECT_TRUE(render(outbound(core::Outbound::Kind::home, {core::paragraph("Home")})).empty());
  EXPECT_TRUE(render(outbound(core::Outbound::Kind::send, {}, {{{"A", "a"}}})).empty());
}

// ---- the spec checker itself: it must be able to fail ----

TEST(TelegramBotApiSpec, CatchesWhatTelegramWouldReject) {
  const BotApiSpec& spec = BotApiSpec::instance();
  EXPECT_TRUE(spec.problems({"sendMessage", {{"chat_id", 1}, {"text", "x"}}}).empty());
  EXPECT_EQ(spec.problems({"sendMesage", {{"chat_id", 1}, {"text", "x"}}}).size(), 1U);
  EXPECT_EQ(spec.problems({"sendMessage", {{"chat_id", 1}}}).size(), 1U);  // text missing
  EXPECT_EQ(
      spec.problems({"sendMessage", {{"chat_id", 1}, {"text", "x"}, {"colour", "red"}}}).size(),
      1U);
  EXPECT_EQ(spec.problems({"sendMessage", {{"chat_id", true}, {"text", "x"}}}).size(), 1U);
  EXPECT_FALSE(spec.problems({"sendMessage",
                              {{"chat_id", 1},
                               {"text", "x"},
                               {"reply_markup",
                                {{"inline_keyboard", {{{{"text", "A"}, {"callback", "a"}}}}}}}}})
                   .empty());  // unknown button field
  EXPECT_FALSE(
      spec.problems(
              {"sendMessage",
               {{"chat_id", 1}, {"text", "x"}, {"link_preview_options", {{"disabled", true}}}}})
          .empty());
  EXPECT_FALSE(spec.problems({"editMessageText", {{"text", "x"}}}).empty());  // no target
  EXPECT_FALSE(spec.problems({"answerCallbackQuery", {{"text", "x"}}}).empty());
}

}  // namespace
}  // namespace mc::telegram
