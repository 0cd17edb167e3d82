#include "bot/app/webhooks.hpp"

#include <spdlog/spdlog.h>

#include "adapters/telegram/verify.hpp"
#include "bot/metrics/metrics.hpp"

namespace mc::app {
namespace {

namespace bhttp = boost::beast::http;

void count_update(const char* platform, const char* kind, const char* outcome) {
  metrics::Registry::global().inc("microcourse_updates_total",
                                  "Platform updates received, by platform, kind and outcome",
                                  {{"platform", platform}, {"kind", kind}, {"outcome", outcome}});
}

}  // namespace

http::Handler telegram_webhook(engine::Engine& engine, std::string secret,
                               std::shared_ptr<const telegram::BotIdentity> bot) {
  return [&engine, secret = std::move(secret),
          bot = std::move(bot)](http::Request req) -> boost::asio::awaitable<http::Response> {
    auto header = req.find("X-Telegram-Bot-Api-Secret-Token");
    std::string_view token;
    if (header != req.end()) token = header->value();
    if (!telegram::verify_secret(secret, token)) {
      count_update("telegram", "unknown", "unauthorized");
      co_return http::json_error(req, bhttp::status::unauthorized, "invalid secret token");
    }
    telegram::Parsed parsed = telegram::parse_update(req.body(), *bot);
    switch (parsed.status) {
      case telegram::Parsed::Status::malformed:
        count_update("telegram", "unknown", "malformed");
        co_return http::json_error(req, bhttp::status::bad_request, parsed.reason);
      case telegram::Parsed::Status::ignored:
        count_update("telegram", "ignored", "ignored");
        spdlog::debug("telegram: ignored update: {}", parsed.reason);
        co_return http::make_response(req, bhttp::status::ok, "", "application/json");
      case telegram::Parsed::Status::event:
        break;
    }
    const char* kind = core::kind_name(parsed.event.kind);
    auto handled = co_await engine.handle(parsed.event);
    if (!handled) {
      count_update("telegram", kind, "unavailable");
      spdlog::warn("telegram: update {} not handled, Telegram will retry: {}",
                   parsed.event.event_id, handled.error().message());
      auto res = http::json_error(req, bhttp::status::service_unavailable,
                                  "temporarily unavailable, retry later");
      res.set(bhttp::field::retry_after, "5");
      co_return res;
    }
    count_update("telegram", kind,
                 *handled == engine::Handled::duplicate ? "duplicate" : "applied");
    co_return http::make_response(req, bhttp::status::ok, "", "application/json");
  };
}

}  // namespace mc::app
