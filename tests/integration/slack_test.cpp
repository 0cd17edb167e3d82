// The whole Slack journey against the real binary, a real redis-server and a local fake Web API:
// every request is signed like Slack signs it. A learner goes from `start <course>` in the app's
// DM to a completed course by pressing the buttons the bot sends (a retried event and a
// double-clicked answer change nothing twice), App Home follows their progress, every Slack
// fixture gets the status its manifest names, forged and malformed requests are refused, and a
// Telegram learner giving the same answers gets the same score.

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "adapters/slack/parse.hpp"
#include "adapters/slack/verify.hpp"
#include "bot/content/loader.hpp"
#include "bot/store/deferred_store.hpp"
#include "bot/store/keys.hpp"
#include "tests/adapters/slack/fixtures.hpp"
#include "tests/support/bot_process.hpp"
#include "tests/support/fake_slack.hpp"
#include "tests/support/fake_telegram.hpp"
#include "tests/support/http_call.hpp"
#include "tests/support/redis_server.hpp"

namespace mc::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
namespace bhttp = boost::beast::http;
using Headers = std::vector<std::pair<std::string, std::string>>;
using Env = std::vector<std::pair<std::string, std::string>>;

const std::string kSigningSecret = "integrationSigningSecret0123456789";
const std::string kTelegramSecret = "integration-secret_123";
const std::string kUser = "U0LEARNER1";
constexpr long long kTelegramUser = 700100200;
const std::string kForm = "application/x-www-form-urlencoded";

using slack::testing::form_encode;

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

long long unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// Every text of a message's blocks (sections, headers, context), one per line.
std::string text_of_blocks(const json& blocks) {
  std::string out;
  for (const json& b : blocks) {
    if (b.contains("text") && b["text"].contains("text"))
      out += b["text"]["text"].get<std::string>() + "\n";
    if (b.value("type", "") == "context") {
      for (const json& e : b["elements"]) out += e.value("text", "") + "\n";
    }
  }
  return out;
}

bool has_buttons(const json& blocks) {
  for (const json& b : blocks) {
    if (b.value("type", "") == "actions") return true;
  }
  return false;
}

/// The value of the first button whose label starts with `label_prefix`.
std::string button_value(const json& blocks, const std::string& label_prefix) {
  for (const json& b : blocks) {
    if (b.value("type", "") != "actions") continue;
    for (const json& e : b["elements"]) {
      if (e["text"]["text"].get<std::string>().starts_with(label_prefix)) return e["value"];
    }
  }
  ADD_FAILURE() << "no button starting with \"" << label_prefix << "\" in " << blocks.dump();
  return {};
}

std::string first_button_value(const json& blocks) {
  for (const json& b : blocks) {
    if (b.value("type", "") == "actions") return b["elements"][0]["value"];
  }
  ADD_FAILURE() << "no button in " << blocks.dump();
  return {};
}

/// "Score: 3/4 (75%)" out of a completion message.
std::string score_of(const std::string& text) {
  const auto at = text.find("Score: ");
  if (at == std::string::npos) return {};
  return text.substr(at, text.find(')', at) - at + 1);
}

/// Which option a learner picks for question number `n` (0-based): the first one wrong.
int pick(const core::Question& q, int n) {
  if (n == 0) return (q.correct + 1) % static_cast<int>(q.options.size());
  return q.correct;
}

class SlackJourney : public ::testing::Test {
 protected:
  void SetUp() override {
    FakeSlackOptions slack;
    slack.spec_path = MC_SOURCE_DIR "/tests/fixtures/specs/slack_web_api_trimmed.json";
    // Fast limits so the journey isn't paced at one message a second; the bot is configured
    // below to stay under them.
    slack.channel_per_second = 100;
    slack.channel_burst = 100;
    slack_ = std::make_unique<FakeSlack>(slack);
    slack_->set_user(kUser, "Asia/Tokyo", "Ada");
    FakeTelegramOptions telegram;
    telegram.spec_path = MC_SOURCE_DIR "/tests/fixtures/specs/telegram_bot_api_trimmed.json";
    telegram.chat_per_second = 100;
    telegram.chat_burst = 100;
    telegram_ = std::make_unique<FakeTelegram>(telegram);
    dir_ = make_temp_dir("mc-slack-it");
    bot_ = start_bot();
    auto loaded = content::load_directory(MC_SOURCE_DIR "/content");
    ASSERT_TRUE(loaded.ok());
    catalog_ = std::move(loaded.catalog);
  }

  void TearDown() override {
    if (HasFailure() && bot_) std::cerr << "---- bot log ----\n" << bot_->log() << "\n";
  }

