#include "bot/app/config.hpp"

#include <unistd.h>

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <string_view>

#include "bot/app/platform.hpp"
#include "bot/store/redis_url.hpp"

namespace mc::app {
namespace {

std::string default_instance_id() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return std::string(host[0] != '\0' ? host : "instance") + "-" + std::to_string(getpid());
}

const std::vector<Variable>& common_variables() {
  static const std::vector<Variable> vars = {
      {"PORT", "8080", "TCP port of the webhook server"},
      {"BIND", "0.0.0.0", "address the webhook server listens on"},
      {"PUBLIC_URL", "(none)",
       "public https base URL of this bot; with it, `serve` registers the Telegram webhook "
       "itself"},
      {"REDIS_URL", "redis://127.0.0.1:6379/0",
       "Redis to keep learner state in: redis://[[user]:password@]host[:port][/db]"},
      {"CONTENT_DIR", "content", "folder of course files"},
      {"LOG_LEVEL", "info", "trace, debug, info, warn, error, critical or off"},
      {"INSTANCE_ID", "<hostname>-<pid>",
       "name of this instance among several sharing one Redis (outbox consumer)"},
      {"DEFAULT_TZ", "UTC",
       "time zone (IANA name, e.g. Europe/Berlin) of learners who have not set theirs"},
      {"DEFAULT_LESSON_TIME", "09:30",
       "local time (HH:MM, 24-hour clock) of the daily push for learners who have not set theirs"},
      {"REMINDERS_MAX", "2",
       "reminders of an unanswered push (after 3 h, then 6 h, between 08:00 and 21:00 local) "
       "before the learner is paused; 0-10"},
      {"SCHEDULER_BATCH", "1000", "due learners claimed from the schedule at once"},
      {"SCHEDULER_CONCURRENCY", "64", "scheduled pushes prepared at once"},
      {"SCHEDULER_INTERVAL_MS", "1000", "how often to look for due learners when none were due"},
      {"SCHEDULER_LEASE_MS", "60000",
       "a claimed push not committed within this is due again (a crashed instance's)"},
      {"DISPATCH_MAX_ATTEMPTS", "8",
       "sends of a message failing with 5xx or a timeout before it goes to the dead letters"},
      {"DISPATCH_BACKOFF_MS", "500", "first retry delay, doubled per attempt (with jitter)"},
      {"DISPATCH_BACKOFF_MAX_MS", "30000", "longest retry delay"},
      {"DISPATCH_RECLAIM_IDLE_MS", "60000",
       "outbox entries of an instance silent this long are taken over by the others"},
      {"DISPATCH_MAX_IN_FLIGHT", "512", "outbox entries one instance holds at once"},
      {"DEFERRED_RETRY_MS", "1000",
       "a slash command or button press that could not be saved in time is kept in Redis and "
       "tried again after this, then at doubling intervals (any instance)"},
      {"DEFERRED_GIVE_UP_MS", "60000",
       "after this the learner is told it did not go through (through the response_url)"},
      {"SHUTDOWN_TIMEOUT_MS", "20000",
       "on SIGTERM, the longest wait for in-flight requests and sends before exiting"},
  };
  return vars;
}

}  // namespace

const std::vector<Variable>& variables() {
  static const std::vector<Variable> vars = [] {
    std::vector<Variable> all = common_variables();
    for (const PlatformModule& m : platform_modules()) {
      const auto& own = m.variables();
      all.insert(all.end(), own.begin(), own.end());
    }
    return all;
  }();
  return vars;
}

