#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include "adapters/slack/client.hpp"
#include "adapters/telegram/client.hpp"
#include "bot/app/commands.hpp"
#include "bot/app/setup.hpp"
#include "bot/app/slack_webhooks.hpp"
#include "bot/app/webhooks.hpp"
#include "bot/delivery/dispatcher.hpp"
#include "bot/delivery/scheduler.hpp"
#include "bot/http/client.hpp"
#include "bot/http/server.hpp"
#include "bot/metrics/metrics.hpp"
#include "bot/store/store.hpp"

namespace mc::app {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

// Learns the bot's username (to recognise /cmd@ThisBot) and registers the webhook when a public
// URL is configured. Retries until Telegram answers; the server works meanwhile.
asio::awaitable<void> telegram_startup(telegram::Client& client, telegram::BotIdentity& bot,
                                       const Config& config) {
  auto ex = co_await asio::this_coro::executor;
  std::chrono::seconds backoff{1};
  while (true) {
    auto me = co_await client.get_me();
    if (me) {
      bot.username = me->username;
      spdlog::info("telegram: running as @{} ({})", bot.username, bot.id);
      break;
    }
    spdlog::warn("telegram: getMe failed ({}), retrying in {}s", me.error().message(),
                 backoff.count());
    asio::steady_timer timer(ex, backoff);
    auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    backoff = std::min(backoff * 2, std::chrono::seconds{60});
  }
  if (config.public_url.empty()) co_return;
  telegram::ApiCall call{"setWebhook",
                         {{"url", config.public_url + "/telegram/webhook"},
                          {"secret_token", config.telegram_secret},
                          {"allowed_updates", {"message", "callback_query", "my_chat_member"}}}};
  auto outcome = co_await client.call(call);
  if (outcome.status == core::SendOutcome::Status::sent) {
    spdlog::info("telegram: webhook set to {}/telegram/webhook", config.public_url);
  } else {
    spdlog::error("telegram: setWebhook failed: {}", outcome.reason);
  }
}

// Checks the Slack token (auth.test) and learns our bot user, so its own messages are ignored.
// Retries until Slack answers; the server works meanwhile. A refused token is logged loudly.
// `timer` paces the retries; cancelling it (shutdown) ends them.
asio::awaitable<void> slack_startup(slack::Client& client, SlackTransport& transport,
                                    const Config& config, asio::steady_timer& timer) {
  std::chrono::seconds backoff{1};
  while (true) {
    auto me = co_await client.auth_test("");
    if (me) {
      spdlog::info("slack: running as bot user {} in workspace {} ({})", me->user_id, me->team,
                   me->team_id);
      transport.set_identity(slack::Identity{me->user_id});
      break;
    }
    if (me.error() == boost::system::errc::permission_denied) {
      spdlog::critical("slack: the bot token is refused (auth.test); check SLACK_BOT_TOKEN");
    } else {
      spdlog::warn("slack: auth.test failed ({}), retrying in {}s", me.error().message(),
                   backoff.count());
    }
    timer.expires_after(backoff);
    auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    backoff = std::min(backoff * 2, std::chrono::seconds{60});
  }
  if (!config.public_url.empty()) {
    spdlog::info("slack: request URLs for the app's settings: {0}{1}, {0}{2}, {0}{3}",
                 config.public_url, slack::kEventsPath, slack::kCommandsPath,
                 slack::kInteractivityPath);
  }
}

}  // namespace

