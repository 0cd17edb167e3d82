#include "adapters/telegram/parse.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>

#include "bot_api_spec.hpp"

namespace mc::telegram {
namespace {

using Kind = core::Inbound::Kind;
using Status = Parsed::Status;
using testing::read_fixture;

const BotIdentity kBot{"777000111", "MicroCourseBot"};

/// What one parse must produce. For events every field is compared; for ignored and malformed
/// results only the status and a word of the reason.
struct Expect {
  Status status = Status::event;
  Kind kind = Kind::text;
  std::string update_id;
  std::string user;  ///< learner = telegram:<bot>:<user>
  std::string chat;
  std::string display_name;
  std::string name;
  std::string text;
  std::string origin;
  std::string interaction;
  bool group = false;
  std::string reason;  ///< a substring of the reason (ignored, malformed)

  Expect& with_name(std::string v) {
    name = std::move(v);
    return *this;
  }
  Expect& with_text(std::string v) {
    text = std::move(v);
    return *this;
  }
  Expect& with_origin(std::string v) {
    origin = std::move(v);
    return *this;
  }
  Expect& with_interaction(std::string v) {
    interaction = std::move(v);
    return *this;
  }
  Expect& in_group() {
    group = true;
    return *this;
  }
};

Expect event(Kind kind, std::string update_id, std::string user, std::string chat,
             std::string display_name) {
  Expect e;
  e.kind = kind;
  e.update_id = std::move(update_id);
  e.user = std::move(user);
  e.chat = std::move(chat);
  e.display_name = std::move(display_name);
  return e;
}

void expect_parsed(const Parsed& got, const Expect& want) {
  ASSERT_EQ(static_cast<int>(got.status), static_cast<int>(want.status)) << got.reason;
  if (want.status != Status::event) {
    EXPECT_FALSE(got.reason.empty());
    EXPECT_NE(got.reason.find(want.reason), std::string::npos) << got.reason;
    return;
  }
  const core::Inbound& e = got.event;
  EXPECT_EQ(static_cast<int>(e.kind), static_cast<int>(want.kind));
  EXPECT_EQ(e.event_id, "telegram:777000111:" + want.update_id);
  EXPECT_EQ(e.learner, "telegram:777000111:" + want.user);
  EXPECT_EQ(e.reply_to.route, "telegram:777000111");
  EXPECT_EQ(e.reply_to.chat, want.chat);
  EXPECT_EQ(e.display_name, want.display_name);
  EXPECT_EQ(e.name, want.name);
  EXPECT_EQ(e.text, want.text);
  EXPECT_EQ(e.origin, want.origin);
  EXPECT_EQ(e.interaction, want.interaction);
  EXPECT_EQ(e.group, want.group);
  EXPECT_EQ(e.reply_to.group, want.group);  // the address carries it to the rate limiter
  EXPECT_TRUE(e.time_zone.empty());
}

struct FixtureCase {
  std::string file;  ///< under tests/fixtures/
  Expect expect;
};

Expect ignored(std::string reason) {
  Expect e;
  e.status = Status::ignored;
  e.reason = std::move(reason);
  return e;
}
Expect malformed(std::string reason) {
  Expect e;
  e.status = Status::malformed;
  e.reason = std::move(reason);
  return e;
}

// Every file in tests/fixtures/telegram: what the bot makes of real Telegram payloads.
std::vector<FixtureCase> fixture_cases() {
  return {
      {"telegram/partial/telegraf_callback_query_game_short_name.json", malformed("update_id")},
      {"telegram/partial/telegraf_channel_post_empty.json", malformed("update_id")},
      {"telegram/partial/telegraf_start_at_bot_group.json", malformed("update_id")},
      {"telegram/partial/telegraf_start_private.json", malformed("update_id")},
      {"telegram/partial/telegraf_start_with_payload.json", malformed("update_id")},
      {"telegram/partial/teloxide_wrapped_empty_message.json", ignored("without a sender")},
      {"telegram/updates/teloxide_chat_boost.json", ignored("chat_boost")},
      {"telegram/updates/teloxide_message_reaction_anonymous.json", ignored("message_reaction")},
      {"telegram/updates/teloxide_message_reaction_count.json", ignored("message_reaction_count")},
      {"telegram/updates/teloxide_message_reaction_user.json", ignored("message_reaction")},
      {"telegram/updates/teloxide_my_chat_member_kicked.json",
       event(Kind::blocked, "0", "0", "0", "FN LN")},
      {"telegram/updates/teloxide_private_text_digit.json",
       event(Kind::text, "306197398", "408258968", "408258968", "Hirrolot").with_text("4")},
      {"telegram/updates/teloxide_private_text_link_preview.json",
       event(Kind::text, "892252934", "218485655", "218485655", "Waffle").with_text("hello there")},
      {"telegram/updates/teloxide_purchased_paid_media.json", ignored("purchased_paid_media")},
      {"telegram/updates/teloxide_removed_chat_boost.json", ignored("removed_chat_boost")},
      {"telegram/updates/teloxide_supergroup_command_reply_to_story.json",
       event(Kind::command, "439432600", "5964236329", "-1001293752024", "the Cable Guy")
           .with_name("report")
           .in_group()},
      {"telegram/updates/teloxide_supergroup_dice.json", ignored("dice")},
      {"telegram/updates/teloxide_supergroup_pinned_message.json", ignored("pinned_message")},
      {"telegram/updates/teloxide_supergroup_story_only.json", ignored("story")},
      {"telegram/updates/teloxide_unknown_update_kind.json", ignored("new_update_kind")},
      {"telegram/updates/teloxide_wrapped_anonymous_admin_forward.json",
       ignored("on behalf of a chat")},
      {"telegram/updates/teloxide_wrapped_callback_query_game.json",
       event(Kind::press, "900000013", "12345", "12345", "firstName")
           .with_text("some_data")
           .with_origin("")
           .with_interaction("id")},
      {"telegram/updates/teloxide_wrapped_forum_topic_message.json",
       event(Kind::text, "900000008", "1253681278", "-1001847508954", "вафель'")
           .with_text("blah")
           .in_group()},
      {"telegram/updates/teloxide_wrapped_media_group_video.json", ignored("video")},
      {"telegram/updates/teloxide_wrapped_photo_caption_entities.json", ignored("photo")},
      {"telegram/updates/teloxide_wrapped_photo_only.json", ignored("photo")},
      {"telegram/updates/teloxide_wrapped_poll_answer_user.json", ignored("poll_answer")},
      {"telegram/updates/teloxide_wrapped_poll_answer_user_and_voter_chat.json",
       ignored("poll_answer")},
      {"telegram/updates/teloxide_wrapped_poll_answer_voter_chat.json", ignored("poll_answer")},
      {"telegram/updates/teloxide_wrapped_sticker_only.json", ignored("sticker")},
      {"telegram/updates/teloxide_wrapped_video.json", ignored("video")},
  };
}

TEST(TelegramParse, EveryFixture) {
  for (const FixtureCase& c : fixture_cases()) {
    SCOPED_TRACE(c.file);
    expect_parsed(parse_update(read_fixture(c.file), kBot), c.expect);
  }
}

TEST(TelegramParse, TheFixtureTableCoversEveryFixtureFile) {
  std::set<std::string> listed;
  for (const FixtureCase& c : fixture_cases()) listed.insert(c.file);
  const std::filesystem::path root = std::filesystem::path(MC_SOURCE_DIR) / "tests" / "fixtures";
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root / "telegram")) {
    if (entry.path().extension() != ".json" || entry.path().filename() == "manifest.json") continue;
    ++files;
    const std::string relative = std::filesystem::relative(entry.path(), root).generic_string();
    EXPECT_TRUE(listed.contains(relative)) << relative << " has no expectation";
  }
  EXPECT_EQ(files, listed.size());
  EXPECT_EQ(files, 31U);
}

