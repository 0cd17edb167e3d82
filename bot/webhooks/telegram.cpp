#include "bot/webhooks/telegram.hpp"

#include <spdlog/spdlog.h>

#include "adapters/telegram/verify.hpp"
#include "bot/webhooks/outcome.hpp"

namespace mc::webhooks {
namespace {

constexpr std::string_view kPlatform = "telegram";

boost::asio::awaitable<Answer> receive(engine::Engine& engine, const std::string& secret,
                                       const telegram::BotIdentity& bot, const http::Request& req) {
  auto header = req.find("X-Telegram-Bot-Api-Secret-Token");
  std::string_view token;
  if (header != req.end()) token = header->value();
  if (!telegram::verify_secret(secret, token)) {
    co_return Answer{Outcome::unauthorized, "unknown", "invalid secret token"};
  }
  telegram::Parsed parsed = telegram::parse_update(req.body(), bot);
  switch (parsed.status) {
    case telegram::Parsed::Status::malformed:
      co_return Answer{Outcome::malformed, "unknown", std::move(parsed.reason)};
    case telegram::Parsed::Status::ignored:
      spdlog::debug("telegram: ignored update: {}", parsed.reason);
      co_return Answer{Outcome::ignored, "ignored", {}};
    case telegram::Parsed::Status::event:
      break;
  }
  const auto handled = co_await engine.handle(parsed.event);
  if (!handled) {
    spdlog::warn("telegram: update {} not handled, Telegram will retry: {}", parsed.event.event_id,
                 handled.error().message());
  }
  co_return Answer{outcome_of(handled), core::kind_name(parsed.event.kind), {}};
}

}  // namespace

http::Handler telegram_webhook(engine::Engine& engine, std::string secret,
                               std::shared_ptr<const telegram::BotIdentity> bot) {
  return [&engine, secret = std::move(secret),
          bot = std::move(bot)](http::Request req) -> boost::asio::awaitable<http::Response> {
    const Answer answer = co_await receive(engine, secret, *bot, req);
    co_return respond(req, kPlatform, answer);
  };
}

}  // namespace mc::webhooks
