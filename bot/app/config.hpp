#pragma once

// Configuration from the environment (12-factor), validated at start-up. Every problem names the
// variable and what is wrong; secrets never appear in messages or in describe().

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "bot/core/rate_limits.hpp"
#include "bot/core/schedule.hpp"
#include "bot/delivery/dispatcher.hpp"
#include "bot/engine/scheduler.hpp"
#include "bot/store/redis_client.hpp"

namespace mc::app {

struct Config {
  // server
  std::string bind = "0.0.0.0";
  unsigned short port = 8080;
  std::string public_url;  ///< https://bot.example.com — where platforms reach the webhooks
  std::string log_level = "info";
  // storage and content
  std::string redis_url = "redis://127.0.0.1:6379/0";
  store::RedisConfig redis;
  std::string content_dir = "content";
  std::string instance_id;  ///< unique per instance: outbox consumer name; default hostname-pid
  // scheduled pushes and delivery
  core::ScheduleDefaults schedule;      ///< DEFAULT_TZ, DEFAULT_LESSON_TIME, REMINDERS_MAX
  engine::SchedulerConfig scheduler;    ///< SCHEDULER_*
  delivery::DispatcherConfig dispatch;  ///< DISPATCH_* (consumer = instance_id)
  std::chrono::milliseconds shutdown_timeout{20'000};  ///< SHUTDOWN_TIMEOUT_MS
  // Telegram
  std::string telegram_token;
  std::string telegram_secret;
  std::string telegram_api_url = "https://api.telegram.org";
  core::RouteLimits
      telegram_limits;  ///< TELEGRAM_*; load_config starts from telegram::default_limits()

  // Slack
  std::string slack_token;           ///< bot token, xoxb-...
  std::string slack_signing_secret;  ///< verifies every request Slack sends
  std::string slack_api_url = "https://slack.com/api";
  core::RouteLimits slack_limits;  ///< SLACK_*; load_config starts from slack::default_limits()

  bool telegram_enabled() const { return !telegram_token.empty(); }
  bool slack_enabled() const { return !slack_token.empty(); }
  /// One line per setting for the start-up log, secrets shown as "set"/"unset".
  std::string describe() const;
};

struct Variable {
  const char* name;
  const char* default_value;
  const char* meaning;
};

/// Every variable the bot reads, with its default and meaning (the README's table).
const std::vector<Variable>& variables();

using Getenv = std::function<std::optional<std::string>(const char*)>;
/// Reads the real process environment.
std::optional<std::string> process_env(const char* name);

struct ConfigResult {
  Config config;
  std::vector<std::string> errors;  ///< "VARIABLE: what is wrong"; empty when valid
};

ConfigResult load_config(const Getenv& getenv);

}  // namespace mc::app