// The manifest says which HTTP status a correct server answers; ours follows from the status
// (event and ignored -> 200, malformed -> 400).
TEST(TelegramParse, AgreesWithTheManifestStatus) {
  const auto manifest = nlohmann::json::parse(read_fixture("manifest.json"));
  std::size_t checked = 0;
  for (const auto& fixture : manifest.at("fixtures")) {
    if (fixture.at("platform") != "telegram") continue;
    const std::string file = fixture.at("file");
    SCOPED_TRACE(file);
    const Parsed parsed = parse_update(read_fixture(file), kBot);
    const int status = parsed.status == Status::malformed ? 400 : 200;
    const auto& allowed = fixture.at("expect_status");
    EXPECT_NE(std::find(allowed.begin(), allowed.end(), status), allowed.end())
        << "we answer " << status << ": " << parsed.reason;
    ++checked;
  }
  EXPECT_EQ(checked, 31U);
}

// Hand-written updates shaped like the examples in https://core.telegram.org/bots/api.
constexpr const char* kStart = R"({"update_id": 10001, "message": {"message_id": 1,
  "from": {"id": 5551234, "is_bot": false, "first_name": "Ada", "last_name": "Lovelace",
           "username": "ada", "language_code": "en"},
  "chat": {"id": 5551234, "first_name": "Ada", "last_name": "Lovelace", "type": "private"},
  "date": 1700000000, "text": "/start",
  "entities": [{"offset": 0, "length": 6, "type": "bot_command"}]}})";

