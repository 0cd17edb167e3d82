#include "bot/app/config.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "bot/app/platforms/slack.hpp"
#include "bot/app/platforms/telegram.hpp"
#include "tests/app/load_env.hpp"

namespace mc::app {
namespace {

using testing::expect_one_error;
using testing::load;

const std::string kToken = "123456789:AAHfakeTokenForTests_abcdefghijklmn";
const std::string kSlackToken = "xoxb-1111111111-2222222222-FakeSlackTokenForTests";
const std::string kSigningSecret = "8f742231b10e8888abcd99yyyzzz85a5";

TEST(Config, DefaultsNeedNoVariables) {
  ConfigResult r = load({});
  ASSERT_TRUE(r.errors.empty());
  EXPECT_EQ(r.config.port, 8080);
  EXPECT_EQ(r.config.bind, "0.0.0.0");
  EXPECT_EQ(r.config.redis.host, "127.0.0.1");
  EXPECT_EQ(r.config.redis.port, 6379);
  EXPECT_EQ(r.config.content_dir, "content");
  EXPECT_EQ(r.config.settings<TelegramSettings>()->api_url, "https://api.telegram.org");
  EXPECT_FALSE(r.config.settings<TelegramSettings>()->enabled());
  EXPECT_FALSE(r.config.instance_id.empty());
  EXPECT_FALSE(r.config.settings<SlackSettings>()->enabled());
  EXPECT_EQ(r.config.settings<SlackSettings>()->api_url, "https://slack.com/api");
  EXPECT_EQ(r.config.settings<SlackSettings>()->limits.chat.per_second, 1);
  EXPECT_EQ(r.config.settings<SlackSettings>()->limits.bot.per_second,
            0);  // no workspace-wide limit
}

TEST(Config, ReadsSlackVariables) {
  ConfigResult r = load({{"SLACK_BOT_TOKEN", kSlackToken},
                         {"SLACK_SIGNING_SECRET", kSigningSecret},
                         {"SLACK_API_URL", "http://127.0.0.1:9998/api/"},
                         {"SLACK_MAX_PER_SECOND", "20"},
                         {"SLACK_CHANNEL_MAX_PER_SECOND", "2.5"},
                         {"SLACK_CHANNEL_BURST", "6"}});
  ASSERT_TRUE(r.errors.empty()) << r.errors.front();
  const Config& c = r.config;
  EXPECT_TRUE(c.settings<SlackSettings>()->enabled());
  EXPECT_FALSE(c.settings<TelegramSettings>()->enabled());
  EXPECT_EQ(c.settings<SlackSettings>()->token, kSlackToken);
  EXPECT_EQ(c.settings<SlackSettings>()->signing_secret, kSigningSecret);
  EXPECT_EQ(c.settings<SlackSettings>()->api_url, "http://127.0.0.1:9998/api");
  EXPECT_EQ(c.settings<SlackSettings>()->limits.bot.per_second, 20);
  EXPECT_EQ(c.settings<SlackSettings>()->limits.bot.burst, 20);
  EXPECT_EQ(c.settings<SlackSettings>()->limits.chat.per_second, 2.5);
  EXPECT_EQ(c.settings<SlackSettings>()->limits.chat.burst, 6);
  EXPECT_NE(c.describe().find("slack on via http://127.0.0.1:9998/api"), std::string::npos)
      << c.describe();
}

TEST(Config, ReadsEveryVariable) {
  ConfigResult r = load({{"PORT", "9090"},
                         {"BIND", "127.0.0.1"},
                         {"REDIS_URL", "redis://:pw@redis.internal:6390/3"},
                         {"CONTENT_DIR", "/srv/courses"},
                         {"LOG_LEVEL", "debug"},
                         {"PUBLIC_URL", "https://bot.example.com/"},
                         {"INSTANCE_ID", "web-1"},
                         {"TELEGRAM_BOT_TOKEN", kToken},
                         {"TELEGRAM_WEBHOOK_SECRET", "s3cr3t_-X"},
                         {"TELEGRAM_API_URL", "http://127.0.0.1:9999/"}});
  ASSERT_TRUE(r.errors.empty()) << r.errors.front();
  const Config& c = r.config;
  EXPECT_EQ(c.port, 9090);
  EXPECT_EQ(c.bind, "127.0.0.1");
  EXPECT_EQ(c.redis.host, "redis.internal");
  EXPECT_EQ(c.redis.port, 6390);
  EXPECT_EQ(c.redis.db, 3);
  EXPECT_EQ(c.redis.password, "pw");
  EXPECT_EQ(c.content_dir, "/srv/courses");
  EXPECT_EQ(c.log_level, "debug");
  EXPECT_EQ(c.public_url, "https://bot.example.com");
  EXPECT_EQ(c.instance_id, "web-1");
  EXPECT_TRUE(c.settings<TelegramSettings>()->enabled());
  EXPECT_EQ(c.settings<TelegramSettings>()->api_url, "http://127.0.0.1:9999");
}

TEST(Config, AcceptsWarningAsTheNameOfWarn) {
  ConfigResult r = load({{"LOG_LEVEL", "warning"}});
  ASSERT_TRUE(r.errors.empty()) << r.errors.front();
  EXPECT_EQ(r.config.log_level, "warn");
}

TEST(Config, ErrorsNameTheVariable) {
  const testing::ErrorCase cases[] = {
      {"port not a number", {{"PORT", "http"}}, "PORT: "},
      {"port out of range", {{"PORT", "70000"}}, "PORT: "},
      {"port zero", {{"PORT", "0"}}, "PORT: "},
      {"bind not an address", {{"BIND", "localhost:80"}}, "BIND: "},
      {"redis scheme", {{"REDIS_URL", "http://localhost"}}, "REDIS_URL: "},
      {"redis db", {{"REDIS_URL", "redis://localhost/x"}}, "REDIS_URL: "},
      {"log level", {{"LOG_LEVEL", "loud"}}, "LOG_LEVEL: "},
      {"public url not https", {{"PUBLIC_URL", "http://bot.example.com"}}, "PUBLIC_URL: "},
      {"token shape",
       {{"TELEGRAM_BOT_TOKEN", "abc"}, {"TELEGRAM_WEBHOOK_SECRET", "x"}},
       "TELEGRAM_BOT_TOKEN: "},
      {"token without bot id",
       {{"TELEGRAM_BOT_TOKEN", ":AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"},
        {"TELEGRAM_WEBHOOK_SECRET", "x"}},
       "TELEGRAM_BOT_TOKEN: "},
      {"token with a short secret",
       {{"TELEGRAM_BOT_TOKEN", "123456:AAHdqTcv"}, {"TELEGRAM_WEBHOOK_SECRET", "x"}},
       "TELEGRAM_BOT_TOKEN: "},
      {"token with a space",
       {{"TELEGRAM_BOT_TOKEN", "123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw "},
        {"TELEGRAM_WEBHOOK_SECRET", "x"}},
       "TELEGRAM_BOT_TOKEN: "},
      {"token without secret", {{"TELEGRAM_BOT_TOKEN", kToken}}, "TELEGRAM_WEBHOOK_SECRET: "},
      {"secret charset",
       {{"TELEGRAM_BOT_TOKEN", kToken}, {"TELEGRAM_WEBHOOK_SECRET", "a b"}},
       "TELEGRAM_WEBHOOK_SECRET: "},
      {"api url", {{"TELEGRAM_API_URL", "ftp://x"}}, "TELEGRAM_API_URL: "},
      {"slack token without signing secret",
       {{"SLACK_BOT_TOKEN", kSlackToken}},
       "SLACK_SIGNING_SECRET: "},
      {"slack user token",
       {{"SLACK_BOT_TOKEN", "xoxp-1111-2222-abcdefgh"}, {"SLACK_SIGNING_SECRET", kSigningSecret}},
       "SLACK_BOT_TOKEN: "},
      {"slack signing secret shape",
       {{"SLACK_BOT_TOKEN", kSlackToken}, {"SLACK_SIGNING_SECRET", "short"}},
       "SLACK_SIGNING_SECRET: "},
      {"slack api url", {{"SLACK_API_URL", "slack.com/api"}}, "SLACK_API_URL: "},
      {"slack channel rate",
       {{"SLACK_CHANNEL_MAX_PER_SECOND", "-1"}},
       "SLACK_CHANNEL_MAX_PER_SECOND: "},
  };
  for (const auto& c : cases) expect_one_error(c);
}

TEST(Config, SecretsNeverAppearInMessagesOrDescription) {
  const std::string secret = "VerySecretValue123";
  ConfigResult bad = load({{"REDIS_URL", "redis://:" + secret + "@host:notaport/0"},
                           {"TELEGRAM_BOT_TOKEN", "1:" + secret},
                           {"TELEGRAM_WEBHOOK_SECRET", secret + " !"}});
  ASSERT_FALSE(bad.errors.empty());
  for (const auto& e : bad.errors) EXPECT_EQ(e.find(secret), std::string::npos) << e;

  ConfigResult bad_slack =
      load({{"SLACK_BOT_TOKEN", "xoxp-" + secret}, {"SLACK_SIGNING_SECRET", secret + " !"}});
  ASSERT_EQ(bad_slack.errors.size(), 2u);
  for (const auto& e : bad_slack.errors) EXPECT_EQ(e.find(secret), std::string::npos) << e;

  ConfigResult good = load({{"REDIS_URL", "redis://:" + secret + "@host:6379/0"},
                            {"TELEGRAM_BOT_TOKEN", kToken},
                            {"TELEGRAM_WEBHOOK_SECRET", secret},
                            {"SLACK_BOT_TOKEN", kSlackToken},
                            {"SLACK_SIGNING_SECRET", kSigningSecret}});
  ASSERT_TRUE(good.errors.empty());
  std::string d = good.config.describe();
  EXPECT_EQ(d.find(secret), std::string::npos) << d;
  EXPECT_EQ(d.find(kToken.substr(10)), std::string::npos) << d;
  EXPECT_EQ(d.find(kSlackToken.substr(5)), std::string::npos) << d;
  EXPECT_EQ(d.find(kSigningSecret), std::string::npos) << d;
  EXPECT_NE(d.find("signing secret set"), std::string::npos) << d;
}

TEST(Config, EmptyVariableMeansDefault) {
  ConfigResult r = load({{"PORT", ""}, {"TELEGRAM_BOT_TOKEN", ""}});
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(r.config.port, 8080);
  EXPECT_FALSE(r.config.settings<TelegramSettings>()->enabled());
}

TEST(Config, EveryVariableIsDocumented) {
  for (const char* name :
       {"PORT", "BIND", "PUBLIC_URL", "REDIS_URL", "CONTENT_DIR", "LOG_LEVEL", "INSTANCE_ID",
        "TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "TELEGRAM_API_URL", "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET", "SLACK_API_URL", "SLACK_MAX_PER_SECOND",
        "SLACK_CHANNEL_MAX_PER_SECOND", "SLACK_CHANNEL_BURST"}) {
    SCOPED_TRACE(name);
    bool found = false;
    for (const auto& v : variables()) found = found || std::string(v.name) == name;
    EXPECT_TRUE(found);
  }
}

}  // namespace
}  // namespace mc::app

namespace mc::app {
namespace {

// The README's configuration table is what operators read: it must name every variable.
TEST(Config, ReadmeDocumentsEveryVariable) {
  std::ifstream in(MC_SOURCE_DIR "/README.md");
  ASSERT_TRUE(in);
  std::string readme((std::istreambuf_iterator<char>(in)), {});
  for (const auto& v : variables()) {
    EXPECT_NE(readme.find(std::string("`") + v.name + "`"), std::string::npos)
        << v.name << " is missing from README.md";
  }
}

}  // namespace
}  // namespace mc::app