  /// A `serve` instance on the fixture's Redis and fake APIs; `extra` adds variables.
  std::unique_ptr<BotProcess> start_bot(Env extra = {},
                                        const std::string& instance = "it-slack-1") {
    Env env{{"REDIS_URL", redis_.url()},
            {"CONTENT_DIR", MC_SOURCE_DIR "/content"},
            {"SLACK_BOT_TOKEN", slack_->options().token},
            {"SLACK_SIGNING_SECRET", kSigningSecret},
            {"SLACK_API_URL", slack_->url()},
            {"SLACK_CHANNEL_MAX_PER_SECOND", "50"},
            {"SLACK_CHANNEL_BURST", "20"},
            {"TELEGRAM_BOT_TOKEN", telegram_->options().token},
            {"TELEGRAM_WEBHOOK_SECRET", kTelegramSecret},
            {"TELEGRAM_API_URL", telegram_->url()},
            {"TELEGRAM_CHAT_MAX_PER_SECOND", "50"},
            {"TELEGRAM_CHAT_BURST", "20"},
            {"LOG_LEVEL", "debug"},
            {"INSTANCE_ID", instance},
            {"BIND", "127.0.0.1"}};
    env.insert(env.end(), extra.begin(), extra.end());
    auto bot = std::make_unique<BotProcess>(MC_BINARY_DIR "/microcourse", std::move(env),
                                            dir_ + "/" + instance + ".log");
    bot->start();
    return bot;
  }

  // ---- signed requests ----

  HttpResult post_signed(std::string_view path, const std::string& body,
                         const std::string& content_type, Headers extra = {},
                         std::optional<long long> timestamp = std::nullopt,
                         const std::string& secret = kSigningSecret) {
    const std::string ts = std::to_string(timestamp.value_or(unix_now()));
    Headers headers{{"X-Slack-Request-Timestamp", ts},
                    {"X-Slack-Signature", slack::sign(secret, ts, body)}};
    headers.insert(headers.end(), extra.begin(), extra.end());
    return http_call(bhttp::verb::post, bot_->url() + std::string(path), body, headers,
                     content_type);
  }

  json envelope(json event) {
    return {{"token", "legacy-verification-token"},
            {"team_id", slack_->options().team_id},
            {"api_app_id", "A0MICRO001"},
            {"event", std::move(event)},
            {"type", "event_callback"},
            {"event_id", "Ev" + std::to_string(++event_counter_)},
            {"event_time", unix_now()},
            {"authorizations", json::array({{{"enterprise_id", nullptr},
                                             {"team_id", slack_->options().team_id},
                                             {"user_id", slack_->options().bot_user_id},
                                             {"is_bot", true},
                                             {"is_enterprise_install", false}}})}};
  }

  json dm_event(const std::string& text, const std::string& user = kUser) {
    const std::string ts =
        std::to_string(unix_now()) + "." + std::to_string(100000 + ++ts_counter_);
    return envelope({{"type", "message"},
                     {"channel", FakeSlack::dm_channel(user)},
                     {"user", user},
                     {"text", text},
                     {"ts", ts},
                     {"event_ts", ts},
                     {"channel_type", "im"},
                     {"team", slack_->options().team_id}});
  }

  HttpResult send_event(const json& body, int retry = 0) {
    Headers extra;
    if (retry > 0) {
      extra = {{"X-Slack-Retry-Num", std::to_string(retry)},
               {"X-Slack-Retry-Reason", "http_timeout"}};
    }
    return post_signed(slack::kEventsPath, body.dump(), "application/json", extra);
  }

  HttpResult home_opened(const std::string& user = kUser) {
    return send_event(envelope({{"type", "app_home_opened"},
                                {"user", user},
                                {"channel", FakeSlack::dm_channel(user)},
                                {"tab", "home"},
                                {"event_ts", std::to_string(unix_now()) + ".000100"}}));
  }

  HttpResult press(const std::string& value, const std::string& message_ts,
                   const std::string& user = kUser) {
    const std::string n = std::to_string(++trigger_counter_);
    json payload = {
        {"type", "block_actions"},
        {"user", {{"id", user}, {"username", "ada"}, {"team_id", slack_->options().team_id}}},
        {"api_app_id", "A0MICRO001"},
        {"token", "legacy-verification-token"},
        {"container",
         {{"type", "message"},
          {"message_ts", message_ts},
          {"channel_id", FakeSlack::dm_channel(user)},
          {"is_ephemeral", false}}},
        {"trigger_id", n + ".111.abcdef"},
        {"team", {{"id", slack_->options().team_id}, {"domain", "fake"}}},
        {"channel", {{"id", FakeSlack::dm_channel(user)}, {"name", "directmessage"}}},
        {"response_url", slack_->response_url("actions/" + n)},
        {"actions", json::array({{{"action_id", "mc-0"},
                                  {"block_id", "b" + n},
                                  {"text", {{"type", "plain_text"}, {"text", "x"}}},
                                  {"value", value},
                                  {"type", "button"},
                                  {"action_ts", std::to_string(unix_now()) + "." + n}}})}};
    return post_signed(slack::kInteractivityPath, "payload=" + form_encode(payload.dump()), kForm);
  }

