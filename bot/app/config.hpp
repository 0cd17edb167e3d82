#pragma once

// Configuration from the environment (12-factor), validated at start-up. Every problem names the
// variable and what is wrong; secrets never appear in messages or in describe().

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bot/app/env.hpp"
#include "bot/core/rate_limits.hpp"
#include "bot/core/schedule.hpp"
#include "bot/delivery/dispatcher.hpp"
#include "bot/engine/deferred.hpp"
#include "bot/engine/scheduler.hpp"
#include "bot/store/redis_client.hpp"

namespace mc::app {

/// One platform's section of the configuration (read by its module, bot/app/platforms/).
struct PlatformSettings {
  virtual ~PlatformSettings() = default;
  /// Its credentials are given: serve runs it.
  virtual bool enabled() const = 0;
  /// For the start-up log line; secrets shown as "set"/"unset".
  virtual std::string describe() const = 0;
};

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
  engine::DeferredConfig deferred;      ///< DEFERRED_*
  std::chrono::milliseconds shutdown_timeout{20'000};  ///< SHUTDOWN_TIMEOUT_MS
  /// Each registered platform's section, in the registry's order (enabled or not).
  std::vector<std::shared_ptr<const PlatformSettings>> platforms;

  /// The section of type S, or nullptr.
  template <typename S>
  const S* settings() const {
    for (const auto& p : platforms) {
      if (const auto* s = dynamic_cast<const S*>(p.get())) return s;
    }
    return nullptr;
  }
  /// One line per setting for the start-up log, secrets shown as "set"/"unset".
  std::string describe() const;
};

/// Every variable the bot reads, with its default and meaning (the README's table): the common
/// ones, then each platform's.
const std::vector<Variable>& variables();

struct ConfigResult {
  Config config;
  std::vector<std::string> errors;  ///< "VARIABLE: what is wrong"; empty when valid
};

ConfigResult load_config(const Getenv& getenv);

}  // namespace mc::app
