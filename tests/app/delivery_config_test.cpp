// The scheduling and delivery variables: defaults, parsing, and errors that name the variable.

#include <gtest/gtest.h>

#include <map>

#include "bot/app/config.hpp"
#include "bot/app/platforms/slack.hpp"
#include "bot/app/platforms/telegram.hpp"
#include "tests/app/load_env.hpp"

namespace mc::app {
namespace {

using namespace std::chrono_literals;

using testing::expect_one_error;
using testing::load;

TEST(DeliveryConfig, DefaultsArePublishedLimitsAndNineThirtyUtc) {
  ConfigResult r = load({});
  ASSERT_TRUE(r.errors.empty()) << r.errors.front();
  const Config& c = r.config;
  EXPECT_EQ(c.schedule.time_zone, "UTC");
  EXPECT_EQ(c.schedule.lesson_minute, 9 * 60 + 30);
  EXPECT_EQ(c.schedule.reminders_max, 2);
  EXPECT_EQ(c.dispatch.max_attempts, 8);
  EXPECT_EQ(c.dispatch.consumer, c.instance_id);
  EXPECT_EQ(c.settings<TelegramSettings>()->limits.bot.per_second, 30);
  EXPECT_EQ(c.settings<TelegramSettings>()->limits.chat.per_second, 1);
  EXPECT_EQ(c.shutdown_timeout, 20s);
}

TEST(DeliveryConfig, ReadsEveryVariable) {
  ConfigResult r = load({{"DEFAULT_TZ", "europe/berlin"},
                         {"DEFAULT_LESSON_TIME", "7:45"},
                         {"REMINDERS_MAX", "0"},
                         {"SCHEDULER_BATCH", "250"},
                         {"SCHEDULER_CONCURRENCY", "16"},
                         {"SCHEDULER_INTERVAL_MS", "200"},
                         {"SCHEDULER_LEASE_MS", "5000"},
                         {"DISPATCH_MAX_ATTEMPTS", "3"},
                         {"DISPATCH_BACKOFF_MS", "100"},
                         {"DISPATCH_BACKOFF_MAX_MS", "2000"},
                         {"DISPATCH_RECLAIM_IDLE_MS", "1500"},
                         {"DISPATCH_MAX_IN_FLIGHT", "64"},
                         {"SHUTDOWN_TIMEOUT_MS", "5000"},
                         {"INSTANCE_ID", "web-2"},
                         {"TELEGRAM_MAX_PER_SECOND", "500"}});
  ASSERT_TRUE(r.errors.empty()) << r.errors.front();
  const Config& c = r.config;
  EXPECT_EQ(c.schedule.time_zone, "Europe/Berlin");  // the tz database's spelling
  EXPECT_EQ(c.schedule.lesson_minute, 7 * 60 + 45);
  EXPECT_EQ(c.schedule.reminders_max, 0);
  EXPECT_EQ(c.scheduler.batch, 250);
  EXPECT_EQ(c.scheduler.concurrency, 16);
  EXPECT_EQ(c.scheduler.interval, 200ms);
  EXPECT_EQ(c.scheduler.lease, 5000ms);
  EXPECT_EQ(c.dispatch.max_attempts, 3);
  EXPECT_EQ(c.dispatch.backoff_base, 100ms);
  EXPECT_EQ(c.dispatch.backoff_max, 2000ms);
  EXPECT_EQ(c.dispatch.reclaim_idle, 1500ms);
  EXPECT_EQ(c.dispatch.max_in_flight, 64);
  EXPECT_EQ(c.dispatch.consumer, "web-2");
  EXPECT_EQ(c.shutdown_timeout, 5000ms);
  EXPECT_EQ(c.settings<TelegramSettings>()->limits.bot.per_second, 500);
  EXPECT_EQ(c.settings<TelegramSettings>()->limits.bot.burst,
            1);  // paced evenly, never a burst above the rate
}

TEST(DeliveryConfig, ErrorsNameTheVariable) {
  const testing::ErrorCase cases[] = {
      {"unknown zone", {{"DEFAULT_TZ", "Mars/Olympus"}}, "DEFAULT_TZ: "},
      {"offset is not a zone", {{"DEFAULT_TZ", "+02:00"}}, "DEFAULT_TZ: "},
      {"lesson time", {{"DEFAULT_LESSON_TIME", "9.30"}}, "DEFAULT_LESSON_TIME: "},
      {"lesson hour", {{"DEFAULT_LESSON_TIME", "24:00"}}, "DEFAULT_LESSON_TIME: "},
      {"reminders negative", {{"REMINDERS_MAX", "-1"}}, "REMINDERS_MAX: "},
      {"reminders too many", {{"REMINDERS_MAX", "11"}}, "REMINDERS_MAX: "},
      {"batch zero", {{"SCHEDULER_BATCH", "0"}}, "SCHEDULER_BATCH: "},
      {"lease not a number", {{"SCHEDULER_LEASE_MS", "1m"}}, "SCHEDULER_LEASE_MS: "},
      {"attempts zero", {{"DISPATCH_MAX_ATTEMPTS", "0"}}, "DISPATCH_MAX_ATTEMPTS: "},
      {"backoff cap below base",
       {{"DISPATCH_BACKOFF_MS", "5000"}, {"DISPATCH_BACKOFF_MAX_MS", "100"}},
       "DISPATCH_BACKOFF_MAX_MS: "},
      {"reclaim too short", {{"DISPATCH_RECLAIM_IDLE_MS", "5"}}, "DISPATCH_RECLAIM_IDLE_MS: "},
      {"shutdown", {{"SHUTDOWN_TIMEOUT_MS", "forever"}}, "SHUTDOWN_TIMEOUT_MS: "},
  };
  for (const auto& c : cases) expect_one_error(c);
}

TEST(DeliveryConfig, EveryVariableIsDocumented) {
  for (const char* name :
       {"DEFAULT_TZ", "DEFAULT_LESSON_TIME", "REMINDERS_MAX", "SCHEDULER_BATCH",
        "SCHEDULER_CONCURRENCY", "SCHEDULER_INTERVAL_MS", "SCHEDULER_LEASE_MS",
        "DISPATCH_MAX_ATTEMPTS", "DISPATCH_BACKOFF_MS", "DISPATCH_BACKOFF_MAX_MS",
        "DISPATCH_RECLAIM_IDLE_MS", "DISPATCH_MAX_IN_FLIGHT", "SHUTDOWN_TIMEOUT_MS"}) {
    SCOPED_TRACE(name);
    bool found = false;
    for (const auto& v : variables()) found = found || std::string(v.name) == name;
    EXPECT_TRUE(found);
  }
}

}  // namespace
}  // namespace mc::app
