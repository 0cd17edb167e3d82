// The whole Telegram journey against the real binary, a real redis-server and a local fake Bot
// API: a learner goes from /start to a completed course by pressing the buttons the bot sends,
// across a restart of the bot and a crash of Redis, and nothing is lost or sent twice.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "bot/content/loader.hpp"
#include "tests/support/bot_process.hpp"
#include "tests/support/fake_telegram.hpp"
#include "tests/support/http_call.hpp"
#include "tests/support/redis_server.hpp"

namespace mc::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
namespace bhttp = boost::beast::http;

const std::string kSecret = "integration-secret_123";
constexpr long long kUser = 700100200;

class TelegramJourney : public ::testing::Test {
 protected:
  void SetUp() override {
    FakeTelegramOptions options;
    options.spec_path = MC_SOURCE_DIR "/tests/fixtures/specs/telegram_bot_api_trimmed.json";
    // Fast limits so the journey isn't paced at one message a second; the bot is configured
    // below to stay under them.
    options.chat_per_second = 100;
    options.chat_burst = 100;
    fake_ = std::make_unique<FakeTelegram>(options);
    dir_ = make_temp_dir("mc-telegram-it");
    bot_ = std::make_unique<BotProcess>(MC_BINARY_DIR "/microcourse",
                                        std::vector<std::pair<std::string, std::string>>{
                                            {"REDIS_URL", redis_.url()},
                                            {"CONTENT_DIR", MC_SOURCE_DIR "/content"},
                                            {"TELEGRAM_BOT_TOKEN", fake_->options().token},
                                            {"TELEGRAM_WEBHOOK_SECRET", kSecret},
                                            {"TELEGRAM_API_URL", fake_->url()},
                                            {"TELEGRAM_CHAT_MAX_PER_SECOND", "50"},
                                            {"TELEGRAM_CHAT_BURST", "20"},
                                            {"LOG_LEVEL", "debug"},
                                            {"INSTANCE_ID", "it-1"},
                                            {"BIND", "127.0.0.1"}},
                                        dir_ + "/bot.log");
    bot_->start();
    auto loaded = content::load_directory(MC_SOURCE_DIR "/content");
    ASSERT_TRUE(loaded.ok());
    catalog_ = std::move(loaded.catalog);
  }

  void TearDown() override {
    if (HasFailure() && bot_) std::cerr << "---- bot log ----\n" << bot_->log() << "\n";
    bot_.reset();
    if (!HasFailure()) std::filesystem::remove_all(dir_);
  }

  HttpResult post_update(const json& update, const std::string& secret = kSecret) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!secret.empty()) headers.emplace_back("X-Telegram-Bot-Api-Secret-Token", secret);
    return http_call(bhttp::verb::post, bot_->url() + "/telegram/webhook", update.dump(), headers);
  }

  json message(std::string text) {
    json m = {{"message_id", ++message_id_},
              {"date", 1700000000},
              {"from", {{"id", kUser}, {"is_bot", false}, {"first_name", "Grace"}}},
              {"chat", {{"id", kUser}, {"type", "private"}, {"first_name", "Grace"}}},
              {"text", text}};
    if (text.starts_with("/")) {
      m["entities"] = json::array(
          {{{"type", "bot_command"},
            {"offset", 0},
            {"length", static_cast<int>(text.find(' ') == std::string::npos ? text.size()
                                                                            : text.find(' '))}}});
    }
    return {{"update_id", ++update_id_}, {"message", m}};
  }

  json press(const std::string& data, long long on_message) {
    return {{"update_id", ++update_id_},
            {"callback_query",
             {{"id", "cbq-" + std::to_string(update_id_)},
              {"from", {{"id", kUser}, {"is_bot", false}, {"first_name", "Grace"}}},
              {"chat_instance", "42"},
              {"data", data},
              {"message",
               {{"message_id", on_message},
                {"date", 1700000000},
                {"chat", {{"id", kUser}, {"type", "private"}}},
                {"text", "..."}}}}}};
  }

  // The newest accepted sendMessage that has buttons, once one newer than `after` exists.
  FakeCall wait_keyboard_after(long long after) {
    FakeCall found;
    bool ok = fake_->wait_for(
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
    EXPECT_TRUE(ok) << "no new message with buttons after " << after;
    return found;
  }

  static std::string button_data(const FakeCall& call, const std::string& label_prefix) {
    for (const auto& row : call.params["reply_markup"]["inline_keyboard"]) {
      for (const auto& b : row) {
        if (b["text"].get<std::string>().starts_with(label_prefix)) return b["callback_data"];
      }
    }
    ADD_FAILURE() << "no button starting with \"" << label_prefix << "\" in "
                  << call.params["reply_markup"].dump();
    return {};
  }

  std::unique_ptr<FakeTelegram> fake_;
  RedisServer redis_{RedisServerOptions().aof()};
  std::string dir_;
  std::unique_ptr<BotProcess> bot_;
  core::Catalog catalog_;
  long long update_id_ = 5000;
  long long message_id_ = 10;
};

