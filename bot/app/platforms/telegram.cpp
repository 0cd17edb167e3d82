#include "bot/app/platforms/telegram.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "adapters/telegram/client.hpp"
#include "adapters/telegram/render.hpp"
#include "bot/http/router.hpp"
#include "bot/webhooks/telegram.hpp"

namespace mc::app {
namespace {

namespace asio = boost::asio;

constexpr std::string_view kWebhookPath = "/telegram/webhook";

const std::vector<Variable>& telegram_variables() {
  static const std::vector<Variable> vars = {
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
  };
  return vars;
}

bool is_telegram_token(std::string_view s) {
  auto colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 20) return false;
  auto digits = s.substr(0, colon);
  return std::all_of(digits.begin(), digits.end(),
                     [](char ch) { return ch >= '0' && ch <= '9'; }) &&
         word_chars(s.substr(colon + 1), 20, 4096, "_-");
}

std::shared_ptr<const PlatformSettings> load_telegram(EnvReader& env) {
  auto s = std::make_shared<TelegramSettings>();
  s->limits = telegram::default_limits();
  if (auto v = env.get("TELEGRAM_BOT_TOKEN")) {
    if (!is_telegram_token(*v)) {
      env.error("TELEGRAM_BOT_TOKEN", "does not look like a BotFather token (<digits>:<secret>)");
    } else {
      s->token = *v;
    }
  }
  if (auto v = env.get("TELEGRAM_WEBHOOK_SECRET")) {
    if (!word_chars(*v, 1, 256, "_-")) {
      env.error("TELEGRAM_WEBHOOK_SECRET", "must be 1-256 characters of A-Z, a-z, 0-9, _ and -");
    } else {
      s->secret = *v;
    }
  }
  if (s->enabled() && s->secret.empty() && !env.has_error("TELEGRAM_WEBHOOK_SECRET")) {
    env.error("TELEGRAM_WEBHOOK_SECRET",
              "is required with TELEGRAM_BOT_TOKEN, or anyone could post forged updates");
  }
  env.url("TELEGRAM_API_URL", s->api_url, /*https_only=*/false);
  env.rate("TELEGRAM_MAX_PER_SECOND", s->limits.bot.per_second);
  env.rate("TELEGRAM_CHAT_MAX_PER_SECOND", s->limits.chat.per_second);
  env.rate("TELEGRAM_CHAT_BURST", s->limits.chat.burst);
  env.rate("TELEGRAM_GROUP_MAX_PER_MINUTE", s->limits.group.per_second, 1.0 / 60.0);
  s->limits.group.burst = s->limits.chat.burst;
  return s;
}

class TelegramPlatform final : public Platform {
 public:
  TelegramPlatform(const TelegramSettings& settings, Wiring& wiring)
      : settings_(settings),
        wiring_(wiring),
        bot_(std::make_shared<telegram::BotIdentity>()),
        client_(wiring.http, telegram::ClientConfig{settings.api_url, settings.token}),
        backoff_(wiring.executor) {
    bot_->id = telegram::bot_id_of_token(settings.token);
  }

  std::string_view name() const override { return "telegram"; }

  void add_routes(http::Router& router) override {
    router.add(boost::beast::http::verb::post, std::string(kWebhookPath),
               webhooks::telegram_webhook(wiring_.engine, settings_.secret, bot_));
  }

  delivery::Sender sender() override {
    return {telegram::parts_of, [this](const core::Part& part) { return client_.call(part); }};
  }

  core::RouteLimits limits() const override { return settings_.limits; }

  // Learns the bot's username (to recognise /cmd@ThisBot), then registers the webhook when a
  // public URL is configured.
  asio::awaitable<void> start() override {
    while (true) {
      auto me = co_await client_.get_me();
      if (me) {
        bot_->username = me->username;
        spdlog::info("telegram: running as @{} ({})", bot_->username, bot_->id);
        break;
      }
      spdlog::warn("telegram: getMe failed ({}), retrying in {}s", me.error().message(),
                   backoff_.delay().count());
      if (!co_await backoff_.wait()) co_return;
    }
    const std::string& public_url = wiring_.config.public_url;
    if (public_url.empty()) co_return;
    const std::string url = public_url + std::string(kWebhookPath);
    telegram::ApiCall call{"setWebhook",
                           {{"url", url},
                            {"secret_token", settings_.secret},
                            {"allowed_updates", {"message", "callback_query", "my_chat_member"}}}};
    auto outcome = co_await client_.call(call);
    if (outcome.status == core::SendOutcome::Status::sent) {
      spdlog::info("telegram: webhook set to {}", url);
    } else {
      spdlog::error("telegram: setWebhook failed: {}", outcome.reason);
    }
  }

  void stop() override { backoff_.stop(); }

 private:
  const TelegramSettings& settings_;
  Wiring& wiring_;
  std::shared_ptr<telegram::BotIdentity> bot_;
  telegram::Client client_;
  StartupBackoff backoff_;
};

std::unique_ptr<Platform> make_telegram(const PlatformSettings& settings, Wiring& wiring) {
  return std::make_unique<TelegramPlatform>(static_cast<const TelegramSettings&>(settings), wiring);
}

}  // namespace

std::string TelegramSettings::describe() const {
  return describe_platform("telegram", enabled(), api_url,
                           {{"token", !token.empty()}, {"secret", !secret.empty()}});
}

PlatformModule telegram_module() {
  return {"telegram", &telegram_variables, &load_telegram, &make_telegram};
}

}  // namespace mc::app
