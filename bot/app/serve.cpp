#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "bot/app/commands.hpp"
#include "bot/app/platform.hpp"
#include "bot/app/setup.hpp"
#include "bot/delivery/dispatcher.hpp"
#include "bot/engine/deferred.hpp"
#include "bot/http/client.hpp"
#include "bot/http/router.hpp"
#include "bot/http/server.hpp"
#include "bot/metrics/metrics.hpp"
#include "bot/store/deferred_store.hpp"
#include "bot/store/learner_store.hpp"
#include "bot/store/outbox_store.hpp"
#include "bot/store/schedule_store.hpp"

namespace mc::app {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

constexpr metrics::Gauge kDeadLetters{"microcourse_dead_letters",
                                      "Messages in the dead-letter streams (all instances)"};

/// /healthz, /readyz and /metrics: what operators and orchestrators ask.
void add_operator_routes(http::Router& router, store::OutboxStore& outbox) {
  router.add(bhttp::verb::get, "/healthz",
             [](http::Request req) -> asio::awaitable<http::Response> {
               co_return http::make_response(req, bhttp::status::ok, "ok\n");
             });
  router.add(bhttp::verb::get, "/readyz",
             [&outbox](http::Request req) -> asio::awaitable<http::Response> {
               if (!outbox.connected()) {
                 co_return http::make_response(req, bhttp::status::service_unavailable,
                                               "redis unavailable\n");
               }
               co_return http::make_response(req, bhttp::status::ok, "ready\n");
             });
  router.add(bhttp::verb::get, "/metrics",
             [&outbox](http::Request req) -> asio::awaitable<http::Response> {
               // Dead letters of every instance, read from Redis at each scrape.
               if (auto dead = co_await outbox.dead_letter_count()) {
                 metrics::Registry::global().set(kDeadLetters, {}, static_cast<double>(*dead));
               }
               co_return http::make_response(req, bhttp::status::ok,
                                             metrics::Registry::global().render(),
                                             "text/plain; version=0.0.4; charset=utf-8");
             });
}

/// Background loops that must finish before the process exits: shutdown waits for each.
class Background {
 public:
  explicit Background(asio::any_io_executor ex)
      : ex_(ex), finished_(ex, asio::steady_timer::time_point::max()) {}

  void spawn(const char* name, asio::awaitable<void> work) {
    ++running_;
    asio::co_spawn(ex_, std::move(work), [this, name](std::exception_ptr e) {
      if (e) spdlog::critical("{} stopped unexpectedly", name);
      --running_;
      finished_.cancel();
    });
  }

  asio::awaitable<void> wait_all() {
    while (running_ > 0) {
      (void)co_await finished_.async_wait(asio::as_tuple(asio::use_awaitable));
      finished_.expires_at(asio::steady_timer::time_point::max());
    }
  }

 private:
  asio::any_io_executor ex_;
  asio::steady_timer finished_;
  int running_ = 0;
};

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

  // The enabled platforms. This instance reads only their outboxes (a console session on the
  // same Redis reads its own).
  std::vector<std::pair<const PlatformModule*, const PlatformSettings*>> enabled;
  for (std::size_t i = 0; i < platform_modules().size(); ++i) {
    if (config.platforms[i]->enabled()) {
      enabled.emplace_back(&platform_modules()[i], config.platforms[i].get());
    }
  }
  store::StoreConfig store_config;
  store_config.platforms.clear();
  for (const auto& [module, settings] : enabled) {
    store_config.platforms.emplace_back(module->name);
  }
  store::LearnerStore learners(redis, store_config);
  store::OutboxStore outbox(redis, reader, store_config);
  store::ScheduleStore schedule(redis, store_config);
  store::DeferredStore deferred_store(redis, store_config.prefix);
  engine::Engine engine(setup->catalog, learners, system_now, config.schedule);
  engine::Deferred deferred(ex, engine, deferred_store, config.deferred, system_now);
  http::Client http_client(ex);

  Wiring wiring{ex, config, engine, deferred, http_client};
  std::vector<std::unique_ptr<Platform>> platforms;
  platforms.reserve(enabled.size());
  for (const auto& [module, settings] : enabled) {
    platforms.push_back(module->make(*settings, wiring));
  }

  http::Router router;
  add_operator_routes(router, outbox);
  for (auto& platform : platforms) platform->add_routes(router);

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

  delivery::Dispatcher dispatcher(ex, outbox, config.dispatch, system_now);
  for (auto& platform : platforms) {
    const std::string route_prefix = std::string(platform->name()) + ":";
    dispatcher.set_limits(route_prefix, platform->limits());
    dispatcher.add_sender(route_prefix, platform->sender());
  }
  dispatcher.on_unreachable([&](const core::Outbound& m) -> asio::awaitable<void> {
    (void)co_await engine.mark_unreachable(m);
  });
  engine::Scheduler scheduler(ex, schedule, engine, config.scheduler, system_now);

  // Set when the dispatcher, the scheduler and the deferred work have returned, so shutdown can
  // wait for in-flight sends to be acked and in-flight pushes to be committed.
  Background background(ex);
  if (!platforms.empty()) {
    background.spawn("dispatcher", dispatcher.run());
  } else {
    std::string known;
    for (const PlatformModule& m : platform_modules()) {
      known += (known.empty() ? "" : ", ") + std::string(m.variables().front().name);
    }
    spdlog::warn("no platform is configured ({}): nothing to receive or send", known);
  }
  background.spawn("scheduler", scheduler.run());
  background.spawn("deferred work", deferred.run());
  for (auto& platform : platforms) asio::co_spawn(ex, platform->start(), asio::detached);

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
          deferred.stop();
          for (auto& platform : platforms) platform->stop();
          dispatcher.stop();
          co_await background.wait_all();
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
