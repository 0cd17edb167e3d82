#include "bot/app/config.hpp"

#include <unistd.h>

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <boost/url/parse.hpp>
#include <charconv>
#include <cstdlib>
#include <string_view>

#include "adapters/slack/client.hpp"
#include "adapters/telegram/client.hpp"
#include "bot/store/redis_url.hpp"

namespace mc::app {
namespace {

std::optional<double> parse_positive(const std::string& s) {
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size() || !(v > 0) || v > 1e6) {
    return std::nullopt;
  }
  return v;
}

std::optional<long> parse_long(const std::string& s) {
  long v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// True when s has min..max characters, each a letter, a digit or one of `extra`.
// (Hand-written rather than std::regex: these are the only patterns we need, and
// <regex> is slow to compile and trips GCC 12's sanitizer warnings.)
bool word_chars(std::string_view s, std::size_t min, std::size_t max, std::string_view extra) {
  if (s.size() < min || s.size() > max) return false;
  return std::all_of(s.begin(), s.end(), [&](char ch) {
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
           extra.find(ch) != std::string_view::npos;
  });
}

bool is_telegram_token(std::string_view s) {
  auto colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 20) return false;
  auto digits = s.substr(0, colon);
  return std::all_of(digits.begin(), digits.end(),
                     [](char ch) { return ch >= '0' && ch <= '9'; }) &&
         word_chars(s.substr(colon + 1), 20, 4096, "_-");
}

bool is_http_url(const std::string& s, bool https_only) {
  auto url = boost::urls::parse_absolute_uri(s);
  if (!url || url->host().empty()) return false;
  if (url->scheme() == "https") return true;
  return !https_only && url->scheme() == "http";
}

std::string default_instance_id() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return std::string(host[0] != '\0' ? host : "instance") + "-" + std::to_string(getpid());
}

}  // namespace

const std::vector<Variable>& variables() {
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
      {"SHUTDOWN_TIMEOUT_MS", "20000",
       "on SIGTERM, the longest wait for in-flight requests and sends before exiting"},
      {"TELEGRAM_BOT_TOKEN", "(none)", "token from @BotFather; enables Telegram"},
      {"TELEGRAM_WEBHOOK_SECRET", "(none)",
       "secret_token given to setWebhook; required with TELEGRAM_BOT_TOKEN (1-256 of "
       "A-Z a-z 0-9 _ -)"},
      {"TELEGRAM_API_URL", "https://api.telegram.org",
       "Bot API base URL (http:// for local fakes)"},
      {"TELEGRAM_MAX_PER_SECOND", "30",
       "messages per second per bot and instance (with N instances, give each 1/N of the "
       "bot's limit; raise it for paid broadcasts, up to 1000)"},
      {"TELEGRAM_CHAT_MAX_PER_SECOND", "1", "messages per second to one chat"},
      {"TELEGRAM_CHAT_BURST", "3", "messages one chat may get at once before pacing starts"},
      {"TELEGRAM_GROUP_MAX_PER_MINUTE", "20", "messages per minute to one group chat"},
      {"SLACK_BOT_TOKEN", "(none)",
       "bot token (xoxb-...) from the Slack app's OAuth & Permissions page; enables Slack"},
      {"SLACK_SIGNING_SECRET", "(none)",
       "signing secret from the Slack app's Basic Information page; required with "
       "SLACK_BOT_TOKEN"},
      {"SLACK_API_URL", "https://slack.com/api", "Web API base URL (http:// for local fakes)"},
      {"SLACK_MAX_PER_SECOND", "(no limit)", "messages per second per workspace"},
      {"SLACK_CHANNEL_MAX_PER_SECOND", "1",
       "messages per second to one DM (Slack allows about one, with short bursts)"},
      {"SLACK_CHANNEL_BURST", "3", "messages one DM may get at once before pacing starts"},
  };
  return vars;
}

std::optional<std::string> process_env(const char* name) {
  const char* v = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): read once at start-up
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