ConfigResult load_config(const Getenv& getenv) {
  ConfigResult r;
  Config& c = r.config;
  EnvReader env(getenv, r.errors);
  auto get = [&](const char* name) { return env.get(name); };
  auto error = [&](const char* name, const std::string& what) { env.error(name, what); };

  env.integer("PORT", 1, 65535, [&](long x) { c.port = static_cast<unsigned short>(x); });
  if (auto v = get("BIND")) {
    boost::system::error_code ec;
    boost::asio::ip::make_address(*v, ec);
    if (ec) {
      error("BIND", "must be an IP address such as 0.0.0.0 or 127.0.0.1, got \"" + *v + "\"");
    } else {
      c.bind = *v;
    }
  }
  env.url("PUBLIC_URL", c.public_url, /*https_only=*/true);
  if (auto v = get("LOG_LEVEL")) {
    static constexpr std::string_view levels[] = {"trace",   "debug", "info",     "warn",
                                                  "warning", "error", "critical", "off"};
    if (std::find(std::begin(levels), std::end(levels), *v) == std::end(levels)) {
      error("LOG_LEVEL", "must be one of trace, debug, info, warn, error, critical, off");
    } else {
      c.log_level = *v == "warning" ? "warn" : *v;
    }
  }
  if (auto v = get("REDIS_URL")) c.redis_url = *v;
  std::string why;
  if (auto redis = store::parse_redis_url(c.redis_url, &why)) {
    c.redis = *redis;
  } else {
    error("REDIS_URL", why);  // the parser's message never repeats the password
  }
  if (auto v = get("CONTENT_DIR")) c.content_dir = *v;
  c.instance_id = get("INSTANCE_ID").value_or(default_instance_id());
  c.dispatch.consumer = c.instance_id;

  // Scheduled pushes and delivery.
  if (auto v = get("DEFAULT_TZ")) {
    if (auto zone = core::canonical_time_zone(*v)) {
      c.schedule.time_zone = *zone;
    } else {
      error("DEFAULT_TZ", "unknown time zone \"" + *v +
                              "\"; use an IANA name such as Europe/Berlin (is tzdata installed?)");
    }
  } else if (!core::valid_time_zone(c.schedule.time_zone)) {
    error("DEFAULT_TZ", "the tz database has no UTC: install tzdata (/usr/share/zoneinfo)");
  }
  if (auto v = get("DEFAULT_LESSON_TIME")) {
    if (auto minute = core::parse_clock(*v)) {
      c.schedule.lesson_minute = *minute;
    } else {
      error("DEFAULT_LESSON_TIME", "must be HH:MM on a 24-hour clock, got \"" + *v + "\"");
    }
  }
  env.integer("REMINDERS_MAX", 0, 10, c.schedule.reminders_max);
  env.integer("SCHEDULER_BATCH", 1, 100'000, c.scheduler.batch);
  env.integer("SCHEDULER_CONCURRENCY", 1, 10'000, c.scheduler.concurrency);
  env.millis("SCHEDULER_INTERVAL_MS", 10, 3'600'000, c.scheduler.interval);
  env.millis("SCHEDULER_LEASE_MS", 100, 86'400'000, c.scheduler.lease);
  env.integer("DISPATCH_MAX_ATTEMPTS", 1, 1'000, c.dispatch.max_attempts);
  env.millis("DISPATCH_BACKOFF_MS", 1, 3'600'000, c.dispatch.backoff_base);
  env.millis("DISPATCH_BACKOFF_MAX_MS", 1, 86'400'000, c.dispatch.backoff_max);
  env.millis("DISPATCH_RECLAIM_IDLE_MS", 100, 86'400'000, c.dispatch.reclaim_idle);
  env.integer("DISPATCH_MAX_IN_FLIGHT", 1, 100'000, c.dispatch.max_in_flight);
  env.millis("SHUTDOWN_TIMEOUT_MS", 100, 600'000, c.shutdown_timeout);
  env.millis("DEFERRED_RETRY_MS", 10, 3'600'000, c.deferred.retry_first);
  env.millis("DEFERRED_GIVE_UP_MS", 1'000, 86'400'000, c.deferred.give_up_after);
  if (c.dispatch.backoff_max < c.dispatch.backoff_base) {
    error("DISPATCH_BACKOFF_MAX_MS", "must not be less than DISPATCH_BACKOFF_MS");
  }

  for (const PlatformModule& m : platform_modules()) c.platforms.push_back(m.load(env));
  return r;
}

std::string Config::describe() const {
  std::string out = "listen " + bind + ":" + std::to_string(port) + ", redis " + redis.host + ":" +
                    std::to_string(redis.port) + "/" + std::to_string(redis.db) +
                    (redis.password.empty() ? "" : " (auth)") + ", content " + content_dir +
                    ", instance " + instance_id + ", pushes at " +
                    core::format_clock(schedule.lesson_minute) + " " + schedule.time_zone;
  for (const auto& p : platforms) out += ", " + p->describe();
  if (!public_url.empty()) out += ", public " + public_url;
  return out;
}

}  // namespace mc::app