int serve() {
  auto setup = prepare();
  if (!setup) return 2;
  const Config& config = setup->config;
  spdlog::info("microcourse serve: {}", config.describe());
  spdlog::info("content: {} courses from {}", setup->catalog.courses().size(), config.content_dir);

  asio::io_context ioc(1);
  auto ex = ioc.get_executor();

  // Two connections: commands, and the dispatcher's blocking outbox reads (a BLOCK on the
  // shared connection would hold every webhook's commit behind it).
  store::RedisClient redis(ex, config.redis);
  store::RedisConfig reader_config = config.redis;
  reader_config.name = "reader";
  store::RedisClient reader(ex, reader_config);
  redis.start();
  reader.start();
  // This instance reads only the outboxes it has a sender for (a console session on the same
  // Redis reads its own).
  store::StoreConfig store_config;
  store_config.platforms.clear();
  if (config.telegram_enabled()) store_config.platforms.push_back("telegram");
  if (config.slack_enabled()) store_config.platforms.push_back("slack");
  store::Store store(redis, reader, store_config);
  engine::Engine engine(setup->catalog, store, system_now, config.schedule);
  http::Client http_client(ex);

  auto bot = std::make_shared<telegram::BotIdentity>();
  std::optional<telegram::Client> telegram_client;
  if (config.telegram_enabled()) {
    bot->id = config.telegram_token.substr(0, config.telegram_token.find(':'));
    telegram_client.emplace(http_client,
                            telegram::ClientConfig{config.telegram_api_url, config.telegram_token});
  }

  std::optional<slack::StaticTokenSource> slack_tokens;
  std::optional<slack::Client> slack_client;
  std::optional<SlackTransport> slack_transport;
  if (config.slack_enabled()) {
    slack_tokens.emplace(config.slack_token);
    slack_client.emplace(http_client, *slack_tokens, slack::ClientConfig{config.slack_api_url});
    SlackTransportConfig transport_config;
    transport_config.signing_secret = config.slack_signing_secret;
    slack_transport.emplace(ex, engine, *slack_client, transport_config,
                            [] { return std::chrono::system_clock::now(); });
  }

  http::Router router;
  router.add(bhttp::verb::get, "/healthz",
             [](http::Request req) -> asio::awaitable<http::Response> {
               co_return http::make_response(req, bhttp::status::ok, "ok\n");
             });
  router.add(bhttp::verb::get, "/readyz",
             [&](http::Request req) -> asio::awaitable<http::Response> {
               if (!store.connected()) {
                 co_return http::make_response(req, bhttp::status::service_unavailable,
                                               "redis unavailable\n");
               }
               co_return http::make_response(req, bhttp::status::ok, "ready\n");
             });
  router.add(
      bhttp::verb::get, "/metrics", [&store](http::Request req) -> asio::awaitable<http::Response> {
        // Dead letters of every instance, read from Redis at each scrape.
        if (auto dead = co_await store.dead_letter_count()) {
          metrics::Registry::global().set("microcourse_dead_letters",
                                          "Messages in the dead-letter streams (all instances)", {},
                                          static_cast<double>(*dead));
        }
        co_return http::make_response(req, bhttp::status::ok, metrics::Registry::global().render(),
                                      "text/plain; version=0.0.4; charset=utf-8");
      });
  if (telegram_client) {
    router.add(bhttp::verb::post, "/telegram/webhook",
               telegram_webhook(engine, config.telegram_secret, bot));
  }
  if (slack_transport) {
    router.add(bhttp::verb::post, std::string(slack::kEventsPath), slack_transport->events());
    router.add(bhttp::verb::post, std::string(slack::kCommandsPath), slack_transport->commands());
    router.add(bhttp::verb::post, std::string(slack::kInteractivityPath),
               slack_transport->interactivity());
  }

  http::ServerConfig server_config;
  server_config.bind = config.bind;
  server_config.port = config.port;
  http::Server server(ex, server_config,
                      [&router](http::Request req) { return router(std::move(req)); });
  auto endpoint = server.listen();
  if (!endpoint) {
    spdlog::critical("cannot listen on {}:{}: {}", config.bind, config.port,
                     endpoint.error().message());
    return 1;
  }
  server.start();
  spdlog::info("listening on {}:{}", endpoint->address().to_string(), endpoint->port());

  delivery::Dispatcher dispatcher(ex, store, config.dispatch, system_now);
  dispatcher.set_limits("telegram:", config.telegram_limits);
  dispatcher.set_limits("slack:", config.slack_limits);
  if (telegram_client) {
    dispatcher.add_sender("telegram:", {telegram::parts_of, [&](const core::Part& part) {
                                          return telegram_client->call(part);
                                        }});
  }
  if (slack_client) {
    dispatcher.add_sender("slack:", {slack::parts_of, [&](const core::Part& part) {
                                       return slack_client->call(part);
                                     }});
  }
  dispatcher.on_unreachable([&](const core::Outbound& m) -> asio::awaitable<void> {
    core::Inbound blocked;
    blocked.kind = core::Inbound::Kind::blocked;
    blocked.learner = m.learner;
    blocked.event_id = "unreachable:" + m.key;
    (void)co_await engine.handle(blocked);
  });
  // Set when the dispatcher and the scheduler have returned, so shutdown can wait for in-flight
  // sends to be acked and in-flight pushes to be committed.
  bool dispatcher_done = store_config.platforms.empty();
  bool scheduler_done = false;
  asio::steady_timer background_finished(ex, asio::steady_timer::time_point::max());
  if (!dispatcher_done) {
    asio::co_spawn(ex, dispatcher.run(), [&](std::exception_ptr e) {
      if (e) spdlog::critical("dispatcher stopped unexpectedly");
      dispatcher_done = true;
      background_finished.cancel();
    });
  } else {
    spdlog::warn(
        "no platform is configured (TELEGRAM_BOT_TOKEN, SLACK_BOT_TOKEN): nothing to "
        "receive or send");
  }
  delivery::Scheduler scheduler(ex, store, engine, config.scheduler, system_now);
  asio::co_spawn(ex, scheduler.run(), [&](std::exception_ptr e) {
    if (e) spdlog::critical("scheduler stopped unexpectedly");
    scheduler_done = true;
    background_finished.cancel();
  });
  if (telegram_client) {
    asio::co_spawn(ex, telegram_startup(*telegram_client, *bot, config), asio::detached);
  }
  asio::steady_timer slack_startup_timer(ex);
  if (slack_client) {
    asio::co_spawn(ex, slack_startup(*slack_client, *slack_transport, config, slack_startup_timer),
                   asio::detached);
  }

  // Graceful shutdown: stop accepting, finish in-flight requests and sends, then let run()
  // return. A watchdog bounds the whole thing.
  asio::signal_set signals(ex, SIGINT, SIGTERM);
  asio::steady_timer watchdog(ex);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    spdlog::info("signal {}: shutting down", signal);
    watchdog.expires_after(config.shutdown_timeout);
    watchdog.async_wait([&](const boost::system::error_code& wec) {
      if (!wec) {
        spdlog::error("shutdown took too long, stopping");
        ioc.stop();
      }
    });
    asio::co_spawn(
        ex,
        [&]() -> asio::awaitable<void> {
          co_await server.shutdown();
          scheduler.stop();
          if (slack_transport) slack_transport->stop();
          slack_startup_timer.cancel();
          dispatcher.stop();
          while (!dispatcher_done || !scheduler_done) {
            (void)co_await background_finished.async_wait(asio::as_tuple(asio::use_awaitable));
            background_finished.expires_at(asio::steady_timer::time_point::max());
          }
        },
        [&](std::exception_ptr) {
          redis.stop();
          reader.stop();
          http_client.close();
          watchdog.cancel();
          // Everything that mattered has finished; background retries (getMe's backoff) would
          // otherwise keep the loop alive until the watchdog.
          ioc.stop();
        });
  });
  ioc.run();
  spdlog::info("stopped");
  return 0;
}

}  // namespace mc::app
