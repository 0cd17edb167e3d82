#pragma once

// The Telegram transport: POST /telegram/webhook -> verify (secret header) -> parse -> engine.

#include <memory>
#include <string>

#include "adapters/telegram/parse.hpp"
#include "bot/engine/engine.hpp"
#include "bot/http/router.hpp"

namespace mc::webhooks {

/// 401 on a wrong or missing secret token, 400 on malformed JSON, 200 for ignored, handled and
/// duplicate updates, 503 when Redis is unavailable so that Telegram delivers the update again.
/// `bot` is filled in by the platform's start-up (getMe) and read at every request.
http::Handler telegram_webhook(engine::Engine& engine, std::string secret,
                               std::shared_ptr<const telegram::BotIdentity> bot);

}  // namespace mc::webhooks