  HttpResult command(const std::string& text, const std::string& channel,
                     const std::string& response_id = "cmd") {
    const std::string n = std::to_string(++trigger_counter_);
    const std::string body = "token=legacy&team_id=" + slack_->options().team_id +
                             "&team_domain=fake&channel_id=" + channel +
                             "&channel_name=x&user_id=" + kUser +
                             "&user_name=ada&command=%2Flearn&text=" + form_encode(text) +
                             "&api_app_id=A0MICRO001&response_url=" +
                             form_encode(slack_->response_url("commands/" + response_id)) +
                             "&trigger_id=" + n + ".222.abcdef";
    return post_signed(slack::kCommandsPath, body, kForm);
  }

  // ---- what the fake Web API saw ----

  /// The accepted chat.postMessage with buttons whose ts is after `after`, once one exists.
  SlackCall wait_buttons_after(const std::string& after, const std::string& channel) {
    SlackCall found;
    const bool ok = slack_->wait_for(
        [&](const std::vector<SlackCall>& calls) {
          for (auto it = calls.rbegin(); it != calls.rend(); ++it) {
            if (it->method != "chat.postMessage" || !it->ok()) continue;
            if (it->answer["channel"] != channel) continue;
            if (!has_buttons(it->params["blocks"])) continue;
            if (it->answer["ts"].get<std::string>() <= after) return false;
            found = *it;
            return true;
          }
          return false;
        },
        15s);
    EXPECT_TRUE(ok) << "no new message with buttons after " << after;
    return found;
  }

  /// Waits until a `courses` slash command answered while Redis was away went through: its
  /// response_url got "Done" and the catalogue was posted.
  bool courses_command_went_through(const std::string& response_id) {
    const std::string path = "/hooks/commands/" + response_id;
    return slack_->wait_for(
        [&](const std::vector<SlackCall>& calls) {
          bool note = false;
          bool catalogue = false;
          for (const SlackCall& c : calls) {
            note = note || (c.method == "response_url" && c.path == path &&
                            c.params.value("text", "").find("Done") != std::string::npos);
            catalogue = catalogue ||
                        (c.method == "chat.postMessage" && c.ok() &&
                         text_of_blocks(c.params["blocks"]).find("Courses") != std::string::npos);
          }
          return note && catalogue;
        },
        45s);
  }

  bool wait_calls(const std::function<bool(const std::vector<SlackCall>&)>& done) {
    return slack_->wait_for(done, 15s);
  }

  /// Drives the Slack learner through `course` (already enrolled: `shown` is the first step),
  /// answering question n with pick(q, n); returns the completion message's text. Presses the
  /// first answer twice (a double click) when `double_click`.
  std::string complete_in_slack(const core::Course& course, SlackCall shown, bool double_click,
                                int* presses) {
    const std::string dm = FakeSlack::dm_channel(kUser);
    int question = 0;
    for (std::size_t step = 0; step < course.steps.size(); ++step) {
      const json& blocks = shown.params["blocks"];
      const std::string ts = shown.answer["ts"];
      const std::string text = text_of_blocks(blocks);
      std::string value;
      if (const auto* q = std::get_if<core::Question>(&course.steps[step])) {
        EXPECT_NE(text.find("Question"), std::string::npos) << text;
        value = button_value(blocks, q->options[static_cast<std::size_t>(pick(*q, question))]);
        ++question;
      } else {
        const auto& lesson = std::get<core::Lesson>(course.steps[step]);
        EXPECT_NE(text.find(lesson.title.substr(0, 10)), std::string::npos) << text;
        value = first_button_value(blocks);
      }
      EXPECT_EQ(press(value, ts).status, 200u);
      ++*presses;
      if (double_click && question == 1 &&
          std::holds_alternative<core::Question>(course.steps[step])) {
        // The same answer button again before the first press's replies arrived.
        EXPECT_EQ(press(value, ts).status, 200u);
        ++*presses;
        double_click = false;
      }
      shown = wait_buttons_after(ts, dm);
    }
    return text_of_blocks(shown.params["blocks"]);
  }

  // ---- the Telegram learner ----

  HttpResult telegram_update(const json& update) {
    return http_call(bhttp::verb::post, bot_->url() + "/telegram/webhook", update.dump(),
                     {{"X-Telegram-Bot-Api-Secret-Token", kTelegramSecret}});
  }

  json telegram_message(const std::string& text) {
    return {{"update_id", ++update_id_},
            {"message",
             {{"message_id", ++update_id_},
              {"date", 1700000000},
              {"from", {{"id", kTelegramUser}, {"is_bot", false}, {"first_name", "Grace"}}},
              {"chat", {{"id", kTelegramUser}, {"type", "private"}}},
              {"text", text}}}};
  }