TEST_F(TelegramJourney, StartToCompletionAcrossRestartsLosesNothingAndSendsNothingTwice) {
  const core::Course& course = catalog_.courses().front();
  ASSERT_TRUE(course.requires_courses.empty());

  ASSERT_EQ(post_update(message("/start")).status, 200u);
  FakeCall catalogue = wait_keyboard_after(0);
  EXPECT_NE(catalogue.params["text"].get<std::string>().find(course.title), std::string::npos);
  std::string data = button_data(catalogue, "Start " + course.title);
  long long last = catalogue.result["message_id"];
  ASSERT_EQ(post_update(press(data, last)).status, 200u);

  int presses = 1;
  for (std::size_t step = 0; step < course.steps.size(); ++step) {
    FakeCall shown = wait_keyboard_after(last);
    last = shown.result["message_id"];
    std::string text = shown.params["text"];
    if (const auto* q = std::get_if<core::Question>(&course.steps[step])) {
      EXPECT_NE(text.find("Question"), std::string::npos) << text;
      data = button_data(shown, q->options[static_cast<std::size_t>(q->correct)]);
    } else {
      const auto& lesson = std::get<core::Lesson>(course.steps[step]);
      EXPECT_NE(text.find(lesson.title.substr(0, 10)), std::string::npos) << text;
      data = shown.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"];
    }
    if (step == 1) {
      // Restart the bot in the middle of the course (graceful, as `docker stop` does).
      ASSERT_TRUE(bot_->stop().success()) << bot_->log();
      bot_->start();
    }
    if (step == course.steps.size() / 2) {
      // Crash Redis; with AOF (fsync always) every acknowledged answer is on disk.
      redis_.kill();
      redis_.restart();
    }
    HttpResult r;
    for (int attempt = 0; attempt < 50; ++attempt) {  // 503 while the bot reconnects to Redis
      r = post_update(press(data, last));
      if (r.status != 503) break;
      std::this_thread::sleep_for(100ms);
    }
    ASSERT_EQ(r.status, 200u) << r.body;
    ++presses;
  }

  FakeCall done = wait_keyboard_after(last);
  std::string final_text = done.params["text"];
  EXPECT_NE(final_text.find("You completed"), std::string::npos) << final_text;
  const int questions = course.question_count();
  EXPECT_NE(final_text.find("Score: " + std::to_string(questions) + "/" +
                            std::to_string(questions) + " (100%)"),
            std::string::npos)
      << final_text;

  // Every press answered once; every step shown once; every question message edited once.
  ASSERT_TRUE(fake_->wait_for(
      [&](const std::vector<FakeCall>& calls) {
        return std::count_if(calls.begin(), calls.end(), [](const FakeCall& c) {
                 return c.method == "answerCallbackQuery" && c.status == 200;
               }) >= presses;
      },
      10s));
  std::map<std::string, int> texts;
  for (const auto& c : fake_->accepted("sendMessage")) texts[c.params["text"]]++;
  for (const auto& [text, count] : texts) EXPECT_EQ(count, 1) << "sent twice: " << text;
  EXPECT_EQ(fake_->accepted("answerCallbackQuery").size(), static_cast<std::size_t>(presses));
  EXPECT_TRUE(fake_->spec_violations().empty()) << fake_->spec_violations().front();
}

TEST_F(TelegramJourney, DuplicateUpdateIdChangesNothing) {
  json start = message("/start");
  ASSERT_EQ(post_update(start).status, 200u);
  FakeCall catalogue = wait_keyboard_after(0);
  // Telegram retries the very same update: answered 200, nothing sent again.
  ASSERT_EQ(post_update(start).status, 200u);
  ASSERT_EQ(post_update(message("/progress")).status, 200u);
  ASSERT_TRUE(fake_->wait_for(
      [](const std::vector<FakeCall>& calls) {
        return std::any_of(calls.begin(), calls.end(), [](const FakeCall& c) {
          return c.method == "sendMessage" &&
                 c.params["text"].get<std::string>().find("haven't started") != std::string::npos;
        });
      },
      10s));
  // Outbox order per chat is kept, so the duplicate's messages would have come first.
  EXPECT_EQ(fake_->accepted("sendMessage").size(), 3u);  // greeting, catalogue, progress
}