ConfigResult load_config(const Getenv& getenv) {
  ConfigResult r;
  Config& c = r.config;
  c.telegram_limits = telegram::default_limits();
  c.slack_limits = slack::default_limits();
  auto get = [&](const char* name) -> std::optional<std::string> {
    auto v = getenv(name);
    if (v && v->empty()) return std::nullopt;  // an empty variable means "use the default"
    return v;
  };
  auto error = [&](const char* name, const std::string& what) {
    r.errors.push_back(std::string(name) + ": " + what);
  };

  if (auto v = get("PORT")) {
    auto port = parse_long(*v);
    if (!port || *port < 1 || *port > 65535) {
      error("PORT", "must be a number from 1 to 65535, got \"" + *v + "\"");
    } else {
      c.port = static_cast<unsigned short>(*port);
    }
  }
  if (auto v = get("BIND")) {
    boost::system::error_code ec;
    boost::asio::ip::make_address(*v, ec);
    if (ec) {
      error("BIND", "must be an IP address such as 0.0.0.0 or 127.0.0.1, got \"" + *v + "\"");
    } else {
      c.bind = *v;
    }
  }
  if (auto v = get("PUBLIC_URL")) {
    if (!is_http_url(*v, /*https_only=*/true)) {
      error("PUBLIC_URL", "must be an https:// URL (platforms only call https webhooks)");
    } else {
      c.public_url = *v;
      while (!c.public_url.empty() && c.public_url.back() == '/') c.public_url.pop_back();
    }
  }
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
  auto integer = [&](const char* name, long low, long high, auto apply) {
    if (auto v = get(name)) {
      auto x = parse_long(*v);
      if (!x || *x < low || *x > high) {
        error(name, "must be a whole number from " + std::to_string(low) + " to " +
                        std::to_string(high) + ", got \"" + *v + "\"");
      } else {
        apply(*x);
      }
    }
  };
  using std::chrono::milliseconds;
  integer("REMINDERS_MAX", 0, 10, [&](long x) { c.schedule.reminders_max = static_cast<int>(x); });
  integer("SCHEDULER_BATCH", 1, 100'000, [&](long x) { c.scheduler.batch = static_cast<int>(x); });
  integer("SCHEDULER_CONCURRENCY", 1, 10'000,
          [&](long x) { c.scheduler.concurrency = static_cast<int>(x); });
  integer("SCHEDULER_INTERVAL_MS", 10, 3'600'000,
          [&](long x) { c.scheduler.interval = milliseconds(x); });
  integer("SCHEDULER_LEASE_MS", 100, 86'400'000,
          [&](long x) { c.scheduler.lease = milliseconds(x); });
  integer("DISPATCH_MAX_ATTEMPTS", 1, 1'000,
          [&](long x) { c.dispatch.max_attempts = static_cast<int>(x); });
  integer("DISPATCH_BACKOFF_MS", 1, 3'600'000,
          [&](long x) { c.dispatch.backoff_base = milliseconds(x); });
  integer("DISPATCH_BACKOFF_MAX_MS", 1, 86'400'000,
          [&](long x) { c.dispatch.backoff_max = milliseconds(x); });
  integer("DISPATCH_RECLAIM_IDLE_MS", 100, 86'400'000,
          [&](long x) { c.dispatch.reclaim_idle = milliseconds(x); });
  integer("DISPATCH_MAX_IN_FLIGHT", 1, 100'000,
          [&](long x) { c.dispatch.max_in_flight = static_cast<int>(x); });
  integer("SHUTDOWN_TIMEOUT_MS", 100, 600'000,
          [&](long x) { c.shutdown_timeout = milliseconds(x); });
  if (c.dispatch.backoff_max < c.dispatch.backoff_base) {
    error("DISPATCH_BACKOFF_MAX_MS", "must not be less than DISPATCH_BACKOFF_MS");
  }

  if (auto v = get("TELEGRAM_BOT_TOKEN")) {
    if (!is_telegram_token(*v)) {
      error("TELEGRAM_BOT_TOKEN", "does not look like a BotFather token (<digits>:<secret>)");
    } else {
      c.telegram_token = *v;
    }
  }
  if (auto v = get("TELEGRAM_WEBHOOK_SECRET")) {
    if (!word_chars(*v, 1, 256, "_-")) {
      error("TELEGRAM_WEBHOOK_SECRET", "must be 1-256 characters of A-Z, a-z, 0-9, _ and -");
    } else {
      c.telegram_secret = *v;
    }
  }
  if (c.telegram_enabled() && c.telegram_secret.empty() &&
      std::none_of(r.errors.begin(), r.errors.end(),
                   [](const std::string& e) { return e.starts_with("TELEGRAM_WEBHOOK_SECRET"); })) {
    error("TELEGRAM_WEBHOOK_SECRET",
          "is required with TELEGRAM_BOT_TOKEN, or anyone could post forged updates");
  }
  if (auto v = get("TELEGRAM_API_URL")) {
    if (!is_http_url(*v, /*https_only=*/false)) {
      error("TELEGRAM_API_URL", "must be an http:// or https:// URL");
    } else {
      c.telegram_api_url = *v;
      while (!c.telegram_api_url.empty() && c.telegram_api_url.back() == '/') {
        c.telegram_api_url.pop_back();
      }
    }
  }
  if (auto v = get("SLACK_BOT_TOKEN")) {
    if (!v->starts_with("xoxb-") || !word_chars(std::string_view(*v).substr(5), 8, 4096, "-")) {
      error("SLACK_BOT_TOKEN",
            "must be a bot token (xoxb-...) from the app's OAuth & Permissions page");
    } else {
      c.slack_token = *v;
    }
  }
  if (auto v = get("SLACK_SIGNING_SECRET")) {
    if (!word_chars(*v, 16, 256, "")) {
      error("SLACK_SIGNING_SECRET",
            "must be the app's signing secret (16 or more letters and digits, from Basic "
            "Information)");
    } else {
      c.slack_signing_secret = *v;
    }
  }
  if (c.slack_enabled() && c.slack_signing_secret.empty() &&
      std::none_of(r.errors.begin(), r.errors.end(),
                   [](const std::string& e) { return e.starts_with("SLACK_SIGNING_SECRET"); })) {
    error("SLACK_SIGNING_SECRET",
          "is required with SLACK_BOT_TOKEN, or anyone could post forged requests");
  }
  if (auto v = get("SLACK_API_URL")) {
    if (!is_http_url(*v, /*https_only=*/false)) {
      error("SLACK_API_URL", "must be an http:// or https:// URL");
    } else {
      c.slack_api_url = *v;
      while (!c.slack_api_url.empty() && c.slack_api_url.back() == '/') {
        c.slack_api_url.pop_back();
      }
    }
  }
  auto rate = [&](const char* name, double& target, double scale) {
    if (auto v = get(name)) {
      if (auto x = parse_positive(*v)) {
        target = *x * scale;
      } else {
        error(name, "must be a positive number, got \"" + *v + "\"");
      }
    }
  };
  rate("TELEGRAM_MAX_PER_SECOND", c.telegram_limits.bot.per_second, 1);
  rate("TELEGRAM_CHAT_MAX_PER_SECOND", c.telegram_limits.chat.per_second, 1);
  rate("TELEGRAM_CHAT_BURST", c.telegram_limits.chat.burst, 1);
  rate("TELEGRAM_GROUP_MAX_PER_MINUTE", c.telegram_limits.group.per_second, 1.0 / 60.0);
  c.telegram_limits.group.burst = c.telegram_limits.chat.burst;
  rate("SLACK_MAX_PER_SECOND", c.slack_limits.bot.per_second, 1);
  c.slack_limits.bot.burst = std::max(c.slack_limits.bot.per_second, 1.0);
  rate("SLACK_CHANNEL_MAX_PER_SECOND", c.slack_limits.chat.per_second, 1);
  rate("SLACK_CHANNEL_BURST", c.slack_limits.chat.burst, 1);
  return r;
}

std::string Config::describe() const {
  auto secret = [](const std::string& s) { return s.empty() ? "unset" : "set"; };
  return "listen " + bind + ":" + std::to_string(port) + ", redis " + redis.host + ":" +
         std::to_string(redis.port) + "/" + std::to_string(redis.db) +
         (redis.password.empty() ? "" : " (auth)") + ", content " + content_dir + ", instance " +
         instance_id + ", pushes at " + core::format_clock(schedule.lesson_minute) + " " +
         schedule.time_zone + ", telegram " +
         (telegram_enabled() ? std::string("on via ") + telegram_api_url : "off") + " (token " +
         secret(telegram_token) + ", secret " + secret(telegram_secret) + ")" + ", slack " +
         (slack_enabled() ? std::string("on via ") + slack_api_url : "off") + " (token " +
         secret(slack_token) + ", signing secret " + secret(slack_signing_secret) + ")" +
         (public_url.empty() ? "" : ", public " + public_url);
}

}  // namespace mc::app