  json telegram_press(const std::string& data, long long on_message) {
    return {{"update_id", ++update_id_},
            {"callback_query",
             {{"id", "cbq-" + std::to_string(update_id_)},
              {"from", {{"id", kTelegramUser}, {"is_bot", false}, {"first_name", "Grace"}}},
              {"chat_instance", "42"},
              {"data", data},
              {"message",
               {{"message_id", on_message},
                {"date", 1700000000},
                {"chat", {{"id", kTelegramUser}, {"type", "private"}}},
                {"text", "..."}}}}}};
  }

  FakeCall telegram_keyboard_after(long long after) {
    FakeCall found;
    const bool ok = telegram_->wait_for(
        [&](const std::vector<FakeCall>& calls) {
          for (auto it = calls.rbegin(); it != calls.rend(); ++it) {
            if (it->method != "sendMessage" || it->status != 200) continue;
            if (!it->params.contains("reply_markup")) continue;
            if (it->result.value("message_id", 0LL) <= after) return false;
            found = *it;
            return true;
          }
          return false;
        },
        15s);
    EXPECT_TRUE(ok) << "no new Telegram message with buttons after " << after;
    return found;
  }

  std::string complete_in_telegram(const core::Course& course) {
    EXPECT_EQ(telegram_update(telegram_message("/start " + course.id)).status, 200u);
    FakeCall shown = telegram_keyboard_after(0);
    int question = 0;
    for (std::size_t step = 0; step < course.steps.size(); ++step) {
      const long long id = shown.result["message_id"];
      std::string data;
      if (const auto* q = std::get_if<core::Question>(&course.steps[step])) {
        const std::string& option = q->options[static_cast<std::size_t>(pick(*q, question++))];
        for (const auto& row : shown.params["reply_markup"]["inline_keyboard"]) {
          if (row[0]["text"] == option) data = row[0]["callback_data"];
        }
      } else {
        data = shown.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"];
      }
      EXPECT_FALSE(data.empty());
      EXPECT_EQ(telegram_update(telegram_press(data, id)).status, 200u);
      shown = telegram_keyboard_after(id);
    }
    return shown.params["text"];
  }

  /// ZCARD of `key`, read straight from Redis (0 when Redis can't be reached).
  long long zcard(const std::string& key) {
    redisContext* c = redisConnect("127.0.0.1", redis_.port());
    long long n = 0;
    if (c != nullptr && c->err == 0) {
      auto* reply = static_cast<redisReply*>(redisCommand(c, "ZCARD %s", key.c_str()));
      if (reply != nullptr && reply->type == REDIS_REPLY_INTEGER) n = reply->integer;
      if (reply != nullptr) freeReplyObject(reply);
    }
    if (c != nullptr) redisFree(c);
    return n;
  }

  /// Polls zcard(key) until it is `n` (true) or 15 s have passed (false).
  bool wait_zcard(const std::string& key, long long n) {
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (zcard(key) != n) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(10ms);
    }
    return true;
  }

  /// The learner's stored state, read straight from Redis.
  json stored_state(const std::string& learner) {
    redisContext* c = redisConnect("127.0.0.1", redis_.port());
    EXPECT_TRUE(c != nullptr && c->err == 0);
    const std::string key = store::learner_key("mc", learner);
    auto* reply = static_cast<redisReply*>(redisCommand(c, "HGET %s state", key.c_str()));
    json state;
    if (reply != nullptr && reply->type == REDIS_REPLY_STRING) {
      state = json::parse(std::string(reply->str, reply->len));
    }
    if (reply != nullptr) freeReplyObject(reply);
    redisFree(c);
    return state;
  }

  std::unique_ptr<FakeSlack> slack_;
  std::unique_ptr<FakeTelegram> telegram_;
  RedisServer redis_{RedisServerOptions().aof()};
  std::string dir_;
  std::unique_ptr<BotProcess> bot_;
  core::Catalog catalog_;
  int event_counter_ = 0;
  int ts_counter_ = 0;
  int trigger_counter_ = 0;
  long long update_id_ = 9000;
};

const core::Course& first_course(const core::Catalog& catalog) {
  const core::Course& course = catalog.courses().front();
  EXPECT_TRUE(course.requires_courses.empty());
  return course;
}