TEST_F(TelegramJourney, ForgedOrMalformedUpdatesAreRefusedAndChangeNothing) {
  struct Case {
    const char* name;
    std::string body;
    std::string secret;
    unsigned status;
  };
  const Case cases[] = {
      {"no secret", message("/start").dump(), "", 401},
      {"wrong secret", message("/start").dump(), "not-the-secret", 401},
      {"secret prefix", message("/start").dump(), kSecret.substr(0, 5), 401},
      {"malformed JSON", "{\"update_id\": 1, \"message\": {", kSecret, 400},
      {"truncated JSON", message("/start").dump().substr(0, 40), kSecret, 400},
      {"not an object", "[1,2,3]", kSecret, 400},
      {"empty body", "", kSecret, 400},
      {"unknown update type", R"({"update_id": 77, "brand_new_kind": {"x": 1}})", kSecret, 200},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::vector<std::pair<std::string, std::string>> headers;
    if (!c.secret.empty()) headers.emplace_back("X-Telegram-Bot-Api-Secret-Token", c.secret);
    auto r = http_call(bhttp::verb::post, bot_->url() + "/telegram/webhook", c.body, headers);
    EXPECT_EQ(r.status, c.status) << r.body;
  }
  auto big =
      http_call(bhttp::verb::post, bot_->url() + "/telegram/webhook",
                std::string(2 * 1024 * 1024, ' '), {{"X-Telegram-Bot-Api-Secret-Token", kSecret}});
  EXPECT_EQ(big.status, 413u);
  // Nothing was processed: a valid update sent afterwards gets the only reply (a chat's
  // messages leave in commit order, so anything committed before would have come first).
  ASSERT_EQ(post_update(message("/help")).status, 200u);
  ASSERT_TRUE(fake_->wait_for(
      [](const std::vector<FakeCall>& calls) {
        return std::any_of(calls.begin(), calls.end(),
                           [](const FakeCall& c) { return c.method == "sendMessage"; });
      },
      10s));
  auto sent = fake_->accepted("sendMessage");
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_NE(sent[0].params["text"].get<std::string>().find("How this works"), std::string::npos);
}

TEST_F(TelegramJourney, EveryFixtureGetsTheStatusItsManifestNames) {
  std::ifstream in(MC_SOURCE_DIR "/tests/fixtures/manifest.json");
  ASSERT_TRUE(in) << "tests/fixtures/manifest.json missing";
  json manifest = json::parse(in);
  int replayed = 0;
  for (const auto& f : manifest["fixtures"]) {
    if (f["platform"] != "telegram") continue;
    SCOPED_TRACE(f["id"].get<std::string>());
    std::ifstream body_in(std::string(MC_SOURCE_DIR "/tests/fixtures/") +
                          f["file"].get<std::string>());
    ASSERT_TRUE(body_in);
    std::string body((std::istreambuf_iterator<char>(body_in)), {});
    auto r = http_call(bhttp::verb::post, bot_->url() + f["endpoint"].get<std::string>(), body,
                       {{"X-Telegram-Bot-Api-Secret-Token", kSecret}});
    ASSERT_TRUE(r.ok) << r.error;
    std::set<unsigned> allowed;
    for (const auto& s : f["expect_status"]) allowed.insert(s.get<unsigned>());
    EXPECT_TRUE(allowed.count(r.status)) << "got " << r.status << ": " << r.body;
    ++replayed;
  }
  EXPECT_GE(replayed, 25);
  EXPECT_TRUE(bot_->running());
}

