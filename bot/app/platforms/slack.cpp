#include "bot/app/platforms/slack.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/system/errc.hpp>

#include "adapters/slack/client.hpp"
#include "adapters/slack/render.hpp"
#include "bot/engine/deferred.hpp"
#include "bot/engine/profiles.hpp"
#include "bot/http/router.hpp"
#include "bot/webhooks/outcome.hpp"
#include "bot/webhooks/slack.hpp"

namespace mc::app {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

const std::vector<Variable>& slack_variables() {
  static const std::vector<Variable> vars = {
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

std::shared_ptr<const PlatformSettings> load_slack(EnvReader& env) {
  auto s = std::make_shared<SlackSettings>();
  s->limits = slack::default_limits();
  if (auto v = env.get("SLACK_BOT_TOKEN")) {
    if (!v->starts_with("xoxb-") || !word_chars(std::string_view(*v).substr(5), 8, 4096, "-")) {
      env.error("SLACK_BOT_TOKEN",
                "must be a bot token (xoxb-...) from the app's OAuth & Permissions page");
    } else {
      s->token = *v;
    }
  }
  if (auto v = env.get("SLACK_SIGNING_SECRET")) {
    if (!word_chars(*v, 16, 256, "")) {
      env.error("SLACK_SIGNING_SECRET",
                "must be the app's signing secret (16 or more letters and digits, from Basic "
                "Information)");
    } else {
      s->signing_secret = *v;
    }
  }
  if (s->enabled() && s->signing_secret.empty() && !env.has_error("SLACK_SIGNING_SECRET")) {
    env.error("SLACK_SIGNING_SECRET",
              "is required with SLACK_BOT_TOKEN, or anyone could post forged requests");
  }
  env.url("SLACK_API_URL", s->api_url, /*https_only=*/false);
  env.rate("SLACK_MAX_PER_SECOND", s->limits.bot.per_second);
  s->limits.bot.burst = std::max(s->limits.bot.per_second, 1.0);
  env.rate("SLACK_CHANNEL_MAX_PER_SECOND", s->limits.chat.per_second);
  env.rate("SLACK_CHANNEL_BURST", s->limits.chat.burst);
  return s;
}

/// "slack:<team>:<user>" -> users.info of that user in that workspace.
engine::ProfileLookup users_info(slack::Client& client) {
  return [&client](std::string learner) -> asio::awaitable<boost::system::result<engine::Profile>> {
    const std::string user = slack::user_of_learner(learner);
    const std::string team = slack::team_of_route(learner.substr(0, learner.rfind(':')));
    if (user.empty() || team.empty()) {
      co_return boost::system::errc::make_error_code(boost::system::errc::invalid_argument);
    }
    auto info = co_await client.user_info(team, user);
    if (!info) co_return info.error();
    co_return engine::Profile{info->tz, info->display_name};
  };
}

class SlackPlatform final : public Platform {
 public:
  SlackPlatform(const SlackSettings& settings, Wiring& wiring)
      : settings_(settings),
        wiring_(wiring),
        tokens_(settings.token),
        client_(wiring.http, tokens_, slack::ClientConfig{settings.api_url}),
        profiles_(wiring.executor, wiring.engine, users_info(client_),
                  [](engine::Handled h) {
                    webhooks::count_update(
                        "slack", "profile",
                        h == engine::Handled::duplicate ? "duplicate" : "applied");
                  }),
        transport_(wiring.executor, wiring.engine, wiring.deferred, profiles_, client_,
                   webhooks::SlackTransportConfig{settings.signing_secret},
                   [] { return std::chrono::system_clock::now(); }),
        backoff_(wiring.executor) {
    wiring.deferred.on_finished(std::string(webhooks::kSlackFollowUp), transport_.follow_up());
  }

  std::string_view name() const override { return "slack"; }

  void add_routes(http::Router& router) override {
    router.add(bhttp::verb::post, std::string(slack::kEventsPath), transport_.events());
    router.add(bhttp::verb::post, std::string(slack::kCommandsPath), transport_.commands());
    router.add(bhttp::verb::post, std::string(slack::kInteractivityPath),
               transport_.interactivity());
  }

  delivery::Sender sender() override {
    return {slack::parts_of, [this](const core::Part& part) { return client_.call(part); }};
  }

  core::RouteLimits limits() const override { return settings_.limits; }

  // Checks the token (auth.test) and learns our bot user, so its own messages are ignored. A
  // refused token is logged loudly.
  asio::awaitable<void> start() override {
    while (true) {
      auto me = co_await client_.auth_test("");
      if (me) {
        spdlog::info("slack: running as bot user {} in workspace {} ({})", me->user_id, me->team,
                     me->team_id);
        transport_.set_identity(slack::Identity{me->user_id});
        break;
      }
      if (me.error() == boost::system::errc::permission_denied) {
        spdlog::critical("slack: the bot token is refused (auth.test); check SLACK_BOT_TOKEN");
      } else {
        spdlog::warn("slack: auth.test failed ({}), retrying in {}s", me.error().message(),
                     backoff_.delay().count());
      }
      if (!co_await backoff_.wait()) co_return;
    }
    const std::string& public_url = wiring_.config.public_url;
    if (!public_url.empty()) {
      spdlog::info("slack: request URLs for the app's settings: {0}{1}, {0}{2}, {0}{3}", public_url,
                   slack::kEventsPath, slack::kCommandsPath, slack::kInteractivityPath);
    }
  }

  void stop() override {
    transport_.stop();
    profiles_.stop();
    backoff_.stop();
  }

 private:
  const SlackSettings& settings_;
  Wiring& wiring_;
  slack::StaticTokenSource tokens_;
  slack::Client client_;
  engine::Profiles profiles_;
  webhooks::SlackTransport transport_;
  StartupBackoff backoff_;
};

std::unique_ptr<Platform> make_slack(const PlatformSettings& settings, Wiring& wiring) {
  return std::make_unique<SlackPlatform>(static_cast<const SlackSettings&>(settings), wiring);
}

}  // namespace

std::string SlackSettings::describe() const {
  return describe_platform(
      "slack", enabled(), api_url,
      {{"token", !token.empty()}, {"signing secret", !signing_secret.empty()}});
}

PlatformModule slack_module() { return {"slack", &slack_variables, &load_slack, &make_slack}; }

}  // namespace mc::app
