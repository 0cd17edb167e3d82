#pragma once

// The transports: HTTP request -> adapter verify/parse -> engine -> HTTP status. A webhook is
// answered only after the event's effects are durable in Redis.

#include <memory>
#include <string>

#include "adapters/telegram/parse.hpp"
#include "bot/engine/engine.hpp"
#include "bot/http/router.hpp"

namespace mc::app {

/// POST /telegram/webhook: 401 on a wrong or missing secret token, 400 on malformed JSON, 200
/// for ignored and handled updates (also for duplicates), 503 when Redis is unavailable so that
/// Telegram delivers the update again later.
http::Handler telegram_webhook(engine::Engine& engine, std::string secret,
                               std::shared_ptr<const telegram::BotIdentity> bot);

}  // namespace mc::app
