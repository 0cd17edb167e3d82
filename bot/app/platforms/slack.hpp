#pragma once

// Slack on the platform seam: its configuration section (SLACK_*) and its module.

#include <string>

#include "bot/app/platform.hpp"

namespace mc::app {

struct SlackSettings : PlatformSettings {
  std::string token;           ///< bot token, xoxb-...; never logged
  std::string signing_secret;  ///< verifies every request Slack sends
  std::string api_url = "https://slack.com/api";
  core::RouteLimits limits;  ///< starts from slack::default_limits()

  bool enabled() const override { return !token.empty(); }
  std::string describe() const override;
};

PlatformModule slack_module();

}  // namespace mc::app