TEST_F(SlackJourney, StartToCompletionThroughSignedRequestsWithAppHome) {
  const core::Course& course = first_course(catalog_);
  const std::string dm = FakeSlack::dm_channel(kUser);

  // App Home first: the catalogue with enrol buttons.
  ASSERT_EQ(home_opened().status, 200u);
  ASSERT_TRUE(wait_calls([](const std::vector<SlackCall>& calls) {
    return std::any_of(calls.begin(), calls.end(),
                       [](const SlackCall& c) { return c.method == "views.publish" && c.ok(); });
  }));
  auto home = slack_->home_view(kUser);
  ASSERT_TRUE(home);
  EXPECT_NE(text_of_blocks((*home)["blocks"]).find("haven't started"), std::string::npos);
  EXPECT_FALSE(button_value((*home)["blocks"], "Start").empty());

  // `start <course>` in the DM, delivered twice: Slack retries when it thinks we were slow.
  const json start = dm_event("start " + course.id);
  ASSERT_EQ(send_event(start).status, 200u);
  ASSERT_EQ(send_event(start, /*retry=*/1).status, 200u);
  SlackCall shown = wait_buttons_after("", dm);

  int presses = 0;
  const std::string final_text = complete_in_slack(course, shown, /*double_click=*/true, &presses);
  EXPECT_NE(final_text.find("You completed"), std::string::npos) << final_text;

  // Nothing was said twice: not the course intro after the retried event, not the feedback
  // after the double click.
  ASSERT_TRUE(wait_calls([&](const std::vector<SlackCall>& calls) {
    return std::count_if(calls.begin(), calls.end(), [](const SlackCall& c) {
             return c.method == "chat.update" && c.ok();
           }) >= static_cast<long>(course.steps.size());
  }));
  std::map<std::string, int> texts;
  for (const SlackCall& c : slack_->accepted("chat.postMessage")) texts[c.params["text"]]++;
  for (const auto& [text, count] : texts) EXPECT_EQ(count, 1) << "sent twice: " << text;

  // Every step's message was updated exactly once, keeping its text and losing its buttons.
  const auto updates = slack_->accepted("chat.update");
  EXPECT_EQ(updates.size(), course.steps.size());
  std::set<std::string> updated;
  for (const SlackCall& u : updates) {
    EXPECT_TRUE(updated.insert(u.params["ts"].get<std::string>()).second) << "updated twice";
    EXPECT_FALSE(has_buttons(u.params["blocks"]));
    auto now = slack_->message(dm, u.params["ts"]);
    ASSERT_TRUE(now);
    EXPECT_FALSE(has_buttons((*now)["blocks"]));
  }
  bool saw_answer = false;
  for (const SlackCall& u : updates) {
    saw_answer =
        saw_answer || text_of_blocks(u.params["blocks"]).find("Your answer:") != std::string::npos;
  }
  EXPECT_TRUE(saw_answer);

  // App Home was refreshed as the learner progressed and now shows the result.
  ASSERT_TRUE(wait_calls([&](const std::vector<SlackCall>& calls) {
    // (The fake's lock is held here: look at the calls, not at home_view().)
    for (auto it = calls.rbegin(); it != calls.rend(); ++it) {
      if (it->method != "views.publish" || !it->ok()) continue;
      return text_of_blocks(it->params["view"]["blocks"]).find("passed") != std::string::npos;
    }
    return false;
  }));
  EXPECT_GT(slack_->accepted("views.publish").size(), 2u);
  const std::string home_text = text_of_blocks((*slack_->home_view(kUser))["blocks"]);
  EXPECT_NE(home_text.find(course.title), std::string::npos) << home_text;
  const int questions = course.question_count();
  const int percent = (questions - 1) * 100 / questions;  // the first answer was wrong
  EXPECT_NE(final_text.find("(" + std::to_string(percent) + "%)"), std::string::npos) << final_text;
  const std::string result = percent >= course.pass_mark ? "passed · score " : "best ";
  EXPECT_NE(home_text.find(result + std::to_string(percent) + "%"), std::string::npos) << home_text;

  // The time zone came from users.info, once.
  ASSERT_TRUE(wait_calls([](const std::vector<SlackCall>& calls) {
    return std::any_of(calls.begin(), calls.end(),
                       [](const SlackCall& c) { return c.method == "users.info"; });
  }));
  for (int i = 0; i < 100 && stored_state("slack:" + slack_->options().team_id + ":" +
                                          kUser)["profile"]["tz"] != "Asia/Tokyo";
       ++i) {
    std::this_thread::sleep_for(50ms);
  }
  const json state = stored_state("slack:" + slack_->options().team_id + ":" + kUser);
  EXPECT_EQ(state["profile"]["tz"], "Asia/Tokyo") << state.dump();
  EXPECT_EQ(state["name"], "Ada");
  EXPECT_EQ(slack_->accepted("users.info").size(), 1u);

  EXPECT_EQ(slack_->rate_limited(), 0);
  const auto violations = slack_->spec_violations();
  EXPECT_TRUE(violations.empty()) << violations.front();
}

