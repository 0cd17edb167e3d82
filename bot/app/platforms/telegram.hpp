#pragma once

// Telegram on the platform seam: its configuration section (TELEGRAM_*) and its module.

#include <string>

#include "bot/app/platform.hpp"

namespace mc::app {

struct TelegramSettings : PlatformSettings {
  std::string token;   ///< from @BotFather; never logged
  std::string secret;  ///< the webhook's secret_token
  std::string api_url = "https://api.telegram.org";
  core::RouteLimits limits;  ///< starts from telegram::default_limits()

  bool enabled() const override { return !token.empty(); }
  std::string describe() const override;
};

PlatformModule telegram_module();

}  // namespace mc::app