TEST_F(TelegramJourney, RedisOutageAnswers503AndRecovers) {
  redis_.stop();
  auto ready = http_get(bot_->url() + "/readyz");
  for (int i = 0; i < 50 && ready.status != 503; ++i) {
    std::this_thread::sleep_for(100ms);
    ready = http_get(bot_->url() + "/readyz");
  }
  EXPECT_EQ(ready.status, 503u);
  json start = message("/start");
  EXPECT_EQ(post_update(start).status, 503u);  // Telegram keeps it and delivers it again
  EXPECT_EQ(http_get(bot_->url() + "/healthz").status, 200u);

  redis_.restart();
  HttpResult r;
  for (int i = 0; i < 100; ++i) {
    r = post_update(start);
    if (r.status == 200) break;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(r.status, 200u);
  wait_keyboard_after(0);
  EXPECT_EQ(http_get(bot_->url() + "/readyz").status, 200u);
}

TEST_F(TelegramJourney, MetricsCountUpdatesAndSends) {
  ASSERT_EQ(post_update(message("/start")).status, 200u);
  wait_keyboard_after(0);
  ASSERT_EQ(post_update(message("hello"), "wrong").status, 401u);
  auto metrics = http_get(bot_->url() + "/metrics");
  ASSERT_EQ(metrics.status, 200u);
  const std::string& m = metrics.body;
  EXPECT_NE(m.find("microcourse_http_requests_total{"), std::string::npos) << m;
  EXPECT_NE(m.find("microcourse_http_request_duration_seconds_bucket{"), std::string::npos);
  EXPECT_NE(m.find("microcourse_updates_total{platform=\"telegram\",kind=\"command\",outcome="
                   "\"applied\"} 1"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("outcome=\"unauthorized\""), std::string::npos);
  EXPECT_NE(m.find("microcourse_messages_sent_total{"), std::string::npos);
  EXPECT_EQ(m.find(fake_->options().token), std::string::npos);  // no secret in metrics
  EXPECT_EQ(bot_->log().find(fake_->options().token.substr(7)), std::string::npos);  // nor logs
}

}  // namespace
}  // namespace mc::test

namespace mc::test {
namespace {

// With PUBLIC_URL set, serve registers its own webhook with the secret token.
TEST(TelegramStartup, RegistersTheWebhookWhenPublicUrlIsSet) {
  FakeTelegram fake;
  RedisServer redis;
  std::string dir = make_temp_dir("mc-telegram-webhook");
  BotProcess bot(MC_BINARY_DIR "/microcourse",
                 {{"REDIS_URL", redis.url()},
                  {"CONTENT_DIR", MC_SOURCE_DIR "/content"},
                  {"TELEGRAM_BOT_TOKEN", fake.options().token},
                  {"TELEGRAM_WEBHOOK_SECRET", kSecret},
                  {"TELEGRAM_API_URL", fake.url()},
                  {"PUBLIC_URL", "https://bot.example.com/"},
                  {"BIND", "127.0.0.1"}},
                 dir + "/bot.log");
  bot.start();
  ASSERT_TRUE(fake.wait_for(
      [](const std::vector<FakeCall>& calls) {
        return std::any_of(calls.begin(), calls.end(),
                           [](const FakeCall& c) { return c.method == "setWebhook"; });
      },
      10s))
      << bot.log();
  auto calls = fake.accepted("setWebhook");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].params["url"], "https://bot.example.com/telegram/webhook");
  EXPECT_EQ(calls[0].params["secret_token"], kSecret);
  EXPECT_NE(calls[0].params["allowed_updates"].dump().find("callback_query"), std::string::npos);
  EXPECT_TRUE(bot.stop().success());
  std::filesystem::remove_all(dir);
}

TEST(TelegramStartup, RefusesToStartOnInvalidConfigurationOrContent) {
  RedisServer redis;
  std::string dir = make_temp_dir("mc-telegram-bad");
  {
    std::ofstream bad(dir + "/broken.md");
    bad << "---\nid: broken\ntitle: Broken\n---\n\n## Question: no options\n";
  }
  struct Case {
    const char* name;
    std::vector<std::pair<std::string, std::string>> env;
    const char* says;
  };
  const Case cases[] = {
      {"token without secret",
       {{"TELEGRAM_BOT_TOKEN", FakeTelegramOptions().token},
        {"CONTENT_DIR", MC_SOURCE_DIR "/content"}},
       "TELEGRAM_WEBHOOK_SECRET: is required"},
      {"bad port", {{"PORT", "99999"}, {"CONTENT_DIR", MC_SOURCE_DIR "/content"}}, "PORT: "},
      {"invalid course", {{"CONTENT_DIR", dir}}, "broken.md:"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ProcessOptions options({MC_BINARY_DIR "/microcourse", "serve"});
    options.env("REDIS_URL", redis.url()).output(dir + "/out.log");
    for (const auto& [k, v] : c.env) options.env(k, v);
    auto p = Process::spawn(options);
    auto status = p.wait(std::chrono::seconds(10));
    ASSERT_TRUE(status.has_value());
    EXPECT_FALSE(status->success());
    EXPECT_NE(read_file(dir + "/out.log").find(c.says), std::string::npos)
        << read_file(dir + "/out.log");
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace mc::test