TEST_F(SlackJourney, SameAnswersGiveTheSameScoreAsInTelegram) {
  const core::Course& course = first_course(catalog_);
  ASSERT_GE(course.question_count(), 2);

  ASSERT_EQ(send_event(dm_event("start " + course.id)).status, 200u);
  SlackCall shown = wait_buttons_after("", FakeSlack::dm_channel(kUser));
  int presses = 0;
  const std::string slack_final = complete_in_slack(course, shown, false, &presses);
  const std::string telegram_final = complete_in_telegram(course);

  const int questions = course.question_count();
  const int right = questions - 1;  // the first answer was wrong
  const std::string expected = "Score: " + std::to_string(right) + "/" + std::to_string(questions) +
                               " (" + std::to_string(right * 100 / questions) + "%)";
  EXPECT_EQ(score_of(slack_final), expected) << slack_final;
  EXPECT_EQ(score_of(telegram_final), expected) << telegram_final;
  const bool passed = right * 100 / questions >= course.pass_mark;
  const std::string verdict = passed ? "Passed" : "Not passed";
  EXPECT_NE(slack_final.find(verdict), std::string::npos) << slack_final;
  EXPECT_NE(telegram_final.find(verdict), std::string::npos) << telegram_final;
  EXPECT_TRUE(slack_->spec_violations().empty());
  EXPECT_TRUE(telegram_->spec_violations().empty());
}

TEST_F(SlackJourney, EveryFixtureGetsTheStatusItsManifestNames) {
  const json manifest = json::parse(read_text(MC_SOURCE_DIR "/tests/fixtures/manifest.json"));
  int replayed = 0;
  for (const json& f : manifest["fixtures"]) {
    if (f["platform"] != "slack") continue;
    SCOPED_TRACE(f["id"].get<std::string>());
    std::string body =
        read_text(std::string(MC_SOURCE_DIR "/tests/fixtures/") + f["file"].get<std::string>());
    if (f["encoding"] == "payload_form") body = "payload=" + form_encode(body);
    HttpResult r = post_signed(f["endpoint"].get<std::string>(), body, f["content_type"]);
    ASSERT_TRUE(r.ok) << r.error;
    std::set<unsigned> allowed;
    for (const auto& s : f["expect_status"]) allowed.insert(s.get<unsigned>());
    EXPECT_TRUE(allowed.count(r.status)) << "got " << r.status << ": " << r.body;
    if (f.contains("expect_challenge_echo")) {
      EXPECT_NE(r.body.find(f["expect_challenge_echo"].get<std::string>()), std::string::npos)
          << r.body;
    }
    ++replayed;
  }
  EXPECT_EQ(replayed, 16);
  EXPECT_TRUE(bot_->running());
  // The slash command fixture (typed in a channel) was answered in the user's DM.
  ASSERT_TRUE(wait_calls([](const std::vector<SlackCall>& calls) {
    return std::any_of(calls.begin(), calls.end(), [](const SlackCall& c) {
      return c.method == "chat.postMessage" && c.ok() && c.params["channel"] == "W111";
    });
  }));
  EXPECT_TRUE(slack_->spec_violations().empty()) << slack_->spec_violations().front();
}