std::string private_text(const std::string& text) {
  nlohmann::json update = nlohmann::json::parse(kStart);
  update["message"]["text"] = text;
  update["message"].erase("entities");
  return update.dump();
}

std::string group_text(const std::string& text) {
  nlohmann::json update = nlohmann::json::parse(kStart);
  update["message"]["text"] = text;
  update["message"]["chat"] = {
      {"id", -1001234567890}, {"title", "Study group"}, {"type", "supergroup"}};
  return update.dump();
}

Expect private_event(Kind kind, std::string name, std::string text) {
  return event(kind, "10001", "5551234", "5551234", "Ada Lovelace")
      .with_name(std::move(name))
      .with_text(std::move(text));
}

Expect group_event(Kind kind, std::string name, std::string text) {
  Expect e = private_event(kind, std::move(name), std::move(text));
  e.chat = "-1001234567890";
  e.group = true;
  return e;
}

struct BodyCase {
  const char* name;
  std::string body;
  Expect expect;
};

TEST(TelegramParse, Messages) {
  const BodyCase cases[] = {
      {"/start", kStart, private_event(Kind::command, "start", "")},
      {"/start with a deep-link payload", private_text("/start intro-course"),
       private_event(Kind::command, "start", "intro-course")},
      {"payload is trimmed", private_text("/start   intro-course  \n"),
       private_event(Kind::command, "start", "intro-course")},
      {"arguments keep inner spaces", private_text("/answer 2 b"),
       private_event(Kind::command, "answer", "2 b")},
      {"command after a line break", private_text("/progress\nplease"),
       private_event(Kind::command, "progress", "please")},
      {"name is lower-cased", private_text("/Progress"),
       private_event(Kind::command, "progress", "")},
      {"/cmd@OurBot", group_text("/next@MicroCourseBot"), group_event(Kind::command, "next", "")},
      {"/cmd@ourbot, any case", group_text("/NEXT@microcoursebot now"),
       group_event(Kind::command, "next", "now")},
      {"/cmd@OtherBot is not ours", group_text("/next@OtherBot"), ignored("another bot")},
      {"/cmd@OtherBot in private too", private_text("/start@SomeOtherBot"), ignored("another bot")},
      {"plain text", private_text("What is a monad?"),
       private_event(Kind::text, "", "What is a monad?")},
      {"text keeps its spaces", private_text("  b  "), private_event(Kind::text, "", "  b  ")},
      {"a lone slash is text", private_text("/"), private_event(Kind::text, "", "/")},
      {"a slash later is text", private_text("and/or"), private_event(Kind::text, "", "and/or")},
      {"group text", group_text("hello"), group_event(Kind::text, "", "hello")},
      {"from a bot",
       R"({"update_id": 10002, "message": {"message_id": 2, "date": 1700000000,
           "from": {"id": 42, "is_bot": true, "first_name": "Echo", "username": "echo_bot"},
           "chat": {"id": -100987, "title": "g", "type": "supergroup"}, "text": "/start"}})",
       ignored("bot")},
      {"channel post",
       R"({"update_id": 10003, "channel_post": {"message_id": 3, "date": 1700000000,
           "sender_chat": {"id": -100555, "title": "News", "type": "channel"},
           "chat": {"id": -100555, "title": "News", "type": "channel"}, "text": "hi"}})",
       ignored("channel_post")},
      {"edited message",
       R"({"update_id": 10004, "edited_message": {"message_id": 4, "date": 1700000000,
           "edit_date": 1700000100, "from": {"id": 5551234, "is_bot": false, "first_name": "A"},
           "chat": {"id": 5551234, "type": "private"}, "text": "/start"}})",
       ignored("edited_message")},
      {"null optional fields are absent",
       R"({"update_id": 10005, "message": {"message_id": 5, "date": 1, "sender_chat": null,
           "from": {"id": 7, "is_bot": false, "first_name": "N", "last_name": null},
           "chat": {"id": 7, "type": "private"}, "text": "hi"}})",
       event(Kind::text, "10005", "7", "7", "N").with_text("hi")},
  };
  for (const BodyCase& c : cases) {
    SCOPED_TRACE(c.name);
    expect_parsed(parse_update(c.body, kBot), c.expect);
  }
}

