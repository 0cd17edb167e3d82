#include "bot/webhooks/telegram.hpp"

#include <spdlog/spdlog.h>

#include "adapters/telegram/verify.hpp"
#include "bot/webhooks/outcome.hpp"

namespace mc::webhooks {
namespace {

Received receive_update(const std::string& secret, const telegram::BotIdentity& bot,
                        const http::Request& req) {
  Received r;
  auto header = req.find("X-Telegram-Bot-Api-Secret-Token");
  std::string_view token;
  if (header != req.end()) token = header->value();
  if (!telegram::verify_secret(secret, token)) {
    r.answer = Answer{Outcome::unauthorized, "unknown", "invalid secret token"};
    return r;
  }
  telegram::Parsed parsed = telegram::parse_update(req.body(), bot);
  switch (parsed.status) {
    case telegram::Parsed::Status::malformed:
      r.answer = Answer{Outcome::malformed, "unknown", std::move(parsed.reason)};
      break;
    case telegram::Parsed::Status::ignored:
      spdlog::debug("telegram: ignored update: {}", parsed.reason);
      r.answer = Answer{Outcome::ignored, "ignored", {}};
      break;
    case telegram::Parsed::Status::event:
      r.event = std::move(parsed.event);
      break;
  }
  return r;
}

}  // namespace

http::Handler telegram_webhook(engine::Engine& engine, std::string secret,
                               std::shared_ptr<const telegram::BotIdentity> bot) {
  return webhook("telegram", engine,
                 [secret = std::move(secret), bot = std::move(bot)](const http::Request& req) {
                   return receive_update(secret, *bot, req);
                 });
}

}  // namespace mc::webhooks