TEST_F(SlackJourney, ForgedOrMalformedRequestsAreRefusedAndChangeNothing) {
  const std::string body = dm_event("start").dump();
  const long long now = unix_now();
  const std::string ts = std::to_string(now);
  const std::string good_signature = slack::sign(kSigningSecret, ts, body);
  struct Case {
    const char* name;
    std::string path;
    std::string body;
    std::string content_type;
    Headers headers;
    unsigned status;
  };
  auto signed_headers = [](const std::string& b, long long t, const std::string& secret) {
    const std::string tss = std::to_string(t);
    return Headers{{"X-Slack-Request-Timestamp", tss},
                   {"X-Slack-Signature", slack::sign(secret, tss, b)}};
  };
  const std::string events(slack::kEventsPath);
  const std::string commands(slack::kCommandsPath);
  const std::string interactivity(slack::kInteractivityPath);
  const std::string bad_form = "team_id=T1&user_id=U1&command=%ZZ";
  const std::string no_payload = "foo=bar";
  const std::string bad_payload = "payload=" + form_encode("{\"type\": \"block_actions\", ");
  const std::string string_payload = "payload=" + form_encode("\"hello\"");
  const std::string shortcut =
      "payload=" + form_encode(R"({"type":"shortcut","callback_id":"x","trigger_id":"1.2"})");
  const std::string reaction =
      envelope({{"type", "reaction_added"}, {"user", kUser}, {"reaction", "tada"}}).dump();
  const std::string rate_limited =
      R"({"token":"x","type":"app_rate_limited","team_id":"T0TEAM0001","minute_rate_limited":1})";
  const Case cases[] = {
      {"no signature headers", events, body, "application/json", {}, 401},
      {"timestamp only",
       events,
       body,
       "application/json",
       {{"X-Slack-Request-Timestamp", ts}},
       401},
      {"signature only",
       events,
       body,
       "application/json",
       {{"X-Slack-Signature", good_signature}},
       401},
      {"wrong secret", events, body, "application/json",
       signed_headers(body, now, "someOtherSecret0123456789"), 401},
      {"signed for another body", events, body, "application/json",
       signed_headers(body + " ", now, kSigningSecret), 401},
      {"stale timestamp (replay)", events, body, "application/json",
       signed_headers(body, now - 301, kSigningSecret), 401},
      // (30 s of margin: the test's clock keeps running while it sends the cases.)
      {"timestamp from the future", events, body, "application/json",
       signed_headers(body, now + 330, kSigningSecret), 401},
      {"unsigned command", commands, "team_id=T1&user_id=U1&command=%2Flearn", kForm, {}, 401},
      {"unsigned press", interactivity, shortcut, kForm, {}, 401},
      {"malformed JSON", events, "{\"type\": \"event_callback\", ", "application/json",
       signed_headers("{\"type\": \"event_callback\", ", now, kSigningSecret), 400},
      {"JSON array", events, "[1,2]", "application/json",
       signed_headers("[1,2]", now, kSigningSecret), 400},
      {"empty event body", events, "", "application/json", signed_headers("", now, kSigningSecret),
       400},
      {"malformed form", commands, bad_form, kForm, signed_headers(bad_form, now, kSigningSecret),
       400},
      {"no payload field", interactivity, no_payload, kForm,
       signed_headers(no_payload, now, kSigningSecret), 400},
      {"malformed payload JSON", interactivity, bad_payload, kForm,
       signed_headers(bad_payload, now, kSigningSecret), 400},
      {"payload not an object", interactivity, string_payload, kForm,
       signed_headers(string_payload, now, kSigningSecret), 400},
      {"unknown event type", events, reaction, "application/json",
       signed_headers(reaction, now, kSigningSecret), 200},
      {"rate-limit notice", events, rate_limited, "application/json",
       signed_headers(rate_limited, now, kSigningSecret), 200},
      {"a shortcut", interactivity, shortcut, kForm, signed_headers(shortcut, now, kSigningSecret),
       200},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = http_call(bhttp::verb::post, bot_->url() + c.path, c.body, c.headers, c.content_type);
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.status, c.status) << r.body;
    EXPECT_LT(r.status, 500u);
  }
  EXPECT_EQ(http_get(bot_->url() + events).status, 405u);
  EXPECT_TRUE(bot_->running());

  // Nothing was processed: a valid request sent afterwards gets the only reply (a DM's messages
  // leave in commit order, so anything committed before would have come first).
  ASSERT_EQ(send_event(dm_event("help")).status, 200u);
  ASSERT_TRUE(wait_calls([](const std::vector<SlackCall>& calls) {
    return std::any_of(calls.begin(), calls.end(),
                       [](const SlackCall& c) { return c.method == "chat.postMessage"; });
  }));
  const auto sent = slack_->accepted("chat.postMessage");
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_NE(text_of_blocks(sent[0].params["blocks"]).find("How this works"), std::string::npos);
}

TEST_F(SlackJourney, SlashCommandOutsideTheDmAnswersInTheDm) {
  HttpResult r = command("progress", "C0GENERAL1");
  ASSERT_EQ(r.status, 200u) << r.body;
  const json answer = json::parse(r.body);
  EXPECT_EQ(answer["response_type"], "ephemeral");
  EXPECT_NE(answer["text"].get<std::string>().find("direct messages"), std::string::npos);
  ASSERT_TRUE(wait_calls([](const std::vector<SlackCall>& calls) {
    return std::any_of(calls.begin(), calls.end(), [](const SlackCall& c) {
      return c.method == "chat.postMessage" && c.ok() && c.params["channel"] == kUser &&
             c.answer["channel"] == FakeSlack::dm_channel(kUser);
    });
  }));
  // Typed in the DM, the reply itself is the answer: no note.
  HttpResult in_dm = command("", FakeSlack::dm_channel(kUser));
  EXPECT_EQ(in_dm.status, 200u);
  EXPECT_TRUE(in_dm.body.empty()) << in_dm.body;
  EXPECT_TRUE(slack_->spec_violations().empty());
}

TEST_F(SlackJourney, RedisOutage) {
  const core::Course& course = first_course(catalog_);
  redis_.stop();
  auto ready = http_get(bot_->url() + "/readyz");
  for (int i = 0; i < 50 && ready.status != 503; ++i) {
    std::this_thread::sleep_for(100ms);
    ready = http_get(bot_->url() + "/readyz");
  }
  ASSERT_EQ(ready.status, 503u);

  // Events: Slack retries them, so 503.
  EXPECT_EQ(send_event(dm_event("courses")).status, 503u);
  // Slash commands are not retried by Slack: 200 with a note, and the bot keeps trying.
  HttpResult r = command("courses", FakeSlack::dm_channel(kUser), "outage");
  ASSERT_EQ(r.status, 200u);
  EXPECT_NE(json::parse(r.body)["text"].get<std::string>().find("couldn't save"), std::string::npos)
      << r.body;
  // Presses neither: 200, retried in the background.
  EXPECT_EQ(press("mc1|e|" + course.id, "1700000000.000001").status, 200u);

  redis_.restart();
  // The command went through later: the catalogue arrives, and the response_url says so.
  ASSERT_TRUE(courses_command_went_through("outage"));
  // So did the press: the course started.
  ASSERT_TRUE(wait_calls([&](const std::vector<SlackCall>& calls) {
    return std::any_of(calls.begin(), calls.end(), [&](const SlackCall& c) {
      return c.method == "chat.postMessage" && c.ok() &&
             text_of_blocks(c.params["blocks"]).find(course.title) != std::string::npos &&
             text_of_blocks(c.params["blocks"]).find("Lesson 1") != std::string::npos;
    });
  }));
  EXPECT_EQ(http_get(bot_->url() + "/readyz").status, 200u);
  EXPECT_TRUE(slack_->spec_violations().empty());
}