constexpr const char* kCallbackWithMessage = R"({"update_id": 20001, "callback_query": {
  "id": "4382bfdwdsb323b2d9", "chat_instance": "-7021734928345",
  "from": {"id": 5551234, "is_bot": false, "first_name": "Ada", "language_code": "en"},
  "message": {"message_id": 77, "date": 1700000000,
    "from": {"id": 777000111, "is_bot": true, "first_name": "Micro", "username": "MicroCourseBot"},
    "chat": {"id": 5551234, "first_name": "Ada", "type": "private"},
    "text": "Which one?",
    "reply_markup": {"inline_keyboard": [[{"text": "A", "callback_data": "a|intro|3|0"}]]}},
  "data": "a|intro|3|0"}})";

TEST(TelegramParse, CallbackQueries) {
  auto with = [](auto&& edit) {
    nlohmann::json update = nlohmann::json::parse(kCallbackWithMessage);
    edit(update["callback_query"]);
    return update.dump();
  };
  const Expect press = event(Kind::press, "20001", "5551234", "5551234", "Ada")
                           .with_text("a|intro|3|0")
                           .with_origin("77")
                           .with_interaction("4382bfdwdsb323b2d9");
  Expect inline_press = press;
  inline_press.origin = "";
  Expect no_data = press;
  no_data.text = "";
  Expect in_group = press;
  in_group.chat = "-100777";
  in_group.group = true;
  Expect numeric_id = press;
  numeric_id.interaction = "123456789";

  const BodyCase cases[] = {
      {"with message", kCallbackWithMessage, press},
      {"inline message: answers go to the user's chat", with([](auto& q) {
         q.erase("message");
         q["inline_message_id"] = "AAAAAHm5bwAAAAB";
       }),
       inline_press},
      {"game button without data still gets answered", with([](auto& q) {
         q.erase("data");
         q["game_short_name"] = "quiz";
       }),
       no_data},
      {"inaccessible message (date 0) still has chat and id", with([](auto& q) {
         q["message"] = {
             {"chat", {{"id", 5551234}, {"type", "private"}}}, {"message_id", 77}, {"date", 0}};
       }),
       press},
      {"message in a group", with([](auto& q) {
         q["message"]["chat"] = {{"id", -100777}, {"title", "g"}, {"type", "group"}};
       }),
       in_group},
      {"old docs: numeric query id", with([](auto& q) { q["id"] = 123456789; }), numeric_id},
      {"without id it can't be answered", with([](auto& q) { q.erase("id"); }), malformed("id")},
      {"without from", with([](auto& q) { q.erase("from"); }), malformed("sender")},
      {"data of the wrong type is no data", with([](auto& q) { q["data"] = 5; }), no_data},
  };
  for (const BodyCase& c : cases) {
    SCOPED_TRACE(c.name);
    expect_parsed(parse_update(c.body, kBot), c.expect);
  }
}

constexpr const char* kBlocked = R"({"update_id": 30001, "my_chat_member": {
  "chat": {"id": 5551234, "first_name": "Ada", "type": "private"},
  "from": {"id": 5551234, "is_bot": false, "first_name": "Ada"},
  "date": 1700000000,
  "old_chat_member": {"user": {"id": 777000111, "is_bot": true, "first_name": "Micro",
                               "username": "MicroCourseBot"}, "status": "member"},
  "new_chat_member": {"user": {"id": 777000111, "is_bot": true, "first_name": "Micro",
                               "username": "MicroCourseBot"}, "status": "kicked",
                      "until_date": 0}}})";

