#include "adapters/slack/parse.hpp"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "fixtures.hpp"

namespace mc::slack {
namespace {

using Kind = core::Inbound::Kind;
using Status = Parsed::Status;
using nlohmann::json;
using testing::form_encode;
using testing::read_fixture;

/// What one parse must produce. For events every listed field is compared; for the other
/// statuses the status and a word of the reason.
struct Expect {
  Status status = Status::event;
  Kind kind = Kind::text;
  std::string learner;
  std::string chat;
  std::string text;
  std::string origin;
  std::string event_id;
  std::string reason;  ///< substring of the reason (ignored, malformed)
  bool outside_dm = false;
  std::string response_url;
};

void check(const Parsed& p, const Expect& want) {
  ASSERT_EQ(p.status, want.status) << "reason: " << p.reason;
  if (want.status != Status::event) {
    EXPECT_NE(p.reason.find(want.reason), std::string::npos) << p.reason;
    return;
  }
  EXPECT_EQ(p.event.kind, want.kind);
  EXPECT_EQ(p.event.learner, want.learner);
  EXPECT_EQ(p.event.reply_to.route, "slack:" + p.team);
  EXPECT_EQ(p.event.learner, "slack:" + p.team + ":" + p.user);
  EXPECT_EQ(p.event.reply_to.chat, want.chat);
  EXPECT_EQ(p.event.text, want.text);
  EXPECT_EQ(p.event.origin, want.origin);
  EXPECT_EQ(p.event.event_id, want.event_id);
  EXPECT_TRUE(p.event.interaction.empty()) << "Slack presses are acked by the HTTP 200";
  EXPECT_FALSE(p.event.group);
  EXPECT_EQ(p.outside_dm, want.outside_dm);
  EXPECT_EQ(p.response_url, want.response_url);
}

Parsed parse_fixture(const json& entry) {
  const std::string body = read_fixture(entry["file"]);
  const std::string endpoint = entry["endpoint"];
  if (endpoint == kEventsPath) return parse_event(body);
  if (endpoint == kCommandsPath) return parse_command(body);
  // payload_form: the fixture holds the JSON Slack puts in the payload field.
  return parse_interaction("payload=" + form_encode(body));
}

Expect malformed() {
  Expect e;
  e.status = Status::malformed;
  return e;
}

Expect ignored(std::string reason) {
  Expect e;
  e.status = Status::ignored;
  e.reason = std::move(reason);
  return e;
}

// Every Slack fixture of the shared corpus, with what the bot makes of it.
TEST(SlackParse, EveryFixture) {
  std::map<std::string, Expect> want;
  {
    Expect e;
    e.learner = "slack:T111:W111";
    e.chat = "W111";  // typed in channel C111: the answer goes to the app's DM
    e.text = "Hi";
    e.event_id = "slack:T111:cmd:111.111.xxx";
    e.outside_dm = true;
    e.response_url = "https://hooks.slack.com/commands/T111/111/xxxxx";
    want["slack.commands.hello_world_bolt"] = e;
  }
  want["slack.events.app_mention_bolt"] = ignored("app_mention");
  want["slack.events.app_mention_with_blocks_bolt"] = ignored("app_mention");
  want["slack.events.message_changed_bolt"] = ignored("channel");
  want["slack.events.message_channels_bolt"] = ignored("channel");
  want["slack.events.message_deleted_bolt"] = ignored("channel");
  want["slack.events.message_file_share_bolt"] = ignored("channel");
  want["slack.events.message_from_other_bot_bolt"] = ignored("channel");
  want["slack.events.message_im_assistant_thread_bolt"] = ignored("thread");
  want["slack.events.message_thread_broadcast_bolt"] = ignored("channel");
  {
    Expect e;
    e.status = Status::challenge;
    want["slack.events.url_verification"] = e;
  }
  {
    Expect e;
    e.kind = Kind::press;
    e.learner = "slack:T111:W111";
    e.chat = "W111";  // an ephemeral message in a channel: answer in the DM, edit nothing
    e.text = "click_me_123";
    e.event_id = "slack:T111:act:111.222.valid";
    e.response_url = "https://hooks.slack.com/actions/T111/111/random-value";
    want["slack.interactivity.block_actions_button_ephemeral_bolt"] = e;
  }
  {
    Expect e;
    e.kind = Kind::press;
    e.learner = "slack:T0G9PQBBK:U111";  // the user has no team_id: team.id
    e.chat = "U111";
    e.text = "clicked";
    e.event_id = "slack:T0G9PQBBK:act:4916855695380.xxx.yyy";
    e.response_url = "http://localhost:8888/webhook";
    want["slack.interactivity.block_actions_button_with_message_bolt"] = e;
  }
  want["slack.interactivity.global_shortcut_bolt"] = ignored("shortcut");
  want["slack.interactivity.message_shortcut_bolt"] = ignored("message_action");
  want["slack.interactivity.view_submission_bolt"] = ignored("view_submission");

  const json manifest = json::parse(read_fixture("manifest.json"));
  int seen = 0;
  for (const json& entry : manifest["fixtures"]) {
    if (entry["platform"] != "slack") continue;
    const std::string id = entry["id"];
    SCOPED_TRACE(id);
    auto it = want.find(id);
    ASSERT_NE(it, want.end()) << "a new Slack fixture: say what it should parse to";
    const Parsed p = parse_fixture(entry);
    check(p, it->second);
    // What the manifest expects of the server follows from the parse: never a 4xx here.
    EXPECT_NE(p.status, Status::malformed);
    ++seen;
  }
  EXPECT_EQ(seen, static_cast<int>(want.size()));
}

TEST(SlackParse, UrlVerificationEchoesTheChallenge) {
  const Parsed p = parse_event(read_fixture("slack/events/url_verification.json"));
  ASSERT_EQ(p.status, Status::challenge);
  EXPECT_EQ(p.challenge, "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
}

json dm(json event_overrides = json::object()) {
  json event = {{"type", "message"},         {"channel", "D0DM000001"},
                {"user", "U0LEARNER1"},      {"text", "start phishing-basics"},
                {"ts", "1700000000.000100"}, {"event_ts", "1700000000.000100"},
                {"channel_type", "im"},      {"team", "T0TEAM0001"}};
  event.update(event_overrides);
  return {{"token", "x"},
          {"team_id", "T0TEAM0001"},
          {"api_app_id", "A0APP"},
          {"event", event},
          {"type", "event_callback"},
          {"event_id", "Ev0001"},
          {"event_time", 1700000000},
          {"authorizations", json::array({{{"enterprise_id", nullptr},
                                           {"team_id", "T0TEAM0001"},
                                           {"user_id", "U0BOT00001"},
                                           {"is_bot", true},
                                           {"is_enterprise_install", false}}})}};
}

Expect dm_text(std::string text) {
  Expect e;
  e.learner = "slack:T0TEAM0001:U0LEARNER1";
  e.chat = "D0DM000001";
  e.text = std::move(text);
  e.event_id = "slack:T0TEAM0001:Ev0001";
  return e;
}

TEST(SlackParse, DirectMessages) {
  struct Case {
    const char* name;
    json body;
    Expect want;
  };
  json no_team = dm();
  no_team["event"].erase("team");
  no_team.erase("team_id");
  json grid = dm({{"user_team", "T0HOME0001"}, {"team", "T0OTHER001"}});
  Expect grid_want = dm_text("start phishing-basics");
  grid_want.learner = "slack:T0HOME0001:U0LEARNER1";
  grid_want.event_id = "slack:T0HOME0001:Ev0001";
  const Case cases[] = {
      {"a learner's text", dm(), dm_text("start phishing-basics")},
      {"Slack's escaping undone", dm({{"text", "a &amp; b &lt;3 &gt;"}}), dm_text("a & b <3 >")},
      {"the parent of a thread is a plain message", dm({{"thread_ts", "1700000000.000100"}}),
       dm_text("start phishing-basics")},
      {"the team from authorizations when nothing else names it", no_team,
       dm_text("start phishing-basics")},
      {"Enterprise Grid: the user's own team", grid, grid_want},
      {"a reply in a thread", dm({{"thread_ts", "1699999999.000100"}}), ignored("thread")},
      {"our own bot user (authorizations)", dm({{"user", "U0BOT00001"}}), ignored("own")},
      {"a bot", dm({{"bot_id", "B0OTHER"}}), ignored("bot")},
      {"bot_message subtype", dm({{"subtype", "bot_message"}}), ignored("bot_message")},
      {"an edit", dm({{"subtype", "message_changed"}}), ignored("message_changed")},
      {"a deletion", dm({{"subtype", "message_deleted"}}), ignored("message_deleted")},
      {"edited flag", dm({{"edited", {{"user", "U0LEARNER1"}, {"ts", "1"}}}}), ignored("edited")},
      {"hidden", dm({{"hidden", true}}), ignored("hidden")},
      {"a file without text", dm({{"text", ""}}), ignored("without text")},
      {"a channel message", dm({{"channel_type", "channel"}, {"channel", "C1"}}),
       ignored("channel")},
      {"a group DM", dm({{"channel_type", "mpim"}}), ignored("mpim")},
      {"text of the wrong type", dm({{"text", 42}}), malformed()},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    check(parse_event(c.body.dump()), c.want);
  }
}

TEST(SlackParse, OwnMessagesIgnoredByConfiguredBotUser) {
  json body = dm({{"user", "U0SELF0001"}});
  body.erase("authorizations");
  EXPECT_EQ(parse_event(body.dump()).status, Status::event);
  EXPECT_EQ(parse_event(body.dump(), Identity{"U0SELF0001"}).status, Status::ignored);
}

TEST(SlackParse, AppHomeOpened) {
  json home = dm();
  home["event"] = {{"type", "app_home_opened"},
                   {"user", "U0LEARNER1"},
                   {"channel", "D0DM000001"},
                   {"tab", "home"},
                   {"event_ts", "1700000000.000200"}};
  Expect want;
  want.kind = Kind::home_opened;
  want.learner = "slack:T0TEAM0001:U0LEARNER1";
  want.chat = "D0DM000001";
  want.event_id = "slack:T0TEAM0001:Ev0001";
  check(parse_event(home.dump()), want);

  home["event"]["tab"] = "messages";
  check(parse_event(home.dump()), ignored("messages"));
}

std::string interaction(const json& payload) { return "payload=" + form_encode(payload.dump()); }

json press_payload(json container) {
  return {{"type", "block_actions"},
          {"user", {{"id", "U0LEARNER1"}, {"username", "ada"}, {"team_id", "T0TEAM0001"}}},
          {"api_app_id", "A0APP"},
          {"container", container},
          {"trigger_id", "123.456.abc"},
          {"team", {{"id", "T0TEAM0001"}, {"domain", "example"}}},
          {"channel", {{"id", "D0DM000001"}, {"name", "directmessage"}}},
          {"response_url", "https://hooks.slack.com/actions/T0TEAM0001/1/abc"},
          {"actions", json::array({{{"action_id", "mc-0"},
                                    {"block_id", "b1"},
                                    {"text", {{"type", "plain_text"}, {"text", "Phishing"}}},
                                    {"value", "a|phishing-basics|3|1"},
                                    {"type", "button"},
                                    {"action_ts", "1700000001.000300"}}})}};
}

TEST(SlackParse, ButtonPresses) {
  Expect in_dm;
  in_dm.kind = Kind::press;
  in_dm.learner = "slack:T0TEAM0001:U0LEARNER1";
  in_dm.chat = "D0DM000001";
  in_dm.text = "a|phishing-basics|3|1";
  in_dm.origin = "1700000000.000100";
  in_dm.event_id = "slack:T0TEAM0001:act:123.456.abc";
  in_dm.response_url = "https://hooks.slack.com/actions/T0TEAM0001/1/abc";
  check(parse_interaction(interaction(press_payload({{"type", "message"},
                                                     {"message_ts", "1700000000.000100"},
                                                     {"channel_id", "D0DM000001"},
                                                     {"is_ephemeral", false}}))),
        in_dm);

  // On the Home tab: no message to edit, the answer goes to the DM (the user id).
  Expect home = in_dm;
  home.chat = "U0LEARNER1";
  home.origin = "";
  check(parse_interaction(interaction(press_payload({{"type", "view"}, {"view_id", "V0HOME"}}))),
        home);

  // Without trigger_id the action's own timestamp identifies it.
  json no_trigger = press_payload({{"type", "view"}, {"view_id", "V0HOME"}});
  no_trigger.erase("trigger_id");
  Parsed p = parse_interaction(interaction(no_trigger));
  ASSERT_EQ(p.status, Status::event);
  EXPECT_EQ(p.event.event_id, "slack:T0TEAM0001:act:U0LEARNER1:1700000001.000300");

  // A select menu (no value) is not one of our buttons.
  json select = press_payload({{"type", "view"}});
  select["actions"][0].erase("value");
  select["actions"][0]["type"] = "static_select";
  check(parse_interaction(interaction(select)), ignored("value"));
}

TEST(SlackParse, SlashCommands) {
  struct Case {
    const char* name;
    std::string form;
    std::string text;
    bool outside_dm;
  };
  const std::string base =
      "token=x&team_id=T0TEAM0001&team_domain=example&user_id=U0LEARNER1&user_name=ada"
      "&command=%2Flearn&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT%2F1%2Fz"
      "&trigger_id=9.9.9";
  const Case cases[] = {
      {"start a course in a channel", base + "&channel_id=C0GENERAL1&text=start+phishing-basics",
       "start phishing-basics", true},
      {"empty text greets", base + "&channel_id=D0DM000001&text=", "start", false},
      {"no text field greets", base + "&channel_id=D0DM000001", "start", false},
      {"whitespace trimmed", base + "&channel_id=G0PRIVATE1&text=++progress++", "progress", true},
      {"escaping undone", base + "&channel_id=D0DM000001&text=a+%26amp%3B+b", "a & b", false},
      {"any command name", base + "&channel_id=D0DM000001&text=help&command=%2Fcourse", "help",
       false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Parsed p = parse_command(c.form);
    ASSERT_EQ(p.status, Status::event) << p.reason;
    EXPECT_EQ(p.event.kind, Kind::text);
    EXPECT_EQ(p.event.text, c.text);
    EXPECT_EQ(p.event.learner, "slack:T0TEAM0001:U0LEARNER1");
    EXPECT_EQ(p.event.reply_to.chat, "U0LEARNER1");
    EXPECT_EQ(p.event.event_id, "slack:T0TEAM0001:cmd:9.9.9");
    EXPECT_EQ(p.outside_dm, c.outside_dm);
    EXPECT_EQ(p.response_url, "https://hooks.slack.com/commands/T/1/z");
  }
}

TEST(SlackParse, MalformedRequests) {
  struct Case {
    const char* name;
    Parsed parsed;
    const char* reason;
  };
  const std::string ok_payload = press_payload({{"type", "view"}}).dump();
  json no_user = press_payload({{"type", "view"}});
  no_user.erase("user");
  json no_team = press_payload({{"type", "view"}});
  no_team["user"].erase("team_id");
  no_team.erase("team");
  json no_event_id = dm();
  no_event_id.erase("event_id");
  json no_event = dm();
  no_event.erase("event");
  const Case cases[] = {
      {"event: not JSON", parse_event("{\"type\": \"event_callback\", "), "JSON"},
      {"event: empty body", parse_event(""), "JSON"},
      {"event: an array", parse_event("[1,2]"), "object"},
      {"event: no type", parse_event(R"({"event_id":"Ev1"})"), "type"},
      {"event: callback without event", parse_event(no_event.dump()), "event"},
      {"event: callback without event_id", parse_event(no_event_id.dump()), "event_id"},
      {"event: challenge missing", parse_event(R"({"type":"url_verification"})"), "challenge"},
      {"command: broken percent escape", parse_command("team_id=T1&user_id=U1&command=%2"), "form"},
      {"command: bad hex", parse_command("team_id=T1&user_id=U1&command=%ZZlearn"), "form"},
      {"command: no user", parse_command("team_id=T1&command=%2Flearn&text=hi"), "user_id"},
      {"command: no team", parse_command("user_id=U1&command=%2Flearn&text=hi"), "team_id"},
      {"command: no command", parse_command("team_id=T1&user_id=U1&text=hi"), "command"},
      {"interaction: broken form", parse_interaction("payload=%7"), "form"},
      {"interaction: no payload", parse_interaction("foo=bar"), "payload"},
      {"interaction: payload not JSON", parse_interaction("payload=%7Bnot+json"), "JSON"},
      {"interaction: payload a string", parse_interaction("payload=%22x%22"), "object"},
      {"interaction: payload without type", parse_interaction("payload=%7B%7D"), "type"},
      {"interaction: JSON body instead of a form", parse_interaction(ok_payload), "payload"},
      {"interaction: press without user", parse_interaction(interaction(no_user)), "user"},
      {"interaction: press without team", parse_interaction(interaction(no_team)), "team"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(c.parsed.status, Status::malformed) << c.parsed.reason;
    EXPECT_NE(c.parsed.reason.find(c.reason), std::string::npos) << c.parsed.reason;
  }
}

TEST(SlackParse, OtherEnvelopesAndEventsAreIgnored) {
  EXPECT_EQ(
      parse_event(R"({"type":"app_rate_limited","team_id":"T1","minute_rate_limited":1})").status,
      Status::ignored);
  json reaction = dm();
  reaction["event"] = {{"type", "reaction_added"}, {"user", "U1"}};
  EXPECT_EQ(parse_event(reaction.dump()).status, Status::ignored);
  EXPECT_EQ(parse_interaction(interaction({{"type", "block_suggestion"}})).status, Status::ignored);
  EXPECT_EQ(parse_command("ssl_check=1&token=x").status, Status::ignored);
}

TEST(SlackParse, Helpers) {
  EXPECT_EQ(route_of("T1"), "slack:T1");
  EXPECT_EQ(learner_of("T1", "U2"), "slack:T1:U2");
  EXPECT_EQ(team_of_route("slack:T1"), "T1");
  EXPECT_EQ(team_of_route("telegram:1"), "");
  EXPECT_EQ(user_of_learner("slack:T1:U2"), "U2");
  EXPECT_EQ(user_of_learner("telegram:1:2"), "");
  EXPECT_EQ(user_of_learner("slack:T1"), "");

  auto form = parse_form("a=1&b=x+y%21&c&&d=%C3%A9");
  ASSERT_TRUE(form);
  EXPECT_EQ(form_value(*form, "a"), "1");
  EXPECT_EQ(form_value(*form, "b"), "x y!");
  EXPECT_EQ(form_value(*form, "c"), "");
  EXPECT_EQ(form_value(*form, "d"), "\xC3\xA9");
  EXPECT_EQ(form_value(*form, "e"), std::nullopt);
  EXPECT_FALSE(parse_form("a=%4"));
  EXPECT_EQ(unescape_text("&amp;lt; &lt;@U1&gt;"), "&lt; <@U1>");
}

}  // namespace
}  // namespace mc::slack