TEST_F(SlackJourney, HungRedisStillGetsAnAnswer) {
  // SIGSTOP: Redis accepts connections and answers nothing. The request stops waiting for the
  // engine before Slack's 3 s are up (the bot's answer_within) instead of hanging.
  redis_.pause();
  HttpResult event = send_event(dm_event("courses"));
  HttpResult cmd = command("courses", FakeSlack::dm_channel(kUser), "hung");
  redis_.resume();
  ASSERT_TRUE(event.ok) << event.error;
  EXPECT_EQ(event.status, 503u) << event.body;
  ASSERT_TRUE(cmd.ok) << cmd.error;
  EXPECT_EQ(cmd.status, 200u);
  EXPECT_NE(cmd.body.find("couldn't save"), std::string::npos) << cmd.body;
  // Once Redis answers again the command goes through: the response_url says so and the
  // catalogue comes. (The event may have been committed late as well: Redis runs the commit it
  // received while stopped, after the bot stopped waiting; Slack's retry is then a duplicate.)
  ASSERT_TRUE(courses_command_went_through("hung"));
  EXPECT_EQ(slack_->accepted("response_url").size(), 1u);
}

TEST_F(SlackJourney, DeferredCommandSurvivesTheDeathOfTheInstanceThatAcceptedIt) {
  // Instance A accepts a slash command while Redis is down, keeps it in Redis once Redis is
  // back, and is killed before its retry is due. Instance B finishes it: the catalogue arrives
  // and the response_url says it went through.
  bot_->stop();
  const Env deferred{{"DEFERRED_RETRY_MS", "3000"}};
  bot_ = start_bot(deferred, "it-slack-a");
  redis_.stop();
  HttpResult r = command("courses", FakeSlack::dm_channel(kUser), "durable");
  ASSERT_EQ(r.status, 200u);
  EXPECT_NE(r.body.find("couldn't save"), std::string::npos) << r.body;

  redis_.restart();
  const std::string key = store::deferred_key(
      "mc", store::partition_of(slack::learner_of(slack_->options().team_id, kUser)));
  ASSERT_TRUE(wait_zcard(key, 1)) << bot_->log();
  bot_->kill();
  const std::string a_log = bot_->log();
  EXPECT_EQ(a_log.find("applied on attempt"), std::string::npos) << a_log;

  bot_ = start_bot(deferred, "it-slack-b");
  ASSERT_TRUE(courses_command_went_through("durable"));
  EXPECT_NE(bot_->log().find("applied on attempt 1"), std::string::npos) << bot_->log();
  EXPECT_TRUE(wait_zcard(key, 0));  // removed after its follow-up
  EXPECT_EQ(slack_->accepted("response_url").size(), 1u);
}

TEST_F(SlackJourney, MetricsCountRequestsAndNoSecretLeaks) {
  ASSERT_EQ(send_event(dm_event("help")).status, 200u);
  ASSERT_TRUE(wait_calls([](const std::vector<SlackCall>& calls) {
    return std::any_of(calls.begin(), calls.end(),
                       [](const SlackCall& c) { return c.method == "chat.postMessage"; });
  }));
  ASSERT_EQ(http_call(bhttp::verb::post, bot_->url() + std::string(slack::kEventsPath), "{}", {},
                      "application/json")
                .status,
            401u);
  const auto metrics = http_get(bot_->url() + "/metrics");
  ASSERT_EQ(metrics.status, 200u);
  const std::string& m = metrics.body;
  EXPECT_NE(
      m.find("microcourse_updates_total{platform=\"slack\",kind=\"text\",outcome=\"applied\"} 1"),
      std::string::npos)
      << m;
  EXPECT_NE(m.find("{platform=\"slack\",kind=\"unknown\",outcome=\"unauthorized\"}"),
            std::string::npos);
  EXPECT_NE(m.find("microcourse_messages_sent_total{platform=\"slack\""), std::string::npos);
  const std::string token_secret = slack_->options().token.substr(5);
  EXPECT_EQ(m.find(token_secret), std::string::npos);
  EXPECT_EQ(bot_->log().find(token_secret), std::string::npos);
  EXPECT_EQ(bot_->log().find(kSigningSecret), std::string::npos);
}

}  // namespace
}  // namespace mc::test