TEST(TelegramParse, ChatMemberUpdates) {
  auto with = [](auto&& edit) {
    nlohmann::json update = nlohmann::json::parse(kBlocked);
    edit(update["my_chat_member"]);
    return update.dump();
  };
  const BodyCase cases[] = {
      {"blocked in private", kBlocked, event(Kind::blocked, "30001", "5551234", "5551234", "Ada")},
      {"unblocked", with([](auto& m) {
         m["old_chat_member"]["status"] = "kicked";
         m["new_chat_member"]["status"] = "member";
       }),
       ignored("member")},
      {"removed from a group", with([](auto& m) {
         m["chat"] = {{"id", -100777}, {"title", "g"}, {"type", "group"}};
       }),
       ignored("group")},
      {"chat_member (someone else) is not about us",
       R"({"update_id": 30002, "chat_member": {"chat": {"id": -100777, "type": "group"}}})",
       ignored("chat_member")},
  };
  for (const BodyCase& c : cases) {
    SCOPED_TRACE(c.name);
    expect_parsed(parse_update(c.body, kBot), c.expect);
  }
}

TEST(TelegramParse, BadBodiesAreMalformedNeverACrash) {
  const std::string start = kStart;
  const BodyCase cases[] = {
      {"empty body", "", malformed("JSON")},
      {"not JSON", "update_id=1&message=hi", malformed("JSON")},
      {"truncated JSON", start.substr(0, start.size() / 2), malformed("JSON")},
      {"trailing garbage", start + "}", malformed("JSON")},
      {"invalid UTF-8 in a string", "{\"update_id\": 1, \"message\": \"\xff\xfe\"}",
       malformed("JSON")},
      {"array", "[1, 2, 3]", malformed("object")},
      {"string", "\"update\"", malformed("object")},
      {"number", "42", malformed("object")},
      {"null", "null", malformed("object")},
      {"no update_id", R"({"message": {"text": "hi"}})", malformed("update_id")},
      {"update_id as string", R"({"update_id": "10001", "poll": {}})", malformed("update_id")},
      {"update_id as float", R"({"update_id": 1.5, "poll": {}})", malformed("update_id")},
      {"update_id negative", R"({"update_id": -3, "poll": {}})", malformed("update_id")},
      {"message is a string", R"({"update_id": 1, "message": "hi"})", malformed("message")},
      {"message without chat", R"({"update_id": 1, "message": {"text": "hi"}})", malformed("chat")},
      {"chat id as string",
       R"({"update_id": 1, "message": {"chat": {"id": "5", "type": "private"},
           "from": {"id": 5, "is_bot": false, "first_name": "A"}, "text": "hi"}})",
       malformed("chat")},
      {"from is a number",
       R"({"update_id": 1, "message": {"chat": {"id": 5, "type": "private"}, "from": 5,
           "text": "hi"}})",
       malformed("from")},
      {"text is a number",
       R"({"update_id": 1, "message": {"chat": {"id": 5, "type": "private"},
           "from": {"id": 5, "is_bot": false, "first_name": "A"}, "text": 4}})",
       malformed("text")},
      {"callback_query is an array", R"({"update_id": 1, "callback_query": []})",
       malformed("callback_query")},
      {"my_chat_member is a string", R"({"update_id": 1, "my_chat_member": "x"})",
       malformed("my_chat_member")},
      {"only an update_id", R"({"update_id": 1})", ignored("without content")},
  };
  for (const BodyCase& c : cases) {
    SCOPED_TRACE(c.name);
    expect_parsed(parse_update(c.body, kBot), c.expect);
  }
}

TEST(TelegramParse, DeeplyNestedJsonIsRejectedWithoutExhaustingTheStack) {
  // A webhook body may be up to the server's body limit (1 MiB): 500k nested arrays.
  const std::string body = std::string(500'000, '[') + std::string(500'000, ']');
  const Parsed parsed = parse_update(body, kBot);
  EXPECT_EQ(parsed.status, Status::malformed);
  const std::string nested_value =
      R"({"update_id": 1, "poll": )" + std::string(200'000, '[') + std::string(200'000, ']') + "}";
  EXPECT_EQ(parse_update(nested_value, kBot).status, Status::ignored);
}

TEST(TelegramParse, RouteOfTheBot) { EXPECT_EQ(route_of(kBot), "telegram:777000111"); }

}  // namespace
}  // namespace mc::telegram
